// bench:reports — 10 000 000 call attempts over 90 days (200 agents, 20 tasks) generated set-based
// into an embedded PostgreSQL, the rollups rebuilt, then every standard report timed (p50/p95 over
// 20 runs with varied filters) from the rollups, and the same report from raw attempts.
//   BENCH_ATTEMPTS=500000 npm run bench:reports   (a smaller run while developing)
//   BENCH_RAW_RUNS=20                             (raw comparison runs per report; default 20)
import { prisma } from '../app/db/prisma.server';
import { Prisma } from '../app/generated/prisma/client';
import { addDays, type ReportFilters, type ReportName } from '../app/modules/reports/filters';
import { runReport } from '../app/modules/reports/reports.server';
import { rebuildRollups } from '../app/modules/reports/rollup.server';
import { localDay, localHour, scopeWhere } from '../app/modules/reports/scope.server';
import { benchFolder, withBenchDatabase } from './bench-database';

const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 10_000_000);
const RAW_RUNS = Number(process.env.BENCH_RAW_RUNS ?? 20);
const RUNS = 20;
const AGENTS = 200;
const TASKS = 20;
const DAYS = 90;
const CONTACTS_PER_TASK = Math.max(100, Math.round(ATTEMPTS / TASKS / 2.5));
const LAST_DAY = '2026-11-20';
const FIRST_DAY = addDays(LAST_DAY, -(DAYS - 1));

const dir = benchFolder('reports', 7);
const seconds = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

async function generate(): Promise<void> {
  const t0 = performance.now();
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Project" (id, name, type, rules, fields, "updatedAt")
    SELECT gen_random_uuid(), 'bench project ' || p, 'sales', '{}', '[]', now() FROM generate_series(1, 4) p`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Task" (id, "projectId", name, channel, condition, schedule, pacing, "callerId", assignment, "updatedAt")
    SELECT gen_random_uuid(), (SELECT id FROM "Project" ORDER BY name OFFSET (t - 1) % 4 LIMIT 1), 'bench task ' || lpad(t::text, 2, '0'),
           'agent', '{}', '{}', '{}', '{}', '{}', now() FROM generate_series(1, ${TASKS}) t`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "User" (id, login, "displayName", role, "passwordHash", "updatedAt")
    SELECT gen_random_uuid(), 'bench' || lpad(i::text, 3, '0'), '坐席' || i, 'agent', 'x', now() FROM generate_series(1, ${AGENTS}) i`);
  await prisma.$executeRawUnsafe(
    `INSERT INTO "SkillGroup" (id, name) SELECT gen_random_uuid(), 'team ' || g FROM generate_series(1, 4) g`,
  );
  await prisma.$executeRawUnsafe(`
    INSERT INTO "SkillGroupMember" ("groupId", "userId")
    SELECT (SELECT id FROM "SkillGroup" ORDER BY name OFFSET (substr(u.login, 6)::int - 1) % 4 LIMIT 1), u.id
      FROM "User" u WHERE u.login LIKE 'bench%'`);
  // Lookup tables by ordinal, so the big INSERT joins by number.
  await prisma.$executeRawUnsafe(`
    CREATE UNLOGGED TABLE bench_task AS
    SELECT row_number() OVER (ORDER BY name) - 1 AS n, id, "projectId" FROM "Task"`);
  await prisma.$executeRawUnsafe(`
    CREATE UNLOGGED TABLE bench_agent AS SELECT row_number() OVER (ORDER BY login) - 1 AS n, id FROM "User" WHERE login LIKE 'bench%'`);
  // Without secondary indexes while loading; recreated afterwards (much faster than maintaining them row by row).
  const indexes = await prisma.$queryRaw<{ indexname: string; indexdef: string }[]>`
    SELECT indexname, indexdef FROM pg_indexes
     WHERE tablename IN ('Contact', 'CallAttempt', 'WrapUp', 'WriteBack') AND indexname NOT LIKE '%_pkey'`;
  for (const i of indexes) await prisma.$executeRawUnsafe(`DROP INDEX "${i.indexname}"`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "Contact" ("projectId", name, "phoneHash", "phoneMasked", "phoneKind", "updatedAt")
    SELECT t."projectId", 'c', md5(t.n || ':' || c), '138****0000', 'mobile', now()
      FROM bench_task t, generate_series(1, ${CONTACTS_PER_TASK}) c`);
  const contactBase = (await prisma.$queryRaw<{ min: bigint }[]>`SELECT min(id) AS min FROM "Contact"`)[0]!.min;
  console.log(
    `reference data (4 projects, ${TASKS} tasks, ${AGENTS} agents, ${TASKS * CONTACTS_PER_TASK} contacts): ${seconds(t0)} s`,
  );

  const t1 = performance.now();
  const batch = 1_000_000;
  for (let from = 0; from < ATTEMPTS; from += batch) {
    const to = Math.min(ATTEMPTS, from + batch) - 1;
    // Calls during 09:00–21:00 Asia/Shanghai; results: 40 % connected, 5 % abandoned, 10 % machine,
    // 10 % busy, 25 % no answer, 5 % invalid, 5 % failed. Each task has 10 agents and 5 caller IDs.
    await prisma.$executeRawUnsafe(`
      INSERT INTO "CallAttempt" (id, "taskId", "projectId", "contactId", "rulesVersion", mode, state, trunk, "callerId", "agentId",
        amd, result, cause, "ringSec", "talkSec", "queuedAt", "answeredAt", "connectedAt", "endedAt")
      SELECT gen_random_uuid(), t.id, t."projectId", ${contactBase} + t.n * ${CONTACTS_PER_TASK} + (g.i * 7919) % ${CONTACTS_PER_TASK},
             1, 'predictive', 'ended', 'trunk-' || ((g.i / 1000) % 4), '0105550' || lpad((t.n * 5 + (g.i / 200) % 5)::text, 3, '0'),
             CASE WHEN g.r < 0.40 THEN a.id END,
             CASE WHEN g.r < 0.45 THEN 'human' WHEN g.r < 0.55 THEN 'machine' END,
             g.result, CASE g.result WHEN 'connected' THEN 'NORMAL_CLEARING' WHEN 'abandoned' THEN 'NORMAL_CLEARING'
               WHEN 'machine' THEN 'NORMAL_CLEARING' WHEN 'busy' THEN 'USER_BUSY' WHEN 'noAnswer' THEN 'NO_ANSWER'
               WHEN 'invalid' THEN 'UNALLOCATED_NUMBER' ELSE 'NORMAL_TEMPORARY_FAILURE' END,
             (3 + g.r2 * 25)::int, CASE WHEN g.r < 0.40 THEN (20 + g.r2 * 400)::int END,
             g.at, CASE WHEN g.r < 0.55 THEN g.at + interval '15 seconds' END,
             CASE WHEN g.r < 0.40 THEN g.at + interval '16 seconds' END, g.at + interval '3 minutes'
        FROM (SELECT i, r, random() AS r2,
                     CASE WHEN r < 0.40 THEN 'connected' WHEN r < 0.45 THEN 'abandoned' WHEN r < 0.55 THEN 'machine'
                          WHEN r < 0.65 THEN 'busy' WHEN r < 0.90 THEN 'noAnswer' WHEN r < 0.95 THEN 'invalid' ELSE 'failed' END AS result,
                     ('${FIRST_DAY} 01:00:00+00'::timestamptz + floor(random() * ${DAYS}) * interval '1 day' + random() * interval '12 hours') AS at
                FROM (SELECT i, random() AS r FROM generate_series(${from}::bigint, ${to}::bigint) i) s) g
        JOIN bench_task t ON t.n = g.i % ${TASKS}
        JOIN bench_agent a ON a.n = (g.i % ${TASKS}) * 10 + (g.i / ${TASKS}) % 10`);
    console.log(`  attempts ${to + 1}/${ATTEMPTS}: ${seconds(t1)} s`);
  }
  // Wrap-ups of the connected calls: 8 dispositions; sales orders on a tenth, leads on a twentieth.
  await prisma.$executeRawUnsafe(`
    INSERT INTO "WrapUp" (id, "attemptId", "taskId", "projectId", "contactId", "agentId", "dispositionCode", outcome, "order", lead,
      decision, "startedAt", "submittedAt")
    SELECT gen_random_uuid(), a.id, a."taskId", a."projectId", a."contactId", a."agentId", d.code, d.outcome,
           CASE WHEN h < 10 THEN jsonb_build_object('amount', 100 + h * 37, 'quantity', 1, 'status', 'confirmed') END,
           CASE WHEN h >= 95 THEN '{"summary": "lead"}'::jsonb END, '{}', a."endedAt", a."endedAt" + (10 + h / 2) * interval '1 second'
      FROM (SELECT a.*, abs(hashtext(a.id::text)) % 100 AS h FROM "CallAttempt" a WHERE a.result = 'connected') a
      JOIN (VALUES (0, 'sold', 'success'), (1, 'interested', 'callback'), (2, 'refused', 'failure'), (3, 'think', 'retry'),
                   (4, 'wrongPerson', 'failure'), (5, 'satisfied', 'success'), (6, 'noConsent', 'doNotCall'), (7, 'badNumber', 'invalidNumber'))
           AS d(k, code, outcome) ON d.k = a.h % 8`);
  await prisma.$executeRawUnsafe(`
    INSERT INTO "WriteBack" (id, "wrapUpId", "projectId", kind, "idempotencyKey", payload, state, tries, "createdAt", "deliveredAt")
    SELECT gen_random_uuid(), w.id, w."projectId", 'result', w.id::text, '{}',
           CASE WHEN h < 90 THEN 'delivered' WHEN h < 97 THEN 'skipped' ELSE 'dead' END,
           CASE WHEN h < 80 THEN 1 WHEN h < 90 THEN 3 WHEN h < 97 THEN 0 ELSE 8 END, w."submittedAt",
           CASE WHEN h < 90 THEN w."submittedAt" + interval '2 seconds' END
      FROM (SELECT w.*, abs(hashtext(w.id::text)) % 100 AS h FROM "WrapUp" w) w`);
  console.log(`attempts, wrap-ups and write-backs inserted: ${seconds(t1)} s`);
  const t2 = performance.now();
  for (const i of indexes) await prisma.$executeRawUnsafe(i.indexdef);
  await prisma.$executeRawUnsafe('ANALYZE');
  console.log(`indexes rebuilt and analysed: ${seconds(t2)} s`);
}

/** Varied filters: whole range / a month / a week, a project, a task, an agent, a team, three time zones. */
async function filterSets(report: ReportName): Promise<ReportFilters[]> {
  const tasks = await prisma.task.findMany({ select: { id: true, projectId: true }, orderBy: { name: 'asc' } });
  const agents = await prisma.user.findMany({
    where: { login: { startsWith: 'bench' } },
    select: { id: true },
    orderBy: { login: 'asc' },
  });
  const teams = await prisma.skillGroup.findMany({ select: { id: true }, orderBy: { name: 'asc' } });
  const zones = ['Asia/Shanghai', 'UTC', 'Asia/Kolkata'];
  return Array.from({ length: RUNS }, (_, i): ReportFilters => {
    const span = [DAYS, 30, 7][i % 3]!;
    const to = addDays(LAST_DAY, -((i * 3) % 20));
    const base: ReportFilters = { report, from: addDays(to, -(span - 1)), to, tz: zones[i % 3]! };
    switch (i % 5) {
      case 1:
        return { ...base, project: tasks[i % tasks.length]!.projectId };
      case 2:
        return { ...base, task: tasks[i % tasks.length]!.id };
      case 3:
        return { ...base, agent: agents[(i * 13) % agents.length]!.id };
      case 4:
        return { ...base, team: teams[i % teams.length]!.id };
      default:
        return base;
    }
  });
}

// The same reports straight from the raw tables (what a report would cost without rollups).
function rawQuery(f: ReportFilters): Prisma.Sql {
  const agentScoped = !!(f.agent || f.team);
  const where = scopeWhere(f, { agentColumn: agentScoped, timeColumn: 'queuedAt', alias: 'a' });
  const ended = Prisma.sql`${where} AND a."endedAt" IS NOT NULL`;
  switch (f.report) {
    case 'funnel':
      return Prisma.sql`SELECT count(*) AS attempts, count(DISTINCT a."contactId") AS attempted,
        count(DISTINCT a."contactId") FILTER (WHERE a.result = 'connected') AS connected,
        count(DISTINCT a."contactId") FILTER (WHERE w.outcome = 'success') AS success
        FROM "CallAttempt" a LEFT JOIN "WrapUp" w ON w."attemptId" = a.id WHERE ${ended}`;
    case 'volume':
      return Prisma.sql`SELECT ${localDay('a."queuedAt"', f.tz)}, ${localHour('a."queuedAt"', f.tz)}, count(*),
        count(a."answeredAt"), count(*) FILTER (WHERE a.result = 'connected'), count(*) FILTER (WHERE a.result = 'abandoned')
        FROM "CallAttempt" a WHERE ${ended} GROUP BY 1, 2`;
    case 'dispositions':
      return Prisma.sql`SELECT w."dispositionCode", w.outcome, count(*) FROM "CallAttempt" a
        JOIN "WrapUp" w ON w."attemptId" = a.id WHERE ${ended} GROUP BY 1, 2`;
    case 'agents':
      return Prisma.sql`SELECT a."agentId", count(*), count(*) FILTER (WHERE a.result = 'connected'),
        count(*) FILTER (WHERE w.outcome = 'success'), sum(a."talkSec"), sum(extract(epoch FROM w."submittedAt" - w."startedAt")),
        sum((w."order"->>'amount')::numeric) FROM "CallAttempt" a LEFT JOIN "WrapUp" w ON w."attemptId" = a.id
        WHERE ${ended} AND a."agentId" IS NOT NULL GROUP BY 1`;
    case 'lines':
      return Prisma.sql`SELECT a.trunk, a."callerId", a.cause, count(*), count(a."answeredAt"), sum(a."ringSec")
        FROM "CallAttempt" a WHERE ${ended} GROUP BY 1, 2, 3`;
    default:
      return Prisma.sql`SELECT ${localDay('b."createdAt"', f.tz)}, b.state, count(*), sum(b.tries) FROM "WriteBack" b
        WHERE ${scopeWhere({ ...f, task: undefined }, { timeColumn: 'createdAt', alias: 'b' })} GROUP BY 1, 2`;
  }
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 10) / 10;
};

await withBenchDatabase(dir, async () => {
  const t0 = performance.now();
  await generate();
  const generationSec = seconds(t0);
  const count = Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "CallAttempt"`)[0]!.n);
  console.log(`generated ${count} attempts in ${generationSec} s; rebuilding rollups…`);
  const t1 = performance.now();
  const rebuilt = await rebuildRollups((step) => console.log(`  rebuild ${step}`));
  await prisma.$executeRawUnsafe('ANALYZE');
  const rebuildSec = seconds(t1);
  const sizes = await prisma.$queryRaw<{ table: string; rows: bigint }[]>`
    SELECT 'RollupTaskHour' AS table, count(*) AS rows FROM "RollupTaskHour" UNION ALL
    SELECT 'RollupAgentHour', count(*) FROM "RollupAgentHour" UNION ALL
    SELECT 'RollupLineHour', count(*) FROM "RollupLineHour" UNION ALL
    SELECT 'RollupCauseHour', count(*) FROM "RollupCauseHour" UNION ALL
    SELECT 'RollupWriteBackHour', count(*) FROM "RollupWriteBackHour"`;
  console.log(
    `rollups rebuilt in ${rebuildSec} s (${rebuilt.touched} task-hours): ${sizes.map((s) => `${s.table} ${s.rows}`).join(', ')}`,
  );

  const reports: { name: string; p50Ms: number; p95Ms: number; rawP95Ms: number }[] = [];
  for (const name of ['funnel', 'volume', 'dispositions', 'agents', 'lines', 'writeBacks'] as const) {
    const sets = await filterSets(name);
    await runReport(sets[0]!); // warm-up
    const times: number[] = [];
    for (const f of sets) {
      const t = performance.now();
      await runReport(f);
      times.push(performance.now() - t);
    }
    const raw: number[] = [];
    for (const f of sets.slice(0, RAW_RUNS)) {
      const t = performance.now();
      await prisma.$queryRaw(rawQuery(f));
      raw.push(performance.now() - t);
    }
    const row = { name, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), rawP95Ms: percentile(raw, 95) };
    console.log(`  ${name}: rollups p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms; raw p95 ${row.rawP95Ms} ms`);
    reports.push(row);
  }
  console.log(
    `generation ${generationSec} s, rebuild ${rebuildSec} s; every report p95 < 300 ms: ${reports.every((r) => r.p95Ms < 300)}`,
  );
  console.log(JSON.stringify({ bench: 'reports', attempts: count, reports }));
});
