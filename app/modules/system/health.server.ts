import { readMigrations } from '../../db/migrate.server';
import { prisma } from '../../db/prisma.server';
import { boss } from '../../jobs/boss.server';
import { jobNames } from '../../jobs/catalog';
import { HEARTBEAT_SETTING, type Heartbeat } from '../../jobs/handlers/heartbeat.server';
import { readSetting } from './settings.server';

export interface Check {
  ok: boolean;
  ms: number;
  error?: string;
}

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const start = performance.now();
  try {
    await fn();
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (error) {
    return {
      ok: false,
      ms: Math.round(performance.now() - start),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** What /readyz reports: can this process reach the database and the job queue? */
export async function readiness() {
  const [database, queue] = await Promise.all([
    timed(() => prisma.$queryRaw`SELECT 1`),
    timed(async () => {
      if (!(await (await boss()).getQueue('system.heartbeat'))) throw new Error('job queue not installed');
    }),
  ]);
  return { ok: database.ok && queue.ok, database, queue };
}

/** The health page: readiness plus the worker heartbeat, queue depths and schema version. */
export async function healthReport() {
  const ready = await readiness();
  const heartbeat = await readSetting<Heartbeat>(HEARTBEAT_SETTING).catch(() => null);
  const queues = ready.queue.ok
    ? await (await boss())
        .getQueues(jobNames)
        .then((qs) => qs.map((q) => ({ name: q.name, queued: q.queuedCount, active: q.activeCount, total: q.totalCount })))
    : [];
  const applied = ready.database.ok
    ? await prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
        SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name`
    : [];
  const known = readMigrations().map((m) => m.name);
  const appliedNames = new Set(applied.map((m) => m.migration_name));
  return {
    ...ready,
    heartbeat,
    heartbeatAgeSeconds: heartbeat ? Math.round((Date.now() - Date.parse(heartbeat.at)) / 1000) : null,
    queues,
    migrations: { applied: applied.length, pending: known.filter((n) => !appliedNames.has(n)) },
    version: process.env.npm_package_version ?? '0.1.0',
    node: process.version,
    uptimeSeconds: Math.round(process.uptime()),
  };
}

/** The dashboard's small system card: cheap enough for every page view. */
export async function dashboardSummary() {
  const ready = await readiness();
  const heartbeat = await readSetting<Heartbeat>(HEARTBEAT_SETTING).catch(() => null);
  const activeUsers = await prisma.user.count({ where: { active: true } }).catch(() => 0);
  return { database: ready.database.ok, queue: ready.queue.ok, heartbeatAt: heartbeat?.at ?? null, activeUsers };
}
