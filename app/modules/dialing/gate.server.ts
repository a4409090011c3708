import { randomUUID } from 'node:crypto';
import { prisma } from '../../db/prisma.server';
import type { Condition } from '../../rules';
import { contactFilterSql } from '../lists/contacts.server';
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

/** A call an agent asked for: it goes to them, and a typed number (`manual`) need not be in the selection. */
export interface AgentRequest {
  requestedBy?: string;
  callbackId?: string;
  manual?: boolean;
}
export type Admission = { ok: true; attemptId: string } | { ok: false; reason: Refusal; until?: Date | null };

/** Which of the contacts are in the task's selection (the same SQL the task's preview count runs). */
export async function inSelection(task: DialTask, contactIds: bigint[]): Promise<Set<bigint>> {
  if (!contactIds.length) return new Set();
  const { sql, params } = await contactFilterSql(task.projectId, task.selection ? { condition: task.selection } : {});
  const rows = await prisma.$queryRawUnsafe<{ id: bigint }[]>(
    `SELECT c."id" FROM "Contact" c WHERE ${sql} AND c."id" = ANY($${params.length + 1}::bigint[])`,
    ...params,
    contactIds,
  );
  return new Set(rows.map((r) => r.id));
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

/** The gate's facts for several contacts at once: five queries, whatever their number. */
export async function gateFacts(
  task: DialTask,
  contactIds: bigint[],
  now: Date,
  request: AgentRequest = {},
): Promise<Map<bigint, GateFacts>> {
  const contacts = await prisma.contact.findMany({ where: { id: { in: contactIds }, projectId: task.projectId } });
  const ids = contacts.map((c) => c.id);
  const [attempts, active, listed, selected] = await Promise.all([
    prisma.callAttempt.findMany({
      where: { contactId: { in: ids }, projectId: task.projectId, endedAt: { not: null } },
      orderBy: { queuedAt: 'asc' },
      select: { contactId: true, queuedAt: true, result: true, phoneSlot: true },
    }),
    prisma.activeCall.findMany({ where: { contactId: { in: ids } }, select: { contactId: true } }),
    prisma.dncEntry.findMany({
      where: { phoneHash: { in: contacts.map((c) => c.phoneHash) }, scope: { in: ['global', task.projectId] } },
      select: { phoneHash: true },
    }),
    // A number the agent typed is dialled in the task's name but is not one of its selected contacts.
    request.manual ? new Set(ids) : inSelection(task, ids),
  ]);
  const busy = new Set(active.map((a) => a.contactId));
  const blocked = new Set(listed.map((d) => d.phoneHash));
  const alternates = (task.rules.secondaryAfterFailures ?? 0) > 0;
  const out = new Map<bigint, GateFacts>();
  for (const contact of contacts) {
    const own = attempts.filter((a) => a.contactId === contact.id);
    out.set(contact.id, {
      now,
      rules: task.rules,
      taskRunning: task.running,
      inSelection: selected.has(contact.id),
      activeAttempt: busy.has(contact.id),
      abandonCooldownHours: task.abandonCooldownHours ?? task.rules.abandonCooldownHours ?? 0,
      agentReserved: !!request.requestedBy,
      contact: {
        status: contact.status,
        deleted: !!contact.deletedAt,
        dnc: contact.dnc || blocked.has(contact.phoneHash),
        consent: contact.consentStatus,
        timeZone: contact.timeZone,
        hasNumber: !!contact.phoneCipher || !!contact.phoneToken || !!contact.secondaryPhoneCipher,
        history: attemptHistory(own, alternates && !!contact.secondaryPhoneCipher),
        nextAttemptAt: contact.nextAttemptAt,
        lastAbandonAt: own.filter((a) => a.result === 'abandoned').at(-1)?.queuedAt ?? null,
      },
    });
  }
  return out;
}

export async function recordRefusal(taskId: string, contactId: bigint, reason: Refusal, until?: Date | null) {
  await prisma.dialRefusal.create({ data: { taskId, contactId, reason, until: until ?? null } });
}

/**
 * The one door to a launch: checks every rule for each contact now and, for those that may be
 * called, creates the queued attempts. Every refusal is recorded with its reason. The claim is one
 * transaction: ActiveCall rows keyed by contact (a contact already in flight anywhere is skipped by
 * the database itself), then the attempts for exactly the contacts claimed.
 */
export async function admitMany(
  task: DialTask,
  contactIds: bigint[],
  mode: DialMode,
  now = new Date(),
  request: AgentRequest = {},
): Promise<Map<bigint, Admission>> {
  const facts = await gateFacts(task, contactIds, now, request);
  const out = new Map<bigint, Admission>();
  const refusals: { taskId: string; contactId: bigint; reason: Refusal; until: Date | null }[] = [];
  const passed: bigint[] = [];
  for (const contactId of contactIds) {
    const f = facts.get(contactId);
    const decision: GateDecision = f ? checkGate(f) : { ok: false, reason: 'deleted' };
    if (decision.ok) passed.push(contactId);
    else {
      out.set(contactId, decision);
      refusals.push({ taskId: task.id, contactId, reason: decision.reason, until: decision.until ?? null });
    }
  }
  if (passed.length) {
    const planned = new Map(passed.map((id) => [id, randomUUID()]));
    const claimed = await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ contactId: bigint }[]>`
        INSERT INTO "ActiveCall" ("contactId", "attemptId", "taskId")
        SELECT c, a, ${task.id}::uuid FROM unnest(${passed}::bigint[], ${[...planned.values()]}::uuid[]) AS t(c, a)
        ON CONFLICT ("contactId") DO NOTHING RETURNING "contactId"`;
      const ids = rows.map((r) => r.contactId);
      await tx.callAttempt.createMany({
        data: ids.map((contactId) => ({
          id: planned.get(contactId) as string,
          taskId: task.id,
          projectId: task.projectId,
          contactId,
          rulesVersion: task.rulesVersion,
          mode,
          requestedBy: request.requestedBy ?? null,
          callbackId: request.callbackId ?? null,
        })),
      });
      // Due callbacks of these contacts are being kept: the pool's by any call, personal ones by their agent's.
      if (ids.length)
        await tx.$executeRaw`
          UPDATE "Callback" b SET "state" = 'done', "attemptId" = t.a
            FROM unnest(${ids}::bigint[], ${ids.map((id) => planned.get(id) as string)}::uuid[]) AS t(c, a)
           WHERE b."contactId" = t.c AND b."state" = 'open' AND b."dueAt" <= ${now}
             AND (b."agentId" IS NULL OR b."agentId" = ${request.requestedBy ?? null}::uuid)`;
      return new Set(ids);
    });
    for (const contactId of passed) {
      if (claimed.has(contactId)) out.set(contactId, { ok: true, attemptId: planned.get(contactId) as string });
      else {
        out.set(contactId, { ok: false, reason: 'activeAttempt' });
        refusals.push({ taskId: task.id, contactId, reason: 'activeAttempt', until: null });
      }
    }
  }
  if (refusals.length) await prisma.dialRefusal.createMany({ data: refusals });
  return out;
}

/** The gate for one contact (preview, manual, tests). */
export async function admit(
  task: DialTask,
  contactId: bigint,
  mode: DialMode,
  now = new Date(),
  request: AgentRequest = {},
): Promise<Admission> {
  return (await admitMany(task, [contactId], mode, now, request)).get(contactId) ?? { ok: false, reason: 'deleted' };
}

/** The latest refusals of a contact, newest first (shown on the contact and the task page). */
export async function refusalsOf(contactId: bigint, take = 10) {
  return prisma.dialRefusal.findMany({ where: { contactId }, orderBy: { at: 'desc' }, take });
}
