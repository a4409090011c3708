import { prisma } from '../../db/prisma.server';
import { Prisma } from '../../generated/prisma/client';
import { taskDialingStatus } from '../dialing/monitor.server';
import { writeSetting } from '../system/settings.server';
import { taskContactSql, taskView } from '../tasks/tasks.server';
import {
  ANSWERED_RESULTS,
  abandonRate,
  addToTally,
  answerRate,
  asr,
  averageTalkSec,
  emptyTally,
  type MetricWindow,
  occupancy,
  SERVICE_LEVEL_SEC,
  serviceLevel,
  type Tally,
  windowStart,
} from './definitions';

// The one module that computes monitoring figures: finished attempts of the last 30 days grouped
// in SQL by subject and window (definitions.ts says what each figure means), plus live state
// (calls in flight, agents, the dialers' pacing level and trunk channels, the write-back outbox,
// the job queue). Used by the wallboard, the alert evaluator and /metrics.

const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
/** The wallboard's today and 30-day figures may be this old; the short windows are always fresh. */
export const LONG_WINDOWS_MAX_AGE_MS = 30_000;

/** Subject keys: `system`, `task:<id>`, `project:<id>`, `trunk:<id>`, `callerId:<number>`. */
export type Tallies = Map<string, Tally>;
const key = (window: MetricWindow, subject: string) => `${window}|${subject}`;

/** Each project's time zone (its calling hours' default), for `today`. */
async function projectZones(): Promise<Map<string, string>> {
  const projects = await prisma.project.findMany({ select: { id: true, rules: true } });
  return new Map(
    projects.map((p) => {
      const rules = p.rules as { callingHours?: { defaultTimeZone?: string } } | null;
      return [p.id, rules?.callingHours?.defaultTimeZone || DEFAULT_TIME_ZONE];
    }),
  );
}

type TallyRow = {
  window: MetricWindow;
  taskId: string;
  projectId: string;
  trunk: string | null;
  callerId: string | null;
  result: string;
  cause: string | null;
  n: number;
  talk: number;
  sl: number;
};

/** One grouped query over the attempts that ended in any of `windows`. */
async function tallyRows(windows: MetricWindow[], now: Date): Promise<TallyRow[]> {
  const zones = await projectZones();
  const ids = [...zones.keys()];
  const starts = ids.map((id) => windowStart('today', now, zones.get(id) ?? DEFAULT_TIME_ZONE));
  const since = (w: MetricWindow) => windowStart(w, now, DEFAULT_TIME_ZONE);
  const earliest = new Date(
    Math.min(...windows.map((w) => since(w).getTime()), ...(windows.includes('today') ? starts.map((d) => d.getTime()) : [])),
  );
  const values = Prisma.join(
    windows.map((w) =>
      w === 'today'
        ? Prisma.sql`('today', coalesce(d.start, ${since('today')}::timestamptz))`
        : Prisma.sql`(${w}, ${since(w)}::timestamptz)`,
    ),
  );
  return prisma.$queryRaw<TallyRow[]>`
    SELECT w.name AS "window", a."taskId"::text AS "taskId", a."projectId"::text AS "projectId", a."trunk", a."callerId",
           a."result", CASE WHEN a."result" = ANY(${[...ANSWERED_RESULTS]}::text[]) THEN NULL ELSE a."cause" END AS "cause",
           count(*)::int AS n,
           coalesce(sum(a."talkSec") FILTER (WHERE a."result" = 'connected'), 0)::int AS talk,
           count(*) FILTER (WHERE a."result" = 'connected'
             AND a."connectedAt" - a."answeredAt" <= make_interval(secs => ${SERVICE_LEVEL_SEC}))::int AS sl
      FROM "CallAttempt" a
      LEFT JOIN unnest(${ids}::uuid[], ${starts}::timestamptz[]) AS d(pid, start) ON d.pid = a."projectId"
      CROSS JOIN LATERAL (VALUES ${values}) AS w(name, since)
     WHERE a."endedAt" >= ${earliest} AND a."result" IS NOT NULL AND a."endedAt" >= w.since
     GROUP BY 1, 2, 3, 4, 5, 6, 7`;
}

const SHORT: MetricWindow[] = ['10m', '15m', '1h'];
const LONG: MetricWindow[] = ['today', '30d'];
let longCache: { at: number; rows: TallyRow[] } | null = null;

/**
 * Finished attempts tallied by window and subject (task, project, trunk, caller ID, system).
 * `longMaxAgeMs`: the wallboard and /metrics reuse the today and 30-day tallies for that long (the
 * big scan), while the short windows are always fresh; the alert evaluator asks for all fresh.
 */
export async function attemptTallies(now = new Date(), options: { longMaxAgeMs?: number } = {}): Promise<Tallies> {
  const maxAge = options.longMaxAgeMs ?? 0;
  const cached = maxAge > 0 && longCache && now.getTime() - longCache.at < maxAge ? longCache.rows : null;
  const [short, long] = await Promise.all([tallyRows(SHORT, now), cached ?? tallyRows(LONG, now)]);
  if (!cached && maxAge > 0) longCache = { at: now.getTime(), rows: long };
  const rows = [...short, ...long];
  const out: Tallies = new Map();
  const add = (window: MetricWindow, subject: string, r: TallyRow) => {
    const k = key(window, subject);
    const t = out.get(k) ?? emptyTally();
    out.set(k, t);
    addToTally(t, r.result, r.n, r.talk, r.sl, r.cause);
  };
  for (const r of rows) {
    add(r.window, 'system', r);
    add(r.window, `task:${r.taskId}`, r);
    add(r.window, `project:${r.projectId}`, r);
    if (r.trunk) add(r.window, `trunk:${r.trunk}`, r);
    if (r.callerId) add(r.window, `callerId:${r.callerId}`, r);
  }
  return out;
}

export const tallyOf = (tallies: Tallies, window: MetricWindow, subject: string): Tally =>
  tallies.get(key(window, subject)) ?? emptyTally();

/** Subjects present in the tallies for a kind (`task`, `trunk`…), by their id. */
export function subjectsOf(tallies: Tallies, kind: string): string[] {
  const out = new Set<string>();
  for (const k of tallies.keys()) {
    const subject = k.slice(k.indexOf('|') + 1);
    if (subject.startsWith(`${kind}:`)) out.add(subject.slice(kind.length + 1));
  }
  return [...out];
}

/** Write-back outbox: backlog (pending), dead letters, and items that failed in each window. */
/** `projectId`: one project, or a viewer's projects (ADR 106); absent: all. */
export async function writeBackFigures(now = new Date(), projectId?: string | string[]) {
  const where = Array.isArray(projectId) ? { projectId: { in: projectId } } : projectId ? { projectId } : {};
  const [pending, dead, failed10m, failed1h, oldest] = await Promise.all([
    prisma.writeBack.count({ where: { ...where, state: 'pending' } }),
    prisma.writeBack.count({ where: { ...where, state: 'dead' } }),
    prisma.writeBack.count({ where: { ...where, lastFailedAt: { gte: new Date(now.getTime() - 10 * 60_000) } } }),
    prisma.writeBack.count({ where: { ...where, lastFailedAt: { gte: new Date(now.getTime() - 3_600_000) } } }),
    prisma.writeBack.findFirst({
      where: { ...where, state: 'pending' },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
    }),
  ]);
  return {
    backlog: pending,
    dead,
    failed10m,
    failed1h,
    oldestPendingSec: oldest ? Math.round((now.getTime() - oldest.createdAt.getTime()) / 1000) : 0,
  };
}

/** Failures of write-back items in a window, per project (the alert evaluator's view). */
export async function writeBackFailuresSince(since: Date): Promise<Map<string, number>> {
  const rows = await prisma.writeBack.groupBy({
    by: ['projectId'],
    where: { lastFailedAt: { gte: since } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.projectId, r._count._all]));
}

/** pg-boss: jobs ready to run and how long the oldest has waited, per queue. */
export async function jobQueueLag(now = new Date()) {
  try {
    const rows = await prisma.$queryRaw<{ name: string; ready: number; oldest: Date | null }[]>`
      SELECT name, count(*)::int AS ready, min(start_after) AS oldest
        FROM pgboss.job WHERE state IN ('created', 'retry') AND start_after <= ${now}
       GROUP BY name ORDER BY name`;
    return rows.map((r) => ({
      queue: r.name,
      ready: r.ready,
      lagSec: r.oldest ? Math.max(0, Math.round((now.getTime() - r.oldest.getTime()) / 1000)) : 0,
    }));
  } catch {
    // No job queue schema yet (a fresh database before the worker first started).
    return [];
  }
}

/** Trunk channels as the dialers last reported them (each dialer writes its switch's health). */
export interface TrunkHealthReport {
  dialerId: string;
  at: string;
  trunks: Record<string, { used: number; capacity: number }>;
}
const healthKey = (dialerId: string) => `dialer.health.${dialerId}`;

export async function writeTrunkHealth(report: TrunkHealthReport) {
  await writeSetting(healthKey(report.dialerId), report as unknown as Parameters<typeof writeSetting>[1]);
}

export async function trunkChannels(now = new Date()): Promise<Record<string, { used: number; capacity: number }>> {
  const rows = await prisma.setting.findMany({ where: { key: { startsWith: 'dialer.health.' } } });
  const out: Record<string, { used: number; capacity: number }> = {};
  for (const row of rows) {
    const report = row.value as unknown as TrunkHealthReport;
    // A dialer that stopped reporting a minute ago is gone; its channels are free.
    if (!report?.at || now.getTime() - Date.parse(report.at) > 60_000) continue;
    for (const [id, h] of Object.entries(report.trunks ?? {})) {
      const cur = out[id] ?? { used: 0, capacity: 0 };
      out[id] = { used: cur.used + h.used, capacity: Math.max(cur.capacity, h.capacity) };
    }
  }
  return out;
}

const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

/** Figures of one tally for display: rates in percent (one decimal), talk in seconds. */
export function figures(t: Tally) {
  const avg = averageTalkSec(t);
  return {
    answerRate: pct(answerRate(t)),
    abandonRate: pct(abandonRate(t)),
    asr: pct(asr(t)),
    serviceLevel: pct(serviceLevel(t)),
    averageTalkSec: avg === null ? null : Math.round(avg),
    placed: Object.entries(t.results).reduce((n, [r, c]) => n + (r === 'notPlaced' ? 0 : c), 0),
    abandoned: t.results.abandoned ?? 0,
    connected: t.results.connected ?? 0,
    causes: t.causes,
  };
}

/** Everything the wallboard shows, computed once per refresh. */
/**
 * `visible`: the viewer's projects (null: all). Task rows and write-back figures are per project
 * and filtered (ADR 106); the telephony (system totals, trunks, caller IDs, agents, queues) is
 * shared by every project and shown whole.
 */
export async function wallboardSnapshot(now = new Date(), visible: string[] | null = null) {
  const [tallies, tasks, inFlight, presence, writeBack, queues, channels, breakers] = await Promise.all([
    attemptTallies(now, { longMaxAgeMs: LONG_WINDOWS_MAX_AGE_MS }),
    prisma.task.findMany({
      where: { status: { in: ['running', 'paused'] }, ...(visible ? { projectId: { in: visible } } : {}) },
      orderBy: { priority: 'desc' },
    }),
    prisma.callAttempt.groupBy({
      by: ['taskId', 'state', 'trunk', 'callerId'],
      where: { endedAt: null },
      _count: { _all: true },
    }),
    prisma.agentPresence.findMany({ where: { NOT: { state: 'offline' } }, orderBy: { since: 'asc' } }),
    writeBackFigures(now, visible ?? undefined),
    jobQueueLag(now),
    trunkChannels(now),
    prisma.circuitBreaker.findMany({ where: { releasedAt: null } }),
  ]);
  const users = await prisma.user.findMany({
    where: { id: { in: presence.map((p) => p.userId) } },
    select: { id: true, displayName: true },
  });
  const names = new Map(users.map((u) => [u.id, u.displayName]));
  const live = (filter: (r: (typeof inFlight)[number]) => boolean, states: string[]) =>
    inFlight.filter((r) => filter(r) && states.includes(r.state)).reduce((n, r) => n + r._count._all, 0);
  const RINGING = ['queued', 'dialing', 'ringing'];
  const CONNECTED = ['answered', 'connected', 'robot'];
  const taskRows = await Promise.all(
    tasks.map(async (row) => {
      const task = taskView(row);
      const [dialing, remaining] = await Promise.all([
        taskDialingStatus(task.id, now),
        remainingContacts(task).catch(() => null),
      ]);
      const windows = Object.fromEntries(
        (['15m', '1h', 'today', '30d'] as const).map((w) => [w, figures(tallyOf(tallies, w, `task:${task.id}`))]),
      );
      return {
        id: task.id,
        name: task.name,
        status: task.status,
        statusReason: task.statusReason,
        dialMode: task.dialMode ?? task.channel,
        ringing: live((r) => r.taskId === task.id, RINGING),
        connected: live((r) => r.taskId === task.id, CONNECTED),
        remaining,
        pacingLevel: dialing.stale ? null : (dialing.status?.level ?? null),
        pacingCap: breakers.find((b) => b.kind === 'capPacing' && b.target === task.id)?.level ?? null,
        windows,
      };
    }),
  );
  const trunkIds = new Set([...Object.keys(channels), ...subjectsOf(tallies, 'trunk')]);
  const trunks = [...trunkIds].sort().map((id) => ({
    id,
    inUse: channels[id]?.used ?? live((r) => r.trunk === id, [...RINGING, ...CONNECTED]),
    capacity: channels[id]?.capacity ?? null,
    disabled: breakers.some((b) => b.kind === 'disableTrunk' && b.target === id),
    hour: figures(tallyOf(tallies, '1h', `trunk:${id}`)),
    today: figures(tallyOf(tallies, 'today', `trunk:${id}`)),
  }));
  const callerIds = subjectsOf(tallies, 'callerId')
    .concat(breakers.filter((b) => b.kind === 'disableCallerId').map((b) => b.target))
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort()
    .map((id) => ({
      id,
      inUse: live((r) => r.callerId === id, [...RINGING, ...CONNECTED]),
      disabled: breakers.some((b) => b.kind === 'disableCallerId' && b.target === id),
      hour: figures(tallyOf(tallies, '1h', `callerId:${id}`)),
      today: figures(tallyOf(tallies, 'today', `callerId:${id}`)),
    }));
  return {
    at: now.toISOString(),
    system: {
      ringing: live(() => true, RINGING),
      connected: live(() => true, CONNECTED),
      occupancy: pct(occupancy(presence.map((p) => p.state))),
      windows: Object.fromEntries(
        (['15m', '1h', 'today', '30d'] as const).map((w) => [w, figures(tallyOf(tallies, w, 'system'))]),
      ),
    },
    agents: presence.map((p) => ({
      userId: p.userId,
      name: names.get(p.userId) ?? p.userId,
      state: p.state,
      pauseReason: p.pauseReason,
      since: p.since.toISOString(),
      auto: p.auto,
    })),
    tasks: taskRows,
    trunks,
    callerIds,
    writeBack,
    queues,
    // A task's pacing cap is that task's project's business; trunk and caller-ID breakers are shared.
    breakers: breakers
      .filter((b) => !visible || b.kind !== 'capPacing' || tasks.some((t) => t.id === b.target))
      .map((b) => ({
        id: b.id,
        kind: b.kind,
        target: b.target,
        level: b.level,
        reason: b.reason,
        trippedAt: b.trippedAt.toISOString(),
        resumeAt: b.resumeAt?.toISOString() ?? null,
      })),
  };
}
export type WallboardSnapshot = Awaited<ReturnType<typeof wallboardSnapshot>>;

/** Open contacts of a task's selection not on the do-not-call list (what is left to work). */
export async function remainingContacts(task: Parameters<typeof taskContactSql>[0]): Promise<number> {
  const { sql, params } = await taskContactSql(task, true);
  const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "Contact" c WHERE ${sql}`, ...params);
  return Number(row?.n ?? 0);
}
