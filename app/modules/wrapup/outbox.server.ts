import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { sendJob } from '../../jobs/boss.server';
import { callHook } from '../../plugins/installations.server';
import { logger } from '../../utils/logger.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { localTime } from '../projects/calling-hours';
import { type FieldError, WRAPUP_ERRORS, WRITE_BACK_STATES, type WriteBackState } from './wrapup-schema';

// The write-back outbox: rows written in the wrap-up's transaction, delivered here through the
// project's CRM plugin. The row holds the retry state (tries, nextTryAt, dead letter), so a job
// lost with a crashed process costs nothing: the sweeper finds every due row. Each try sends the
// row's idempotency key; the business system applies a key once. See docs/wrapup.md.

/** Tries before an item becomes a dead letter (a supervisor can retry it). */
export const MAX_TRIES = 8;

/** Backoff after a failed try: base · 2^(tries − 1), at most cap. The lease keeps a claimed row from a second worker. */
export const OUTBOX_TIMING = { baseMs: 10_000, capMs: 3_600_000, leaseMs: 120_000 };

export function backoffMs(tries: number, timing = OUTBOX_TIMING): number {
  return Math.min(timing.baseMs * 2 ** Math.max(0, tries - 1), timing.capMs);
}

/** A short error for the page: no URL credentials or query strings, no long bodies. */
export function shortError(message: string): string {
  return message
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//***@')
    .replace(/(https?:\/\/[^\s?#]+)\?[^\s#]*/g, '$1?…')
    .replace(/\s+/g, ' ')
    .slice(0, 300);
}

/** Best effort: a job per item now; what is not sent (or lost) the sweeper delivers within a minute. */
export async function enqueueDeliveries(ids: string[]): Promise<void> {
  for (const id of ids) {
    try {
      await sendJob('wrapup.deliver', { id });
    } catch (error) {
      logger.warn({ err: error, writeBack: id }, 'could not enqueue a write-back; the sweeper will deliver it');
    }
  }
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead' | 'notDue';

/** One try of one item. Claims it first: two workers never send the same item at once. */
export async function deliverWriteBack(id: string, now = new Date(), timing = OUTBOX_TIMING): Promise<DeliveryOutcome> {
  const { count } = await prisma.writeBack.updateMany({
    where: { id, state: 'pending', nextTryAt: { lte: now } },
    data: { nextTryAt: new Date(now.getTime() + timing.leaseMs) },
  });
  if (count === 0) return 'notDue';
  const row = await prisma.writeBack.findUniqueOrThrow({ where: { id } });
  let error: string;
  let value: { externalId?: unknown } | undefined;
  if (!row.installationId) {
    error = 'No CRM installation';
  } else {
    try {
      const outcome = await callHook(row.installationId, row.kind === 'lead' ? 'createLead' : 'writeBack', [row.payload], {
        idempotencyKey: row.idempotencyKey,
      });
      error = outcome.ok ? '' : (outcome.error ?? 'failed');
      value = outcome.value as typeof value;
    } catch (thrown) {
      error = (thrown as Error).message || 'failed';
    }
  }
  if (!error) {
    const externalId = value?.externalId ? String(value.externalId).slice(0, 200) : null;
    await prisma.$transaction(async (tx) => {
      await tx.writeBack.update({
        where: { id },
        data: { state: 'delivered', deliveredAt: now, externalId, tries: { increment: 1 }, lastError: null },
      });
      if (row.kind === 'lead' && externalId) {
        const wrapUp = await tx.wrapUp.findUnique({ where: { id: row.wrapUpId }, select: { lead: true } });
        const lead = (wrapUp?.lead ?? {}) as Record<string, unknown>;
        await tx.wrapUp.update({ where: { id: row.wrapUpId }, data: { lead: { ...lead, externalId } as Prisma.InputJsonValue } });
      }
    });
    return 'delivered';
  }
  const tries = row.tries + 1;
  const dead = tries >= MAX_TRIES;
  await prisma.writeBack.update({
    where: { id },
    data: {
      tries,
      lastError: shortError(error),
      lastFailedAt: now,
      state: dead ? 'dead' : 'pending',
      nextTryAt: new Date(now.getTime() + backoffMs(tries, timing)),
    },
  });
  if (dead) logger.warn({ writeBack: id, kind: row.kind, tries }, 'write-back is a dead letter');
  return dead ? 'dead' : 'retry';
}

/** Items tried at once by a sweep: a slow CRM delays a sweep, never blocks it for long. */
const SWEEP_CONCURRENCY = 4;

/** Delivers every due item (oldest first); run every minute by the `wrapup.sweep` job. */
export async function sweepWriteBacks(now = new Date(), timing = OUTBOX_TIMING, limit = 200) {
  const due = await prisma.writeBack.findMany({
    where: { state: 'pending', nextTryAt: { lte: now } },
    orderBy: { nextTryAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  const counts: Record<DeliveryOutcome, number> = { delivered: 0, retry: 0, dead: 0, notDue: 0 };
  const queue = due.map((d) => d.id);
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) counts[await deliverWriteBack(id, now, timing)]++;
  };
  await Promise.all(Array.from({ length: Math.min(SWEEP_CONCURRENCY, queue.length) }, worker));
  return counts;
}

/**
 * A supervisor sends an item again now, with its tries reset, optionally with an edited payload
 * (a JSON object). The idempotency key stays: an edit fixes what the business system refused.
 */
export async function retryWriteBack(
  actor: AuditActor,
  id: string,
  editedPayload?: string | Record<string, unknown>,
  now = new Date(),
  options: { enqueue?: boolean } = {},
): Promise<{ ok: true } | { ok: false; errors: FieldError[] }> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.writeBack.findUnique({ where: { id } }) : null;
  if (!row) return { ok: false, errors: [{ field: 'id', message: WRAPUP_ERRORS.notFound }] };
  if (row.state !== 'dead' && row.state !== 'pending') {
    return { ok: false, errors: [{ field: 'id', message: WRAPUP_ERRORS.notRetryable }] };
  }
  let payload: Record<string, unknown> | undefined;
  if (editedPayload !== undefined) {
    let value: unknown = editedPayload;
    if (typeof editedPayload === 'string') {
      try {
        value = JSON.parse(editedPayload);
      } catch {
        value = null;
      }
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, errors: [{ field: 'payload', message: WRAPUP_ERRORS.payloadNotObject }] };
    }
    payload = value as Record<string, unknown>;
  }
  const { count } = await prisma.writeBack.updateMany({
    where: { id, state: { in: ['dead', 'pending'] } },
    data: {
      state: 'pending',
      tries: 0,
      nextTryAt: now,
      ...(payload ? { payload: payload as Prisma.InputJsonValue } : {}),
    },
  });
  if (count === 0) return { ok: false, errors: [{ field: 'id', message: WRAPUP_ERRORS.notRetryable }] };
  await audit(actor, payload ? 'wrapup.writeBack.editRetry' : 'wrapup.writeBack.retry', id, {
    kind: row.kind,
    wrapUpId: row.wrapUpId,
    previousState: row.state,
    tries: row.tries,
    ...(payload ? { before: row.payload as Prisma.InputJsonValue, after: payload as Prisma.InputJsonValue } : {}),
  });
  if (options.enqueue !== false) await enqueueDeliveries([id]);
  return { ok: true };
}

export interface WriteBackFilter {
  state?: WriteBackState;
  projectId?: string;
  /** The projects the viewer may see; null or absent: all (ADR 106). */
  visible?: string[] | null;
  page?: number;
  pageSize?: number;
  /** For "delivered today". */
  timeZone?: string;
}

/** The deliveries page: rows with their latency, counts by state, and p50/p95 latency of the last 24 h. */
export async function writeBackPage(filter: WriteBackFilter = {}, now = new Date()) {
  const pageSize = Math.min(Math.max(filter.pageSize ?? 50, 1), 200);
  const page = Math.max(filter.page ?? 1, 1);
  const scope: Prisma.WriteBackWhereInput = {
    AND: [filter.projectId ? { projectId: filter.projectId } : {}, filter.visible ? { projectId: { in: filter.visible } } : {}],
  };
  const where: Prisma.WriteBackWhereInput = { ...scope, ...(filter.state ? { state: filter.state } : {}) };
  const visible = filter.visible ?? null;
  const local = localTime(now, filter.timeZone ?? 'Asia/Shanghai');
  const startOfDay = new Date(Math.floor(now.getTime() / 60_000) * 60_000 - local.minutes * 60_000);
  const since = new Date(now.getTime() - 86_400_000);
  const [rows, total, byState, deliveredToday, latency] = await Promise.all([
    prisma.writeBack.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    prisma.writeBack.count({ where }),
    prisma.writeBack.groupBy({
      by: ['state'],
      where: scope,
      _count: { _all: true },
    }),
    prisma.writeBack.count({
      where: {
        state: 'delivered',
        deliveredAt: { gte: startOfDay },
        ...scope,
      },
    }),
    prisma.$queryRaw<{ p50: number | null; p95: number | null }[]>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "deliveredAt" - "createdAt") * 1000) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM "deliveredAt" - "createdAt") * 1000) AS p95
      FROM "WriteBack"
      WHERE state = 'delivered' AND "deliveredAt" >= ${since}
        AND (${filter.projectId ?? null}::uuid IS NULL OR "projectId" = ${filter.projectId ?? null}::uuid)
        AND (${visible}::uuid[] IS NULL OR "projectId" = ANY(${visible}::uuid[]))`,
  ]);
  const [projects, wrapUps] = await Promise.all([
    prisma.project.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.projectId))] } },
      select: { id: true, name: true },
    }),
    prisma.wrapUp.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.wrapUpId))] } },
      select: { id: true, contactId: true, revision: true },
    }),
  ]);
  const projectName = new Map(projects.map((p) => [p.id, p.name]));
  const wrapUp = new Map(wrapUps.map((w) => [w.id, w]));
  const counts = Object.fromEntries(WRITE_BACK_STATES.map((s) => [s, 0])) as Record<WriteBackState, number>;
  for (const g of byState) if (g.state in counts) counts[g.state as WriteBackState] = g._count._all;
  const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
  return {
    total,
    page,
    pageSize,
    counts,
    deliveredToday,
    latency: { p50Ms: ms(latency[0]?.p50), p95Ms: ms(latency[0]?.p95) },
    rows: rows.map((r) => {
      const payload = r.payload as { contact?: { ref?: string; externalId?: string } };
      return {
        id: r.id,
        wrapUpId: r.wrapUpId,
        projectId: r.projectId,
        projectName: projectName.get(r.projectId) ?? '',
        contactRef: payload.contact?.externalId ?? payload.contact?.ref ?? wrapUp.get(r.wrapUpId)?.contactId.toString() ?? '',
        kind: r.kind,
        state: r.state as WriteBackState,
        tries: r.tries,
        lastError: r.lastError,
        externalId: r.externalId,
        idempotencyKey: r.idempotencyKey,
        payload: r.payload as Record<string, unknown>,
        createdAt: r.createdAt.toISOString(),
        nextTryAt: r.nextTryAt.toISOString(),
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
        latencyMs: r.deliveredAt ? r.deliveredAt.getTime() - r.createdAt.getTime() : null,
      };
    }),
  };
}
