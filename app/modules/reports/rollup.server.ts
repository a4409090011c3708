import { prisma } from '../../db/prisma.server';
import { logger } from '../../utils/logger.server';

// The report rollups (docs/reports.md): hourly buckets (UTC hour of the attempt's queuedAt) that
// are always *recomputed* from raw rows for a set of touched (hour, task) pairs, never
// incremented, so a job that runs twice, a late-ending attempt or a supervisor's correction can
// only ever produce the same numbers as a rebuild.

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/** Changes are re-read this far behind the watermark: commits that land after a run with an earlier timestamp. */
export const LATE_MARGIN_MS = 5 * 60_000;
const LOCK_KEY = 0x7265_706f; // 'repo': one rollup writer at a time
const STATE_ID = 'main';

const ROLLUP_TABLES = ['RollupTaskHour', 'RollupAgentHour', 'RollupLineHour', 'RollupCauseHour'] as const;

/** One ordered window per contact and task gives all three "firsts" in a single sort. */
const HISTORY_WINDOW = `ord AS (PARTITION BY a."taskId", a."contactId" ORDER BY a."queuedAt", a.id
  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
const FIRSTS = `row_number() OVER ord = 1 AS first_attempt,
  coalesce(a.result = 'connected', false) AND count(*) FILTER (WHERE a.result = 'connected') OVER ord = 1 AS first_connect,
  coalesce(w.outcome = 'success', false) AND count(*) FILTER (WHERE w.outcome = 'success') OVER ord = 1 AS first_success`;

/** The per-attempt facts the rollups group: attempt alias `s`, its wrap-up `w`, firsts from `flags`. */
function baseColumns(flags: string): string {
  return `SELECT s.hour, s."taskId", s."projectId", coalesce(s."agentId", w."agentId") AS "agentId",
           coalesce(s.result, '') AS result, coalesce(s.trunk, '') AS trunk, coalesce(s."callerId", '') AS "callerId",
           coalesce(s.cause, '') AS cause, s."answeredAt" IS NOT NULL AS answered,
           coalesce(s."ringSec", 0) AS ring, coalesce(s."talkSec", 0) AS talk,
           coalesce(w."dispositionCode", '') AS disposition, coalesce(w.outcome, '') AS outcome,
           CASE WHEN w.id IS NULL THEN 0 ELSE greatest(0, round(extract(epoch FROM w."submittedAt" - w."startedAt")))::bigint END AS wrap,
           coalesce(jsonb_typeof(w."order") = 'object' AND w."order"->>'status' = 'confirmed', false) AS ordered,
           CASE WHEN jsonb_typeof(w."order") = 'object' AND w."order"->>'status' = 'confirmed'
                THEN coalesce((w."order"->>'amount')::numeric, 0) ELSE 0 END AS amount,
           coalesce(jsonb_typeof(w.lead) = 'object', false) AS lead,
           ${flags}.first_attempt, ${flags}.first_connect, ${flags}.first_success`;
}

/**
 * Recompute the attempt rollups of the (hour, taskId) pairs in temp table rollup_touched.
 * `firsts` (a contact's first attempt / connect / success in a task) depend on the contact's
 * other attempts, which is why the caller touches every hour of a changed contact.
 */
async function recomputeTouched(tx: Tx): Promise<void> {
  // Temp tables have no statistics until analysed; without them the planner guesses badly.
  await tx.$executeRawUnsafe('ANALYZE rollup_touched');
  await tx.$executeRawUnsafe(`
    CREATE TEMP TABLE rollup_base ON COMMIT DROP AS
    WITH scope AS (
      SELECT a.id, a."taskId", a."projectId", a."contactId", a."agentId", a.result, a.trunk, a."callerId", a.cause,
             a."answeredAt", a."ringSec", a."talkSec", t.hour
        FROM rollup_touched t
        JOIN "CallAttempt" a ON a."taskId" = t."taskId" AND a."queuedAt" >= t.hour AND a."queuedAt" < t.hour + interval '1 hour'
       WHERE a."endedAt" IS NOT NULL
    ),
    pairs AS (SELECT DISTINCT "taskId", "contactId" FROM scope),
    history AS (
      SELECT a.id, ${FIRSTS}
        FROM pairs p
        JOIN "CallAttempt" a ON a."taskId" = p."taskId" AND a."contactId" = p."contactId"
        LEFT JOIN "WrapUp" w ON w."attemptId" = a.id
       WHERE a."endedAt" IS NOT NULL
       WINDOW ${HISTORY_WINDOW}
    )
    ${baseColumns('h')}
      FROM scope s
      JOIN history h ON h.id = s.id
      LEFT JOIN "WrapUp" w ON w."attemptId" = s.id`);
  for (const table of ROLLUP_TABLES) {
    await tx.$executeRawUnsafe(
      `DELETE FROM "${table}" r USING rollup_touched t WHERE r.hour = t.hour AND r."taskId" = t."taskId"`,
    );
  }
  await insertFromBase(tx);
}

/** Group temp table rollup_base into the three attempt rollups. */
async function insertFromBase(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe('ANALYZE rollup_base');
  await tx.$executeRawUnsafe(`
    INSERT INTO "RollupTaskHour" (hour, "taskId", "projectId", result, "dispositionCode", outcome, attempts, answered,
      connected, abandoned, machine, busy, "noAnswer", failed, successes, "firstAttempts", "firstConnects",
      "firstSuccesses", "ringSec", "talkSec", "wrapSec", "salesAmount", orders, leads)
    SELECT hour, "taskId", "projectId", result, disposition, outcome, count(*), count(*) FILTER (WHERE answered),
           count(*) FILTER (WHERE result = 'connected'), count(*) FILTER (WHERE result = 'abandoned'),
           count(*) FILTER (WHERE result = 'machine'), count(*) FILTER (WHERE result = 'busy'),
           count(*) FILTER (WHERE result = 'noAnswer'), count(*) FILTER (WHERE result IN ('failed', 'invalid')),
           count(*) FILTER (WHERE outcome = 'success'), count(*) FILTER (WHERE first_attempt),
           count(*) FILTER (WHERE first_connect), count(*) FILTER (WHERE first_success),
           sum(ring), sum(talk), sum(wrap), sum(amount), count(*) FILTER (WHERE ordered), count(*) FILTER (WHERE lead)
      FROM rollup_base GROUP BY hour, "taskId", "projectId", result, disposition, outcome`);
  await tx.$executeRawUnsafe(`
    INSERT INTO "RollupAgentHour" (hour, "taskId", "projectId", "agentId", "dispositionCode", outcome, calls, connects,
      successes, "talkSec", "wrapSec", "salesAmount", orders, leads)
    SELECT hour, "taskId", "projectId", "agentId", disposition, outcome, count(*), count(*) FILTER (WHERE result = 'connected'),
           count(*) FILTER (WHERE outcome = 'success'), sum(talk), sum(wrap), sum(amount),
           count(*) FILTER (WHERE ordered), count(*) FILTER (WHERE lead)
      FROM rollup_base WHERE "agentId" IS NOT NULL GROUP BY hour, "taskId", "projectId", "agentId", disposition, outcome`);
  await tx.$executeRawUnsafe(`
    INSERT INTO "RollupLineHour" (hour, "taskId", "projectId", trunk, "callerId", attempts, answered, connected, failed, "ringSec")
    SELECT hour, "taskId", "projectId", trunk, "callerId", count(*), count(*) FILTER (WHERE answered),
           count(*) FILTER (WHERE result = 'connected'), count(*) FILTER (WHERE result IN ('failed', 'invalid')), sum(ring)
      FROM rollup_base GROUP BY hour, "taskId", "projectId", trunk, "callerId"`);
  await tx.$executeRawUnsafe(`
    INSERT INTO "RollupCauseHour" (hour, "taskId", "projectId", result, cause, attempts)
    SELECT hour, "taskId", "projectId", result, cause, count(*) FROM rollup_base GROUP BY hour, "taskId", "projectId", result, cause`);
}

/** Recompute the write-back rollup for the hours in temp table rollup_wb_hours. */
async function recomputeWriteBacks(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`DELETE FROM "RollupWriteBackHour" r USING rollup_wb_hours h WHERE r.hour = h.hour`);
  await tx.$executeRawUnsafe(`
    INSERT INTO "RollupWriteBackHour" (hour, "projectId", kind, state, items, retried, tries)
    SELECT date_trunc('hour', b."createdAt"), b."projectId", b.kind, b.state, count(*), count(*) FILTER (WHERE b.tries > 1), sum(b.tries)
      FROM rollup_wb_hours h
      JOIN "WriteBack" b ON b."createdAt" >= h.hour AND b."createdAt" < h.hour + interval '1 hour'
     GROUP BY 1, 2, 3, 4`);
}

async function createTouchedTables(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(
    `CREATE TEMP TABLE rollup_touched (hour timestamptz NOT NULL, "taskId" uuid NOT NULL, PRIMARY KEY (hour, "taskId")) ON COMMIT DROP`,
  );
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE rollup_wb_hours (hour timestamptz PRIMARY KEY) ON COMMIT DROP`);
}

export interface RefreshResult {
  skipped: boolean;
  touched: number;
  ms: number;
  watermark: Date | null;
}

/**
 * Fold everything that changed since the watermark into the rollups: attempts that ended, wrap-ups
 * submitted or corrected, write-backs still moving. Safe to run concurrently (one wins the lock,
 * the other skips) and repeatedly (recomputed, not added). Runs a full rebuild the first time.
 */
export async function refreshRollups(): Promise<RefreshResult> {
  const state = await prisma.rollupState.findUnique({ where: { id: STATE_ID } });
  if (!state) {
    const rebuilt = await rebuildRollups();
    return { skipped: false, touched: rebuilt.touched, ms: rebuilt.ms, watermark: rebuilt.watermark };
  }
  const started = performance.now();
  const result = await prisma.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS ok`;
      if (!lock?.ok) return null;
      const current = await tx.rollupState.findUniqueOrThrow({ where: { id: STATE_ID } });
      const now = (await tx.$queryRaw<{ now: Date }[]>`SELECT statement_timestamp() AS now`)[0]!.now;
      const since = new Date(current.watermark.getTime() - LATE_MARGIN_MS);
      await createTouchedTables(tx);
      // Every hour of every contact whose attempt or wrap-up changed (its firsts may move).
      await tx.$executeRaw`
        WITH changed AS (
          SELECT a."taskId", a."contactId" FROM "CallAttempt" a WHERE a."endedAt" > ${since}
          UNION
          SELECT w."taskId", w."contactId" FROM "WrapUp" w WHERE w."submittedAt" > ${since} OR w."correctedAt" > ${since}
        )
        INSERT INTO rollup_touched (hour, "taskId")
        SELECT DISTINCT date_trunc('hour', a."queuedAt"), a."taskId"
          FROM changed c JOIN "CallAttempt" a ON a."contactId" = c."contactId" AND a."taskId" = c."taskId"
         WHERE a."endedAt" IS NOT NULL`;
      // Write-backs: recent ones and any still pending (a retried dead letter is pending again).
      await tx.$executeRaw`
        INSERT INTO rollup_wb_hours (hour)
        SELECT DISTINCT date_trunc('hour', "createdAt") FROM "WriteBack"
         WHERE "createdAt" > ${now}::timestamptz - interval '48 hours' OR state = 'pending' OR "deliveredAt" > ${since}`;
      await recomputeTouched(tx);
      await recomputeWriteBacks(tx);
      const n = (await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM rollup_touched`)[0]!.n;
      const ms = Math.round(performance.now() - started);
      await tx.rollupState.update({ where: { id: STATE_ID }, data: { watermark: now, runAt: now, touched: n, ms } });
      return { touched: n, watermark: now };
    },
    { timeout: 10 * 60_000, maxWait: 10_000 },
  );
  const ms = Math.round(performance.now() - started);
  if (!result) return { skipped: true, touched: 0, ms, watermark: state.watermark };
  logger.debug({ touched: result.touched, ms }, 'report rollups refreshed');
  return { skipped: false, touched: result.touched, ms, watermark: result.watermark };
}

/** Runs a refresh when the last one is older than `maxAgeMs` (a report page's catch-up). */
export async function refreshIfStale(maxAgeMs: number): Promise<void> {
  const state = await prisma.rollupState.findUnique({ where: { id: STATE_ID } });
  if (state && Date.now() - state.runAt.getTime() < maxAgeMs) return;
  // A failed catch-up leaves the report as fresh as the last run (the page shows when that was).
  await refreshRollups().catch((error: unknown) => logger.warn({ err: error }, 'report rollup catch-up failed'));
}

/**
 * Recompute every rollup from raw rows in one set-based pass (one sort of the attempts for the
 * firsts, one GROUP BY per table) and one transaction: reports keep reading the old rollups until
 * it commits. The watermark is set to the start, so changes made meanwhile are folded in next.
 */
export async function rebuildRollups(
  onProgress: (step: string) => void = () => {},
): Promise<{ touched: number; ms: number; watermark: Date }> {
  const started = performance.now();
  const step = (name: string) => onProgress(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const result = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
      await tx.$executeRawUnsafe(`SET LOCAL work_mem = '256MB'`);
      const now = (await tx.$queryRaw<{ now: Date }[]>`SELECT statement_timestamp() AS now`)[0]!.now;
      for (const table of [...ROLLUP_TABLES, 'RollupWriteBackHour']) await tx.$executeRawUnsafe(`DELETE FROM "${table}"`);
      step('old rollups deleted');
      await tx.$executeRawUnsafe(`
        CREATE TEMP TABLE rollup_base ON COMMIT DROP AS
        ${baseColumns('s')}
          FROM (SELECT a.id, a."taskId", a."projectId", a."agentId", a.result, a.trunk, a."callerId", a.cause, a."answeredAt",
                       a."ringSec", a."talkSec", date_trunc('hour', a."queuedAt") AS hour, ${FIRSTS}
                  FROM "CallAttempt" a LEFT JOIN "WrapUp" w ON w."attemptId" = a.id
                 WHERE a."endedAt" IS NOT NULL
                WINDOW ${HISTORY_WINDOW}) s
          LEFT JOIN "WrapUp" w ON w."attemptId" = s.id`);
      step('attempts read');
      await insertFromBase(tx);
      step('attempt rollups written');
      await tx.$executeRawUnsafe(`CREATE TEMP TABLE rollup_wb_hours ON COMMIT DROP AS
        SELECT DISTINCT date_trunc('hour', "createdAt") AS hour FROM "WriteBack"`);
      await recomputeWriteBacks(tx);
      step('write-back rollup written');
      const touched = (
        await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT DISTINCT hour, "taskId" FROM rollup_base) t`
      )[0]!.n;
      const ms = Math.round(performance.now() - started);
      await tx.rollupState.upsert({
        where: { id: STATE_ID },
        create: { id: STATE_ID, watermark: now, runAt: now, touched, ms },
        update: { watermark: now, runAt: now, touched, ms },
      });
      return { touched, ms, watermark: now };
    },
    { timeout: 6 * 3600_000, maxWait: 60_000 },
  );
  return result;
}
