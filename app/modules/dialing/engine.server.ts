import { prisma } from '../../db/prisma.server';
import { callHook } from '../../plugins/installations.server';
import type { PoolNumber } from '../../plugins/sdk';
import { type Clock, realClock } from '../../telephony/clock';
import type { Softswitch, SoftswitchEvent } from '../../telephony/port';
import { SoftswitchError } from '../../telephony/port';
import { decryptString } from '../../utils/data-key.server';
import { logger } from '../../utils/logger.server';
import { normalizePhone } from '../lists/phone';
import { revealPhone } from '../lists/phone-vault.server';
import { cappedLaunches, lineBlocks, pacingCap } from '../monitoring/breakers.server';
import { DEFAULT_ABANDON_MESSAGE } from '../projects/project-schema';
import { eligibleContacts } from '../tasks/dispatch.server';
import {
  type AttemptResult,
  finishAttempt,
  markAbandoned,
  markAnswered,
  markConnected,
  markRinging,
  markRobot,
  startDialing,
} from './attempts.server';
import { callerIdFor } from './caller-id';
import { admitMany, type DialMode, type DialTask } from './gate.server';
import { publishLive } from './live.server';
import { writeDialerStatus } from './monitor.server';
import { createPacer, createProgressivePacer, explainPacing, type Pacer } from './pacing';
import { agentCounts, enterWrapUp, releaseAgent, reserveAgent, setAgentState } from './presence.server';
import { type RobotSettings, runRobotCall } from './robot.server';

// The dialer's engine for the tasks this process owns: once a second each task's pacer says how
// many calls to launch; each launch goes through the compliance gate, then the switch; the
// switch's events move the attempt through its states, connect human answers to a reserved agent
// within 2 seconds or abandon them, and end the attempt with its CDR.

/** Regulators' limit: a human answer waits at most this long for an agent. */
export const ABANDON_AFTER_MS = 2000;
const RESERVE_RETRY_MS = 200;
/** Launches of one round run this many at a time (each is a few database round trips). */
const LAUNCH_CONCURRENCY = 4;
/** A refused contact without a known reopening time is asked again after this long. */
const REFUSAL_SKIP_MS = 5 * 60_000;

export interface EngineTask extends DialTask {
  name: string;
  dialMode: DialMode;
  skillGroupIds: string[];
  pacing: { targetAbandonRate: number; maxLinesPerAgent: number };
  trunks: string[];
  callerIds: string[];
  /** Caller ID → calls allowed per day (from the carrier plugin); absent = no cap. */
  callerIdCaps?: Record<string, number>;
  /** The carrier's caller-ID pool (area codes, trunk bindings) for choosing a number per call. */
  callerIdPool?: PoolNumber[];
  noAnswerTimeoutSec: number;
  /** Robot tasks: the questionnaire version the robot runs and its settings. */
  robot?: { versionId: string; settings: RobotSettings; transferGroupIds: string[]; lines: number } | null;
}

interface Live {
  task: EngineTask;
  agentId?: string;
  answeredAt?: number;
  connected?: boolean;
  robot?: boolean;
  /** Agents' groups for this call (a robot's transfer group), else the task's. */
  groups?: string[];
  abandoned?: boolean;
  machine?: boolean | null;
  trunk: string;
  callerId: string;
  /** The agent who asked for this call (preview, manual, callback, click-to-call): it goes to them. */
  requestedBy?: string;
}

export const agentEndpoint = (userId: string) => `agent/${userId}`;

/**
 * The number behind a tokenised contact, asked of the project's CRM plugin (`resolvePhone`) at the
 * moment of dialling; null when there is no CRM, it fails, or the answer is not a valid number.
 */
export async function resolveToken(projectId: string, contactId: bigint): Promise<string | null> {
  const [project, contact] = await Promise.all([
    prisma.project.findUnique({ where: { id: projectId }, select: { crmInstallationId: true } }),
    prisma.contact.findUnique({ where: { id: contactId }, select: { phoneToken: true } }),
  ]);
  if (!project?.crmInstallationId || !contact?.phoneToken) return null;
  const outcome = await callHook(project.crmInstallationId, 'resolvePhone', [decryptString(contact.phoneToken)]);
  if (!outcome.ok) return null;
  const phone = normalizePhone((outcome.value as { phone?: unknown } | undefined)?.phone);
  return phone.ok ? phone.e164 : null;
}

/**
 * The number for the next attempt: the primary, or the secondary phone once the primary proved
 * invalid or went unanswered `after` times (the project's alternate-number policy; 0 = never).
 */
export async function numberToDial(
  contactId: bigint,
  after: number,
): Promise<{ cipher: string | null; slot: 'primary' | 'secondary' }> {
  const contact = await prisma.contact.findUnique({
    where: { id: contactId },
    select: { phoneCipher: true, secondaryPhoneCipher: true },
  });
  if (!contact) return { cipher: null, slot: 'primary' };
  if (after > 0 && contact.secondaryPhoneCipher) {
    const primary = await prisma.callAttempt.findMany({
      where: { contactId, phoneSlot: 'primary', endedAt: { not: null } },
      select: { result: true },
    });
    const invalid = primary.some((a) => a.result === 'invalid');
    const unanswered = primary.filter((a) => a.result === 'noAnswer' || a.result === 'busy').length;
    if (invalid || unanswered >= after || !contact.phoneCipher)
      return { cipher: contact.secondaryPhoneCipher, slot: 'secondary' };
  }
  return { cipher: contact.phoneCipher ?? contact.secondaryPhoneCipher, slot: contact.phoneCipher ? 'primary' : 'secondary' };
}
export const agentOfEndpoint = (endpoint: string) => (endpoint.startsWith('agent/') ? endpoint.slice(6) : null);

export class DialerEngine {
  private readonly calls = new Map<string, Live>();
  private readonly pacers = new Map<string, Pacer>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly log = logger.child({ role: 'dialer' });
  private unsubscribe: () => void;
  private rotation = 0;
  /** Milliseconds from the pacer's decision to each originate of the round (for bench:dialer). */
  readonly launchLatencies: number[] = [];

  private readonly now: () => number;
  /** Contacts the gate refused, skipped until then (so a refused contact is not asked every second). */
  private readonly skipUntil = new Map<bigint, number>();

  /**
   * `clock`: the switch's clock (a sim switch runs faster than real time in demos).
   * `prepareEndpoint`: called before an agent's endpoint is bridged (the sim switch registers a
   * workstation's endpoint then; FreeSWITCH's Verto endpoints register themselves).
   */
  constructor(
    private readonly sw: Softswitch,
    readonly dialerId: string,
    private readonly clock: Clock = realClock(),
    private readonly prepareEndpoint: (endpoint: string) => void | Promise<void> = () => {},
  ) {
    this.now = () => clock.now();
    // A call's events are handled one after another, in the order the switch sent them.
    this.unsubscribe = sw.onEvent((e) => {
      const previous = this.chains.get(e.callId) ?? Promise.resolve();
      const next = previous
        .then(() => this.onEvent(e))
        .catch((error) => this.log.error({ err: error, callId: e.callId }, 'switch event failed'));
      this.chains.set(e.callId, next);
      void next.then(() => {
        if (this.chains.get(e.callId) === next && !this.calls.has(e.callId)) this.chains.delete(e.callId);
      });
    });
  }

  /** What the current pacing round is doing (logged when a round takes too long). */
  stage = 'idle';

  pacerFor(task: EngineTask): Pacer {
    let pacer = this.pacers.get(task.id);
    if (!pacer) {
      const opts = { targetAbandonRate: task.pacing.targetAbandonRate / 100, maxLinesPerAgent: task.pacing.maxLinesPerAgent };
      pacer = task.dialMode === 'predictive' ? createPacer(opts) : createProgressivePacer(opts);
      this.pacers.set(task.id, pacer);
    }
    return pacer;
  }

  private ofTask(taskId: string): number {
    let n = 0;
    for (const call of this.calls.values()) if (call.task.id === taskId) n++;
    return n;
  }

  ringing(taskId: string): number {
    let n = 0;
    for (const call of this.calls.values()) if (call.task.id === taskId && call.answeredAt === undefined) n++;
    return n;
  }

  /** One pacing round for a task: how many to launch, then launch through the gate. */
  async tick(task: EngineTask): Promise<number> {
    const robot = task.dialMode === 'robot';
    if (!robot && task.dialMode !== 'predictive' && task.dialMode !== 'progressive') return 0;
    const pacer = this.pacerFor(task);
    this.stage = 'counting agents';
    const counts = robot ? { ready: 0, busy: 0 } : await agentCounts(task.skillGroupIds);
    const ringing = this.ringing(task.id);
    const decided = robot
      ? Math.max(0, (task.robot?.lines ?? 0) - this.ofTask(task.id))
      : pacer.decide({ now: this.now(), readyAgents: counts.ready, busyAgents: counts.busy, callsRinging: ringing });
    // A monitoring circuit breaker may cap the task's lines per agent below what the pacer wants.
    this.stage = 'reading the pacing cap';
    const cap = robot ? null : await pacingCap(task.id);
    const want = cappedLaunches(decided, cap, counts.ready + counts.busy, ringing);
    const decidedAt = performance.now();
    const limits: string[] = [];
    if (want < decided) limits.push('pacingCapped');
    if (!robot && counts.ready + counts.busy === 0) limits.push('noReadyAgents');
    if (robot && !task.robot) limits.push('noQuestionnaire');
    if (!task.trunks.length || !task.callerIds.length) limits.push('noNumber');
    let launched = 0;
    this.stage = 'checking lines';
    const lines = want > 0 && !limits.includes('noNumber') ? await this.usableLines(task) : null;
    if (lines && !lines.trunks.length) limits.push(lines.disabledTrunks ? 'trunkDisabled' : 'trunkFull');
    if (lines && !lines.callerIds.length) limits.push(lines.disabledCallerIds ? 'callerIdDisabled' : 'callerIdCap');
    if (want > 0 && lines?.trunks.length && lines.callerIds.length) {
      const wall = Date.now();
      this.stage = 'selecting contacts';
      const candidates = (await eligibleContacts(task.id, { limit: want * 4 + 50 })).filter(
        (c) => (this.skipUntil.get(c.contactId) ?? 0) <= wall,
      );
      if (!candidates.length) limits.push('noContacts');
      const refused = new Map<string, number>();
      // The gate judges a whole batch at once; admitted contacts are launched a few at a time.
      let next = 0;
      while (launched < want && next < candidates.length) {
        const batch = candidates.slice(next, next + (want - launched));
        next += batch.length;
        this.stage = `admitting ${batch.length} contacts`;
        const admissions = await admitMany(
          task,
          batch.map((c) => c.contactId),
          task.dialMode,
        );
        const admitted: { contactId: bigint; attemptId: string }[] = [];
        for (const [contactId, a] of admissions) {
          if (a.ok) admitted.push({ contactId, attemptId: a.attemptId });
          else {
            refused.set(a.reason, (refused.get(a.reason) ?? 0) + 1);
            this.skipUntil.set(contactId, a.until ? a.until.getTime() : wall + REFUSAL_SKIP_MS);
          }
        }
        for (let i = 0; i < admitted.length; i += LAUNCH_CONCURRENCY) {
          this.stage = `launching ${i + 1}-${Math.min(admitted.length, i + LAUNCH_CONCURRENCY)} of ${admitted.length}`;
          const done = await Promise.all(
            admitted.slice(i, i + LAUNCH_CONCURRENCY).map((a) => this.launch(task, a.attemptId, a.contactId, lines, decidedAt)),
          );
          launched += done.filter(Boolean).length;
        }
      }
      if (launched < want) for (const [reason] of [...refused].sort((a, b) => b[1] - a[1]).slice(0, 2)) limits.push(reason);
    }
    const why = explainPacing(pacer);
    this.stage = 'writing the status';
    await writeDialerStatus({
      taskId: task.id,
      dialerId: this.dialerId,
      at: new Date().toISOString(),
      level: Math.round((why?.linesPerAgent ?? 0) * 100) / 100,
      reason: why?.reason ?? 'steady',
      readyAgents: counts.ready,
      busyAgents: counts.busy,
      ringing: this.ringing(task.id),
      limits,
    });
    this.stage = 'idle';
    return launched;
  }

  /**
   * Trunks with a free channel and caller IDs still under their daily cap, for this round, without
   * the trunks and caller IDs a monitoring circuit breaker disabled (counted, for the reason codes).
   */
  async usableLines(
    task: EngineTask,
  ): Promise<{ trunks: string[]; callerIds: string[]; disabledTrunks?: number; disabledCallerIds?: number }> {
    const [health, blocked] = await Promise.all([this.sw.health(), lineBlocks()]);
    const allowedTrunks = task.trunks.filter((t) => !blocked.trunks.has(t));
    const allowedIds = task.callerIds.filter((n) => !blocked.callerIds.has(n));
    const offTrunks = task.trunks.length - allowedTrunks.length;
    const offIds = task.callerIds.length - allowedIds.length;
    const disabled = { ...(offTrunks ? { disabledTrunks: offTrunks } : {}), ...(offIds ? { disabledCallerIds: offIds } : {}) };
    const trunks = allowedTrunks.filter((t) => {
      // A trunk the switch does not know is as unusable as a full one.
      const h = health.trunks[t];
      return !!h && h.used < h.capacity;
    });
    const caps = task.callerIdCaps ?? {};
    const capped = allowedIds.filter((n) => caps[n] !== undefined);
    if (!capped.length) return { trunks, callerIds: allowedIds, ...disabled };
    const since = new Date();
    since.setHours(0, 0, 0, 0);
    const used = await prisma.callAttempt.groupBy({
      by: ['callerId'],
      where: { callerId: { in: capped }, dialingAt: { gte: since } },
      _count: { _all: true },
    });
    const count = new Map(used.map((u) => [u.callerId, u._count._all]));
    return {
      trunks,
      callerIds: allowedIds.filter((n) => caps[n] === undefined || (count.get(n) ?? 0) < (caps[n] ?? 0)),
      ...disabled,
    };
  }

  /** Originates a queued attempt; a second delivery of the same attempt does nothing. */
  async launch(
    task: EngineTask,
    attemptId: string,
    contactId: bigint,
    lines: { trunks: string[]; callerIds: string[] } = { trunks: task.trunks, callerIds: task.callerIds },
    decidedAt?: number,
    requestedBy?: string,
  ): Promise<boolean> {
    if (!(await startDialing(attemptId, this.dialerId))) return false;
    const { cipher, slot } = await numberToDial(contactId, task.rules.secondaryAfterFailures ?? 0);
    // A tokenised contact's number comes from the CRM now, is held only in memory, and is never stored.
    const to = cipher ? revealPhone(cipher) : await resolveToken(task.projectId, contactId);
    if (!to) {
      await finishAttempt(attemptId, { result: 'failed', cause: 'TOKEN_UNRESOLVED' });
      if (requestedBy) await this.requesterFree(requestedBy, attemptId);
      return false;
    }
    const turn = this.rotation++;
    const trunk = lines.trunks[turn % lines.trunks.length] as string;
    const callerId = callerIdFor(lines.callerIds, task.callerIdPool, trunk, to, turn) as string;
    // Stored at dial time: caller-ID daily caps count from here.
    await prisma.callAttempt.update({ where: { id: attemptId }, data: { phoneSlot: slot, trunk, callerId } });
    this.calls.set(attemptId, { task, trunk, callerId, requestedBy });
    this.pacerFor(task).observe({ type: 'dialed', at: this.now(), callId: attemptId });
    if (decidedAt !== undefined && this.launchLatencies.length < 200_000)
      this.launchLatencies.push(performance.now() - decidedAt);
    try {
      await this.sw.originate({
        callId: attemptId,
        to,
        callerId,
        trunk,
        timeoutSec: task.noAnswerTimeoutSec,
        variables: { attemptId, taskId: task.id },
        amd: true,
      });
      await publishLive({ topic: 'attempt', data: { id: attemptId, taskId: task.id, state: 'dialing' } });
      return true;
    } catch (error) {
      const cause = error instanceof SoftswitchError ? (error.hangupCause ?? error.reason) : 'ORIGINATE_ERROR';
      await this.end(attemptId, cause === 'INVALID_NUMBER_FORMAT' ? 'invalid' : 'notPlaced', { cause, trunk, callerId });
      if (requestedBy) await this.requesterFree(requestedBy, attemptId);
      return false;
    }
  }

  private async onEvent(e: SoftswitchEvent): Promise<void> {
    const call = this.calls.get(e.callId);
    if (!call) return;
    const pacer = this.pacerFor(call.task);
    switch (e.type) {
      case 'progress':
        await markRinging(e.callId);
        // The agent who asked for the call watches it ring.
        if (call.requestedBy)
          await publishLive({
            topic: 'attempt',
            data: { id: e.callId, taskId: call.task.id, state: 'ringing', agentId: call.requestedBy },
          });
        return;
      case 'answered': {
        call.answeredAt = this.now();
        call.machine = e.machine;
        pacer.observe({ type: 'answered', at: this.now(), callId: e.callId, human: e.machine !== true });
        // A customer is waiting in silence: finding the agent does not wait for these writes.
        const recorded = markAnswered(e.callId, e.machine).then(() =>
          publishLive({
            topic: 'attempt',
            data: { id: e.callId, taskId: call.task.id, state: 'answered', agentId: call.requestedBy ?? null },
          }),
        );
        // Awaited further on; when finding an agent fails first (the database away) its own failure
        // must not become an unhandled rejection, which ends the process and every call on it.
        recorded.catch(() => undefined);
        if (e.machine === true || call.task.dialMode === 'robot') await recorded;
        if (e.machine === true) await this.sw.hangup(e.callId, 'NORMAL_CLEARING');
        else if (call.task.dialMode === 'robot')
          // Runs beside the call's event chain; a switch closed at shutdown ends it without a crash.
          void this.robot(e.callId, call).catch((error) => this.log.warn({ err: error, callId: e.callId }, 'robot call'));
        else await this.connect(e.callId, call, recorded);
        return;
      }
      case 'bridged': {
        const agentId = agentOfEndpoint(e.agentEndpoint);
        if (!agentId) return;
        call.connected = true;
        await markConnected(e.callId, agentId);
        await setAgentState(agentId, 'talking');
        await prisma.agentPresence.update({ where: { userId: agentId }, data: { attemptId: e.callId } });
        pacer.observe({ type: 'connected', at: this.now(), callId: e.callId });
        pacer.observe({ type: 'agentBusy', at: this.now(), agentId });
        await publishLive({ topic: 'attempt', data: { id: e.callId, taskId: call.task.id, state: 'connected', agentId } });
        await publishLive({ topic: 'screenPop', to: agentId, data: { attemptId: e.callId, taskId: call.task.id } });
        return;
      }
      case 'bridgeFailed': {
        const agentId = agentOfEndpoint(e.agentEndpoint);
        call.agentId = undefined;
        // The agent who asked for the call did not take it: the customer hears the abandon message.
        if (call.requestedBy) return this.abandon(e.callId, call);
        if (agentId) await setAgentState(agentId, 'ready');
        await this.connect(e.callId, call);
        return;
      }
      case 'hungUp': {
        const result: AttemptResult = call.connected
          ? 'connected'
          : call.robot
            ? 'robot'
            : call.abandoned
              ? 'abandoned'
              : e.machine === true || call.machine === true
                ? 'machine'
                : e.outcome === 'busy'
                  ? 'busy'
                  : e.outcome === 'noAnswer'
                    ? 'noAnswer'
                    : e.outcome === 'invalid'
                      ? 'invalid'
                      : call.answeredAt !== undefined
                        ? 'abandoned'
                        : 'failed';
        if (call.answeredAt === undefined) pacer.observe({ type: 'failed', at: this.now(), callId: e.callId, cause: e.cause });
        // The attempt ends first: the agent's wrap-up is for a call that is over.
        await this.end(e.callId, result, {
          cause: e.cause,
          causeCode: e.q850,
          ringSec: Math.round(e.ringSec),
          talkSec: Math.round(e.talkSec),
        });
        if (call.agentId && call.connected) {
          if (await enterWrapUp(call.agentId, e.callId))
            await publishLive({ topic: 'agent', data: { userId: call.agentId, state: 'wrapUp', attemptId: e.callId } });
        } else if (call.requestedBy) await this.requesterFree(call.requestedBy, e.callId);
        else if (call.agentId) await this.requesterFree(call.agentId, e.callId);
        return;
      }
      case 'originateFailed':
        // The gateway refused the call (capacity, down): not the number's fault, not an attempt on it.
        pacer.observe({ type: 'failed', at: this.now(), callId: e.callId, cause: e.cause });
        await this.end(e.callId, 'notPlaced', { cause: e.cause, causeCode: e.q850 });
        return;
      default:
        return;
    }
  }

  /** Runs the robot's questionnaire on an answered call, then hangs up or transfers to an agent. */
  private async robot(callId: string, call: Live): Promise<void> {
    const robot = call.task.robot;
    if (!robot) {
      await this.sw.hangup(callId, 'NORMAL_CLEARING');
      return;
    }
    call.robot = true;
    await markRobot(callId);
    const attempt = await prisma.callAttempt.findUnique({ where: { id: callId }, select: { contactId: true } });
    const end = attempt
      ? await runRobotCall(this.sw, {
          callId,
          versionId: robot.versionId,
          contactId: attempt.contactId,
          taskId: call.task.id,
          settings: robot.settings,
          language: 'zh-CN',
        })
      : ({ kind: 'gaveUp' } as const);
    if (end.kind === 'transfer' && robot.transferGroupIds.length) {
      call.answeredAt = this.now();
      call.groups = robot.transferGroupIds;
      await this.connect(callId, call);
      return;
    }
    if (end.kind !== 'hungUp') await this.sw.hangup(callId, 'NORMAL_CLEARING');
  }

  /** An agent's requested call ended without a conversation: they are ready again (unless they moved on). */
  private async requesterFree(agentId: string, attemptId: string) {
    const state = await releaseAgent(agentId, attemptId);
    if (state) await publishLive({ topic: 'agent', data: { userId: agentId, state, attemptId } });
  }

  /** Finds a ready agent for a human answer within 2 s, or abandons the call. */
  private async connect(callId: string, call: Live, recorded: Promise<unknown> = Promise.resolve()): Promise<void> {
    // A requested call goes only to the agent who asked for it (reserved for it since the dial).
    const requested = call.requestedBy;
    let tried = false;
    while (this.calls.has(callId) && !call.connected) {
      const agent = requested
        ? tried
          ? null
          : { userId: requested, auto: false }
        : await reserveAgent(call.groups ?? call.task.skillGroupIds, callId);
      tried = true;
      const agentId = agent?.userId;
      if (agent && agentId) {
        call.agentId = agentId;
        // The customer is waiting in silence: bridge first, tell the screens after. A person's
        // endpoint is made ready on the switch; an auto-agent lives only on its own dialer's switch.
        if (!agent.auto) await this.prepareEndpoint(agentEndpoint(agentId));
        const failure = await this.sw.bridge(callId, agentEndpoint(agentId)).then(
          () => null,
          (error: unknown) => error,
        );
        if (!failure) {
          await recorded;
          await publishLive({ topic: 'agent', data: { userId: agentId, state: 'reserved', attemptId: callId } });
          return;
        }
        call.agentId = undefined;
        if (!requested) await setAgentState(agentId, 'ready');
        // The customer already hung up: nobody left to connect.
        if (failure instanceof SoftswitchError && failure.reason === 'noSuchCall') break;
      }
      if (requested || this.now() - (call.answeredAt ?? this.now()) >= ABANDON_AFTER_MS) break;
      await new Promise<void>((r) => this.clock.setTimer(RESERVE_RETRY_MS, r));
    }
    await recorded;
    if (call.connected || call.agentId || !this.calls.has(callId)) return;
    await this.abandon(callId, call);
  }

  /** No agent within the window: the abandon message regulators require, then hang up. */
  private async abandon(callId: string, call: Live): Promise<void> {
    call.abandoned = true;
    await markAbandoned(callId);
    this.pacerFor(call.task).observe({ type: 'abandoned', at: this.now(), callId });
    await publishLive({ topic: 'attempt', data: { id: callId, taskId: call.task.id, state: 'abandoned' } });
    await this.sw
      .play(callId, { text: call.task.rules.abandonMessage ?? DEFAULT_ABANDON_MESSAGE, language: 'zh-CN' })
      .catch(() => undefined);
    await this.sw.hangup(callId, 'NORMAL_CLEARING');
  }

  private async end(
    callId: string,
    result: AttemptResult,
    cdr: { cause?: string; causeCode?: number; ringSec?: number; talkSec?: number; trunk?: string; callerId?: string },
  ) {
    const call = this.calls.get(callId);
    this.calls.delete(callId);
    await finishAttempt(callId, { result, ...cdr, trunk: cdr.trunk ?? call?.trunk, callerId: cdr.callerId ?? call?.callerId });
    await publishLive({
      topic: 'attempt',
      data: {
        id: callId,
        taskId: call?.task.id ?? null,
        state: 'ended',
        result,
        agentId: call?.agentId ?? call?.requestedBy ?? null,
      },
    });
  }

  /** An agent paused or logged out: the pacer stops counting on them coming back soon. */
  agentLeft(taskIds: string[], agentId: string) {
    for (const id of taskIds) this.pacers.get(id)?.observe({ type: 'agentLeft', at: this.now(), agentId });
  }

  /** An agent became free (wrap-up done): the pacer may count on it again. */
  agentReady(taskIds: string[], agentId: string) {
    for (const id of taskIds) this.pacers.get(id)?.observe({ type: 'agentReady', at: this.now(), agentId });
  }

  /** On shutdown: calls on an embedded switch die with the process, so their attempts end now. */
  async endAll(cause: string): Promise<number> {
    const ids = [...this.calls.keys()];
    for (const id of ids) {
      const call = this.calls.get(id);
      if (call?.agentId)
        await setAgentState(call.agentId, call.task.dialMode === 'robot' ? 'ready' : 'wrapUp').catch(() => undefined);
      await this.end(id, call?.connected ? 'connected' : call?.answeredAt !== undefined ? 'abandoned' : 'notPlaced', { cause });
    }
    return ids.length;
  }

  /** Resolves when the events received so far for a call have been handled. */
  settled(callId: string): Promise<void> {
    return (this.chains.get(callId) ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Calls of a task live on this dialer's switch. */
  callsOf(taskId: string): number {
    return this.ofTask(taskId);
  }

  /** Whether a call is live on this dialer's switch. */
  has(callId: string): boolean {
    return this.calls.has(callId);
  }

  /**
   * This dialer no longer holds a task's lock: its calls of the task are hung up (their ends are
   * written as the switch reports them, or by the next owner when the database is away).
   */
  async hangUpTask(taskId: string): Promise<number> {
    const ids = [...this.calls].filter(([, call]) => call.task.id === taskId).map(([id]) => id);
    for (const id of ids) await this.sw.hangup(id, 'NORMAL_CLEARING').catch(() => undefined);
    return ids.length;
  }

  inFlight(): number {
    return this.calls.size;
  }

  close() {
    this.unsubscribe();
  }

  /** Waits for the events already received to be handled (shutdown: before the database closes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }
}
