import { prisma } from '../../db/prisma.server';
import { Prisma } from '../../generated/prisma/client';
import type { Condition } from '../../rules';
import { contactFilterSql } from '../lists/contacts.server';
import { isDoNotCall } from '../lists/dnc.server';
import type { AttemptRecord } from '../projects/closing-rules';
import type { ProjectRules } from '../projects/project-schema';
import { checkGate, type GateDecision, type GateFacts, type Refusal } from './compliance';

// The compliance gate on the server: gathers the facts about one contact, asks `checkGate`, records
// a refusal with its reason, or claims the contact by creating the attempt and its ActiveCall row in
// one transaction — the ActiveCall primary key makes a second concurrent claim fail in the database.

/** What the gate needs to know about the task a launch is for. */
export interface DialTask {
  id: string;
  projectId: string;
  rulesVersion: number;
  rules: ProjectRules;
  running: boolean;
  /** The task's contact selection; null selects every contact of the project. */
  selection: Condition | null;
  /** UK rule: hours without a new call after an abandon (0 = off). */
  abandonCooldownHours?: number;
}

export type DialMode = 'predictive' | 'progressive' | 'preview' | 'manual' | 'robot';
export type Admission = { ok: true; attemptId: string } | { ok: false; reason: Refusal; until?: Date | null };

/** Whether the contact is in the task's selection (the same SQL the task's preview count runs). */
export async function inSelection(task: DialTask, contactId: bigint): Promise<boolean> {
  const { sql, params } = await contactFilterSql(task.projectId, task.selection ? { condition: task.selection } : {});
  const rows = await prisma.$queryRawUnsafe<{ one: number }[]>(
    `SELECT 1 AS one FROM "Contact" c WHERE ${sql} AND c."id" = $${params.length + 1} LIMIT 1`,
    ...params,
    contactId,
  );
  return rows.length > 0;
}

/** Results of finished attempts as the closing rule reads them (the wrap-up's class once it exists). */
export const HISTORY_RESULTS: Record<string, AttemptRecord['outcome']> = {
  busy: 'busy',
  noAnswer: 'noAnswer',
  machine: 'machine',
  failed: 'failed',
  invalid: 'invalidNumber',
  abandoned: 'abandoned',
  connected: 'retry',
  robot: 'retry',
};

/**
 * A contact's finished attempts as the closing rule reads them. An invalid primary number does not
 * close the case while the project's alternate-number policy can still try the secondary phone.
 */
export function attemptHistory(
  attempts: { queuedAt: Date; result: string | null; phoneSlot: string }[],
  secondaryAvailable: boolean,
): AttemptRecord[] {
  return attempts.flatMap((a): AttemptRecord[] => {
    const outcome = a.result ? HISTORY_RESULTS[a.result] : undefined;
    if (!outcome) return [];
    const alternate = outcome === 'invalidNumber' && a.phoneSlot === 'primary' && secondaryAvailable;
    return [{ at: a.queuedAt, outcome: alternate ? 'failed' : outcome }];
  });
}

export async function gateFacts(task: DialTask, contactId: bigint, now: Date): Promise<GateFacts | null> {
  const contact = await prisma.contact.findUnique({ where: { id: contactId } });
  if (!contact || contact.projectId !== task.projectId) return null;
  const [attempts, active, listed, selected] = await Promise.all([
    prisma.callAttempt.findMany({
      where: { contactId, projectId: task.projectId, endedAt: { not: null } },
      orderBy: { queuedAt: 'asc' },
      select: { queuedAt: true, result: true, phoneSlot: true },
    }),
    prisma.activeCall.findUnique({ where: { contactId } }),
    isDoNotCall(task.projectId, contact.phoneHash),
    inSelection(task, contactId),
  ]);
  const history = attemptHistory(attempts, (task.rules.secondaryAfterFailures ?? 0) > 0 && !!contact.secondaryPhoneCipher);
  const lastAbandon = attempts.filter((a) => a.result === 'abandoned').at(-1)?.queuedAt ?? null;
  return {
    now,
    rules: task.rules,
    taskRunning: task.running,
    inSelection: selected,
    activeAttempt: !!active,
    abandonCooldownHours: task.abandonCooldownHours ?? task.rules.abandonCooldownHours ?? 0,
    contact: {
      status: contact.status,
      deleted: !!contact.deletedAt,
      dnc: contact.dnc || listed,
      consent: contact.consentStatus,
      timeZone: contact.timeZone,
      hasNumber: !!contact.phoneCipher || !!contact.phoneToken || !!contact.secondaryPhoneCipher,
      history,
      nextAttemptAt: contact.nextAttemptAt,
      lastAbandonAt: lastAbandon,
    },
  };
}

export async function recordRefusal(taskId: string, contactId: bigint, reason: Refusal, until?: Date | null) {
  await prisma.dialRefusal.create({ data: { taskId, contactId, reason, until: until ?? null } });
}

/**
 * The one door to a launch: checks every rule for this contact now and, if it may be called,
 * creates the queued attempt. Every refusal is recorded with its reason.
 */
export async function admit(task: DialTask, contactId: bigint, mode: DialMode, now = new Date()): Promise<Admission> {
  const facts = await gateFacts(task, contactId, now);
  const decision: GateDecision = facts ? checkGate(facts) : { ok: false, reason: 'deleted' };
  if (!decision.ok) {
    await recordRefusal(task.id, contactId, decision.reason, decision.until);
    return decision;
  }
  try {
    const attempt = await prisma.$transaction(async (tx) => {
      const created = await tx.callAttempt.create({
        data: { taskId: task.id, projectId: task.projectId, contactId, rulesVersion: task.rulesVersion, mode },
      });
      await tx.activeCall.create({ data: { contactId, attemptId: created.id, taskId: task.id } });
      return created;
    });
    return { ok: true, attemptId: attempt.id };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      await recordRefusal(task.id, contactId, 'activeAttempt');
      return { ok: false, reason: 'activeAttempt' };
    }
    throw error;
  }
}

/** The latest refusals of a contact, newest first (shown on the contact and the task page). */
export async function refusalsOf(contactId: bigint, take = 10) {
  return prisma.dialRefusal.findMany({ where: { contactId }, orderBy: { at: 'desc' }, take });
}
