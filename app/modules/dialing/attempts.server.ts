import { prisma } from '../../db/prisma.server';
import { sendJob } from '../../jobs/boss.server';
import { logger } from '../../utils/logger.server';
import { decideCase } from '../projects/closing-rules';
import { rulesVersion } from '../projects/projects.server';
import { attemptHistory } from './gate.server';

// A call attempt's life: queued → dialing → ringing → answered → connected | abandoned | robot →
// ended, or failed. Every transition is a conditional update on the current state, so a duplicated
// job or a late event can never move an attempt backwards or dial it twice.

export const IN_FLIGHT = ['queued', 'dialing', 'ringing', 'answered', 'connected', 'abandoned', 'robot'] as const;
export type AttemptState = (typeof IN_FLIGHT)[number] | 'ended' | 'failed';
/** `notPlaced`: the switch or gateway never placed the call — not counted as an attempt on the contact. */
export type AttemptResult =
  | 'connected'
  | 'abandoned'
  | 'busy'
  | 'noAnswer'
  | 'machine'
  | 'invalid'
  | 'failed'
  | 'robot'
  | 'notPlaced';

async function move(attemptId: string, from: AttemptState[], data: Record<string, unknown>): Promise<boolean> {
  const { count } = await prisma.callAttempt.updateMany({ where: { id: attemptId, state: { in: from } }, data });
  return count === 1;
}

/** Takes a queued attempt for dialing; false when another delivery of the same job already did. */
export const startDialing = (attemptId: string, dialerId: string, at = new Date()) =>
  move(attemptId, ['queued'], { state: 'dialing', dialingAt: at, dialerId });

export const markRinging = (attemptId: string, at = new Date()) =>
  move(attemptId, ['dialing'], { state: 'ringing', ringingAt: at });

export const markAnswered = (attemptId: string, machine: boolean | null, at = new Date()) =>
  move(attemptId, ['dialing', 'ringing'], { state: 'answered', answeredAt: at, amd: machine ? 'machine' : 'human' });

/** An agent takes the call: a human answer, or a robot call transferred to a person. */
export const markConnected = (attemptId: string, agentId: string, at = new Date()) =>
  move(attemptId, ['answered', 'robot'], { state: 'connected', connectedAt: at, agentId });

export const markAbandoned = (attemptId: string) => move(attemptId, ['answered'], { state: 'abandoned' });

export const markRobot = (attemptId: string) => move(attemptId, ['answered'], { state: 'robot' });

export interface Finish {
  result: AttemptResult;
  cause?: string | null;
  causeCode?: number | null;
  ringSec?: number | null;
  talkSec?: number | null;
  trunk?: string | null;
  callerId?: string | null;
}

/**
 * Ends an attempt once (a second call is a no-op): keeps the CDR, frees the contact for the next
 * attempt and applies the project's closing rule and retry policy for technical results. Connected
 * calls stay open for the agent's wrap-up, which decides the case.
 */
export async function finishAttempt(attemptId: string, finish: Finish, at = new Date()): Promise<boolean> {
  // Read what does not change first: the transaction below then never waits on a second connection.
  const found = await prisma.callAttempt.findUnique({
    where: { id: attemptId },
    select: { projectId: true, rulesVersion: true, endedAt: true, notifyUrl: true },
  });
  if (!found || found.endedAt) return false;
  const rules = await rulesVersion(found.projectId, found.rulesVersion);
  const ended = await prisma.$transaction(async (tx) => {
    const attempt = await tx.callAttempt.findUnique({ where: { id: attemptId } });
    if (!attempt || attempt.endedAt) return false;
    const answered = !!attempt.answeredAt;
    const { count } = await tx.callAttempt.updateMany({
      where: { id: attemptId, endedAt: null },
      data: {
        state: answered ? 'ended' : 'failed',
        endedAt: at,
        result: finish.result,
        cause: finish.cause ?? null,
        causeCode: finish.causeCode ?? null,
        ringSec: finish.ringSec ?? null,
        talkSec: finish.talkSec ?? null,
        ...(finish.trunk ? { trunk: finish.trunk } : {}),
        ...(finish.callerId ? { callerId: finish.callerId } : {}),
      },
    });
    if (count === 0) return false;
    await tx.activeCall.deleteMany({ where: { attemptId } });
    if (finish.result === 'notPlaced') return true;
    const previous = await tx.callAttempt.findMany({
      where: { contactId: attempt.contactId, projectId: attempt.projectId, endedAt: { not: null } },
      orderBy: { queuedAt: 'asc' },
      select: { queuedAt: true, result: true, phoneSlot: true },
    });
    const contact = await tx.contact.findUnique({ where: { id: attempt.contactId }, select: { secondaryPhoneCipher: true } });
    const history = attemptHistory(previous, (rules.secondaryAfterFailures ?? 0) > 0 && !!contact?.secondaryPhoneCipher);
    const technical = finish.result !== 'connected' && finish.result !== 'robot';
    const decision = decideCase(rules.closingRule, rules.retryPolicy, history);
    // A conversation's case is the wrap-up's to decide; until it is submitted the contact waits as
    // after "call again" — never on an earlier attempt's retry time, long past (the chaos run saw
    // a contact called again 74 ms after a call that the wrap-up then closed as a success).
    const held = decision.close ? null : decision.nextAttemptAt;
    await tx.contact.update({
      where: { id: attempt.contactId },
      data: {
        attempts: { increment: 1 },
        lastOutcome: finish.result,
        ...(technical && decision.close ? { status: 'closed', nextAttemptAt: null } : { nextAttemptAt: held }),
      },
    });
    return true;
  });
  // A click-to-call caller hears how the call ended (a retried job; losing the queue write loses only the notice).
  if (ended && found.notifyUrl)
    await sendJob('calls.notify', { attemptId, event: 'ended' }).catch((error) =>
      logger.warn({ err: error, attemptId }, 'call notification not queued'),
    );
  return ended;
}

/**
 * Attempts left in flight by a dialer that died: calls on the embedded switch died with it, so
 * they end as failed (never re-dialled by this path; the gate decides the next attempt normally).
 * Attempts still queued were never originated and can be given to a live dialer again.
 */
export async function reconcileOrphans(deadDialerIds: string[] | 'all-but', liveDialerId?: string) {
  const where =
    deadDialerIds === 'all-but'
      ? {
          state: { in: ['dialing', 'ringing', 'answered', 'connected', 'abandoned', 'robot'] },
          NOT: { dialerId: liveDialerId ?? '' },
        }
      : { state: { in: ['dialing', 'ringing', 'answered', 'connected', 'abandoned', 'robot'] }, dialerId: { in: deadDialerIds } };
  const orphans = await prisma.callAttempt.findMany({ where, select: { id: true } });
  let ended = 0;
  for (const o of orphans) if (await finishAttempt(o.id, { result: 'failed', cause: 'DIALER_LOST' })) ended++;
  return ended;
}
