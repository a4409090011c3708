import { prisma } from '../../db/prisma.server';
import type { AuditActor } from '../audit/audit.server';
import { audit } from '../audit/audit.server';
import { publishLive } from '../dialing/live.server';
import { transitionTask } from '../tasks/tasks.server';
import type { BreakerKind } from './alert-schema';

// Circuit breakers (熔断): what an alert may do to protect the floor. A paused task goes through
// the tasks module's lifecycle (its reason shows on the task); a pacing cap and a disabled trunk or
// caller ID are rows the dialer reads every round (`lineBlocks`, `pacingCaps`). A breaker stays
// until a person releases it (resuming the task) or its rule's cooldown passes.

export const MONITORING_ACTOR: AuditActor = { id: null, name: 'monitoring' };

/** Trunks and caller IDs a breaker disabled: the dialer skips them (reason codes trunkDisabled, callerIdDisabled). */
export async function lineBlocks(): Promise<{ trunks: Set<string>; callerIds: Set<string> }> {
  const rows = await prisma.circuitBreaker.findMany({
    where: { releasedAt: null, kind: { in: ['disableTrunk', 'disableCallerId'] } },
    select: { kind: true, target: true },
  });
  return {
    trunks: new Set(rows.filter((r) => r.kind === 'disableTrunk').map((r) => r.target)),
    callerIds: new Set(rows.filter((r) => r.kind === 'disableCallerId').map((r) => r.target)),
  };
}

/** A task's pacing ceiling (lines per agent) from active capPacing breakers; the lowest wins. */
export async function pacingCap(taskId: string): Promise<number | null> {
  const rows = await prisma.circuitBreaker.findMany({
    where: { releasedAt: null, kind: 'capPacing', target: taskId },
    select: { level: true },
  });
  const levels = rows.map((r) => r.level).filter((l): l is number => typeof l === 'number');
  return levels.length ? Math.min(...levels) : null;
}

/** The active breakers on a task (shown on the task page with their reason). */
export async function taskBreakers(taskId: string) {
  const rows = await prisma.circuitBreaker.findMany({
    where: { target: taskId, releasedAt: null },
    orderBy: { trippedAt: 'desc' },
  });
  return rows.map((b) => ({
    id: b.id,
    kind: b.kind,
    reason: b.reason,
    level: b.level,
    resumeAt: b.resumeAt?.toISOString() ?? null,
  }));
}

/** At most this many calls may ring for a task under a cap, given its agents and calls ringing. */
export function cappedLaunches(want: number, cap: number | null, agents: number, ringing: number): number {
  if (cap === null) return want;
  return Math.max(0, Math.min(want, Math.floor(cap * agents) - ringing));
}

export interface Trip {
  kind: BreakerKind;
  target: string;
  level?: number | null;
  alertId?: string | null;
  reason: string;
  cooldownMinutes: number;
}

/** Trips a breaker (once per target and kind: an active one is kept, not doubled). */
export async function tripBreaker(trip: Trip, now = new Date()): Promise<{ tripped: boolean; id: string | null }> {
  const active = await prisma.circuitBreaker.findFirst({
    where: { kind: trip.kind, target: trip.target, releasedAt: null },
  });
  if (active && trip.kind !== 'capPacing') return { tripped: false, id: active.id };
  if (trip.kind === 'pauseTask') {
    const task = await prisma.task.findUnique({ where: { id: trip.target }, select: { status: true } });
    if (task?.status !== 'running') return { tripped: false, id: null };
    await transitionTask(MONITORING_ACTOR, trip.target, 'pause', trip.reason);
  }
  const row = await prisma.circuitBreaker.create({
    data: {
      kind: trip.kind,
      target: trip.target,
      level: trip.level ?? null,
      alertId: trip.alertId ?? null,
      reason: trip.reason,
      trippedAt: now,
      resumeAt: trip.cooldownMinutes > 0 ? new Date(now.getTime() + trip.cooldownMinutes * 60_000) : null,
    },
  });
  await audit(MONITORING_ACTOR, `monitoring.breaker.${trip.kind}`, trip.target, {
    reason: trip.reason,
    alertId: trip.alertId ?? null,
  });
  await publishLive({ topic: 'alert', data: { breaker: row.id, kind: trip.kind } }).catch(() => undefined);
  return { tripped: true, id: row.id };
}

/**
 * Releases a breaker: a paused task is resumed (if it is still paused), a line is usable again.
 * `resume: false` only closes the record (the rule was deleted; a person decides about the task).
 */
export async function releaseBreaker(id: string, actor: AuditActor, options: { resume?: boolean; note?: string } = {}) {
  const row = await prisma.circuitBreaker.findUnique({ where: { id } });
  if (!row || row.releasedAt) return false;
  const closed = await prisma.circuitBreaker.updateMany({
    where: { id, releasedAt: null },
    data: { releasedAt: new Date(), releasedBy: actor.name },
  });
  if (!closed.count) return false;
  if (row.kind === 'pauseTask' && options.resume !== false) {
    const task = await prisma.task.findUnique({ where: { id: row.target }, select: { status: true } });
    if (task?.status === 'paused') await transitionTask(actor, row.target, 'resume');
  }
  await audit(actor, 'monitoring.breaker.release', row.target, { kind: row.kind, note: options.note ?? null });
  await publishLive({ topic: 'alert', data: { breaker: id, released: true } }).catch(() => undefined);
  return true;
}

/**
 * Housekeeping each evaluation: breakers past their cooldown release themselves; a paused task a
 * person already resumed (or stopped) closes its breaker record.
 */
export async function settleBreakers(now = new Date()): Promise<number> {
  const active = await prisma.circuitBreaker.findMany({ where: { releasedAt: null } });
  let released = 0;
  for (const b of active) {
    if (b.resumeAt && b.resumeAt <= now) {
      if (await releaseBreaker(b.id, { id: null, name: 'monitoring (cooldown)' })) released++;
      continue;
    }
    if (b.kind === 'pauseTask') {
      const task = await prisma.task.findUnique({ where: { id: b.target }, select: { status: true } });
      if (task?.status !== 'paused') {
        await prisma.circuitBreaker.updateMany({
          where: { id: b.id, releasedAt: null },
          data: { releasedAt: now, releasedBy: 'task resumed' },
        });
        released++;
      }
    }
  }
  return released;
}
