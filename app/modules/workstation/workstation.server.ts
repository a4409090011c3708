import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { publishDialerCommand, publishLive } from '../dialing/live.server';
import { presenceOf, setAgentState } from '../dialing/presence.server';
import { readSetting, writeSetting } from '../system/settings.server';
import { localClock } from '../tasks/schedule';
import { DEFAULT_PAUSE_REASONS, type PauseReason, PauseReasonListSchema } from './pause-reasons';

// The agent's own state and counters, and the buttons of the softphone panel. Presence rows are
// shared with the dialer (app/modules/dialing/presence.server.ts): every change here is one
// conditional update, so the agent and the dialer never both move the same state.

const PAUSE_REASONS_KEY = 'workstation.pauseReasons';

export async function pauseReasons(): Promise<PauseReason[]> {
  const stored = PauseReasonListSchema.safeParse(await readSetting(PAUSE_REASONS_KEY));
  return stored.success ? stored.data : DEFAULT_PAUSE_REASONS;
}

export async function savePauseReasons(actor: AuditActor, input: unknown) {
  const parsed = PauseReasonListSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false as const, errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const before = await pauseReasons();
  await writeSetting(PAUSE_REASONS_KEY, parsed.data);
  await audit(actor, 'workstation.pauseReasons', PAUSE_REASONS_KEY, { before, after: parsed.data });
  return { ok: true as const };
}

export type StateChange = 'ready' | 'pause' | 'logout';
export type StateResult = { ok: true; state: string } | { ok: false; error: string };

/**
 * The state bar's buttons. Ready and pause are refused while a call is reserved or in progress
 * (the call decides), and ready is refused during a wrap-up not yet submitted.
 */
export async function changeState(userId: string, change: StateChange, pauseReason?: string): Promise<StateResult> {
  const presence = await presenceOf(userId);
  const state = presence?.state ?? 'offline';
  if (state === 'reserved' || state === 'talking') return { ok: false, error: 'workstation.onCall' };
  if (change === 'ready' && state === 'wrapUp' && presence?.attemptId && !(await wrappedUp(presence.attemptId)))
    return { ok: false, error: 'workstation.wrapUpFirst' };
  if (change === 'pause' && !(await pauseReasons()).some((r) => r.code === pauseReason))
    return { ok: false, error: 'workstation.pauseReason' };
  const next = change === 'ready' ? 'ready' : change === 'pause' ? 'paused' : 'offline';
  // Only from the state read above: a call the dialer reserved meanwhile wins.
  const { count } = await prisma.agentPresence.updateMany({
    where: { userId, state },
    data: {
      state: next,
      since: new Date(),
      heartbeatAt: new Date(),
      pauseReason: next === 'paused' ? (pauseReason ?? null) : null,
      attemptId: null,
      auto: false,
    },
  });
  if (!count && !presence) await setAgentState(userId, next, { pauseReason, auto: false });
  else if (!count) return { ok: false, error: 'workstation.stateChanged' };
  await publishLive({ topic: 'agent', data: { userId, state: next, pauseReason: next === 'paused' ? pauseReason : null } });
  return { ok: true, state: next };
}

async function wrappedUp(attemptId: string): Promise<boolean> {
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId }, select: { connectedAt: true } });
  if (!attempt?.connectedAt) return true;
  return (await prisma.wrapUp.count({ where: { attemptId } })) > 0;
}

/** After a submitted wrap-up: back to ready, or into the pause the agent asked for. */
export async function afterWrapUp(userId: string, attemptId: string, pauseReason?: string | null) {
  const next = pauseReason ? 'paused' : 'ready';
  const { count } = await prisma.agentPresence.updateMany({
    where: { userId, state: 'wrapUp', attemptId },
    data: { state: next, since: new Date(), attemptId: null, pauseReason: pauseReason ?? null },
  });
  if (count) await publishLive({ topic: 'agent', data: { userId, state: next, pauseReason: pauseReason ?? null } });
}

/** What the workstation shows on load: state, time in state, the call or wrap-up in hand. */
export async function workstationState(userId: string) {
  const presence = await presenceOf(userId);
  return {
    state: presence?.state ?? 'offline',
    since: (presence?.since ?? new Date()).toISOString(),
    pauseReason: presence?.pauseReason ?? null,
    attemptId: presence?.attemptId ?? null,
  };
}

/** Today's counters in the agent's time zone: calls, connects, successes, talk time. */
export async function todayCounters(userId: string, timeZone: string, now = new Date()) {
  const { minute } = localClock(now, timeZone);
  const since = new Date(now.getTime() - minute * 60_000 - now.getSeconds() * 1000 - now.getMilliseconds());
  const [calls, connects, talk, successes] = await Promise.all([
    prisma.callAttempt.count({
      where: { OR: [{ agentId: userId }, { requestedBy: userId }], queuedAt: { gte: since }, NOT: { result: 'notPlaced' } },
    }),
    prisma.callAttempt.count({ where: { agentId: userId, connectedAt: { gte: since } } }),
    prisma.callAttempt.aggregate({ where: { agentId: userId, connectedAt: { gte: since } }, _sum: { talkSec: true } }),
    prisma.wrapUp.count({ where: { agentId: userId, outcome: 'success', submittedAt: { gte: since } } }),
  ]);
  return { calls, connects, successes, talkSec: talk._sum.talkSec ?? 0 };
}

export const CALL_ACTIONS = ['hangup', 'hold', 'unhold', 'mute', 'unmute', 'dtmf'] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];

/** A softphone button: sent to the dialer that has the agent's call (it answers with a `call` event). */
export async function controlCall(userId: string, action: CallAction, digits?: string) {
  const presence = await presenceOf(userId);
  if (!presence?.attemptId || !['talking', 'reserved'].includes(presence.state))
    return { ok: false as const, error: 'workstation.noCall' };
  if (action === 'dtmf' && !/^[0-9*#]{1,32}$/.test(digits ?? '')) return { ok: false as const, error: 'workstation.dtmf' };
  await publishDialerCommand({ type: 'call', attemptId: presence.attemptId, agentId: userId, action, digits });
  return { ok: true as const };
}
