import { prisma } from '../../db/prisma.server';
import { type CallingHours, localTime } from '../projects/calling-hours';
import type { ClosingRule, RetryPolicy } from '../projects/closing-rules';
import type { ProjectRules } from '../projects/project-schema';
import { overlappingAttempts } from './testing.server';

// The promises a campaign must keep whatever happened to its processes, counted from the database
// alone (and the business system's record of what it applied). `npm run chaos` prints them after
// killing dialers, workers and PostgreSQL mid-campaign; docs/operations.md ("Chaos run") defines
// each figure. Written apart from the gate on purpose: a bug in the gate must not hide itself here.

type Attempt = {
  id: string;
  contactId: bigint;
  rulesVersion: number;
  queuedAt: Date;
  dialingAt: Date | null;
  endedAt: Date | null;
  result: string | null;
};

async function attemptsOf(projectId: string): Promise<Attempt[]> {
  return prisma.callAttempt.findMany({
    where: { projectId },
    orderBy: { queuedAt: 'asc' },
    select: { id: true, contactId: true, rulesVersion: true, queuedAt: true, dialingAt: true, endedAt: true, result: true },
  });
}

async function rulesById(projectId: string): Promise<Map<number, ProjectRules>> {
  const rows = await prisma.projectRulesVersion.findMany({ where: { projectId }, select: { version: true, rules: true } });
  return new Map(rows.map((r) => [r.version, r.rules as unknown as ProjectRules]));
}

/** Attempts actually handed to the switch (a queued attempt that never dialled called nobody). */
const dialled = (a: Attempt) => a.dialingAt !== null && a.result !== 'notPlaced';

/** Pairs of attempts of one contact that were in flight at the same time. */
export async function countDoubleDials(projectId: string): Promise<number> {
  return overlappingAttempts(await attemptsOf(projectId)).length;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Inside the weekly windows and not on a holiday, in the zone given. */
function insideHours(at: Date, zone: string, hours: CallingHours): boolean {
  const local = localTime(at, zone);
  if (hours.holidays.includes(local.date)) return false;
  return (hours.weekly[local.weekday] ?? []).some((w) => local.minutes >= minutesOf(w.from) && local.minutes < minutesOf(w.to));
}

/** Attempts that started dialling outside the contact's calling window, in the contact's time zone. */
export async function countOutsideHours(projectId: string): Promise<number> {
  const [attempts, rules] = await Promise.all([attemptsOf(projectId), rulesById(projectId)]);
  const contacts = await prisma.contact.findMany({
    where: { id: { in: [...new Set(attempts.map((a) => a.contactId))] } },
    select: { id: true, timeZone: true },
  });
  const zone = new Map(contacts.map((c) => [c.id, c.timeZone]));
  return attempts.filter((a) => {
    const hours = rules.get(a.rulesVersion)?.callingHours;
    if (!hours || !a.dialingAt || a.result === 'notPlaced') return false;
    return !insideHours(a.dialingAt, zone.get(a.contactId) || hours.defaultTimeZone, hours);
  }).length;
}

/** Wrap-up classes that close a case, and results that do. */
const CLOSING_OUTCOMES = new Set(['success', 'failure', 'doNotCall', 'invalidNumber']);

/** Minutes the retry policy asks to wait after an attempt with this result (or wrap-up class). */
function waitMinutes(result: string, retry: RetryPolicy): number {
  if (result === 'connected' || result === 'robot') return retry.retry;
  return result in retry ? retry[result as keyof RetryPolicy] : retry.retry;
}

/**
 * Attempts the closing rule or retry policy forbade: one more than `maxAttempts` within the rule's
 * days, one after the case was closed (a closing wrap-up, an invalid number), or one queued before
 * the previous attempt's retry interval had passed (a callback the agent booked sets its own time).
 */
export async function countBeyondLimits(projectId: string): Promise<number> {
  const [attempts, rules, wrapUps] = await Promise.all([
    attemptsOf(projectId),
    rulesById(projectId),
    prisma.wrapUp.findMany({ where: { projectId }, select: { attemptId: true, outcome: true } }),
  ]);
  const outcome = new Map(wrapUps.map((w) => [w.attemptId, w.outcome]));
  const byContact = new Map<bigint, Attempt[]>();
  for (const a of attempts.filter(dialled)) byContact.set(a.contactId, [...(byContact.get(a.contactId) ?? []), a]);
  let violations = 0;
  for (const list of byContact.values()) {
    list.forEach((a, i) => {
      const r = rules.get(a.rulesVersion);
      if (!r || i === 0) return;
      const before = list.slice(0, i);
      const prev = before.at(-1) as Attempt;
      const rule: ClosingRule = r.closingRule;
      const max = rule.preset === 'onConnect' ? Number.POSITIVE_INFINITY : rule.maxAttempts;
      const windowStart = rule.preset === 'attempts' ? a.queuedAt.getTime() - rule.withinDays * 86_400_000 : 0;
      const counted = before.filter((b) => b.queuedAt.getTime() > windowStart).length;
      const closed = before.some((b) => b.result === 'invalid' || CLOSING_OUTCOMES.has(outcome.get(b.id) ?? ''));
      const prevOutcome = outcome.get(prev.id);
      const tooSoon =
        prevOutcome !== 'callback' &&
        a.queuedAt.getTime() < prev.queuedAt.getTime() + waitMinutes(prev.result ?? 'failed', r.retryPolicy) * 60_000;
      if (counted >= max || closed || tooSoon) violations++;
    });
  }
  return violations;
}

/** Attempts dialled while the number was on the do-not-call list (global or the project's). */
export async function countDncDialled(projectId: string): Promise<number> {
  const rows = await prisma.$queryRaw<{ n: bigint }[]>`
    SELECT count(DISTINCT a."id") AS n
      FROM "CallAttempt" a
      JOIN "Contact" c ON c."id" = a."contactId"
      JOIN "DncEntry" d ON d."phoneHash" = c."phoneHash" AND d."scope" IN ('global', ${projectId})
     WHERE a."projectId" = ${projectId}::uuid AND a."dialingAt" IS NOT NULL
       AND COALESCE(a."result", '') <> 'notPlaced' AND d."createdAt" <= a."dialingAt"`;
  return Number(rows[0]?.n ?? 0);
}

/** Attempts still in a non-terminal state (or still holding a contact's in-flight claim). */
export async function countStuckAttempts(projectId: string): Promise<number> {
  const [open, claims] = await Promise.all([
    prisma.callAttempt.count({ where: { projectId, endedAt: null } }),
    prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM "ActiveCall" ac JOIN "CallAttempt" a ON a."id" = ac."attemptId"
       WHERE a."projectId" = ${projectId}::uuid AND a."endedAt" IS NOT NULL`,
  ]);
  return open + Number(claims[0]?.n ?? 0);
}

/** What the business system applied: one entry per stored record (a repeated key it ignored is not one). */
export interface AppliedRecord {
  idempotencyKey: string;
  /** The call the record is about (`callId` of the result payload) and the item's kind. */
  callId: string;
  kind: 'result' | 'lead';
}

/**
 * lost: write-back items for a CRM whose key the CRM never applied. duplicate: records the CRM
 * applied beyond the first for the same call and kind (a second wrap-up, a new key for the same
 * item) — a key sent twice and ignored the second time is the contract working, not a duplicate.
 */
export async function countWriteBacks(projectId: string, applied: AppliedRecord[]) {
  const items = await prisma.writeBack.findMany({
    where: { projectId, installationId: { not: null }, state: { not: 'skipped' } },
    select: { idempotencyKey: true },
  });
  const keys = new Set(applied.map((r) => r.idempotencyKey));
  const lost = items.filter((i) => !keys.has(i.idempotencyKey)).length;
  const seen = new Map<string, number>();
  for (const r of applied) seen.set(`${r.callId}:${r.kind}`, (seen.get(`${r.callId}:${r.kind}`) ?? 0) + 1);
  let duplicate = 0;
  for (const n of seen.values()) duplicate += n - 1;
  return { items: items.length, lost, duplicate };
}
