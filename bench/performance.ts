import { performance } from 'node:perf_hooks';
import { prisma } from '../app/db/prisma.server';
import { leaderboard } from '../app/modules/performance/leaderboard.server';
import { defaultConfig } from '../app/modules/performance/scheme-schema';
import { saveScheme } from '../app/modules/performance/schemes.server';
import { createProject } from '../app/modules/projects/projects.server';
import { closeSandboxPool } from '../app/rules/runtime.server';
import { benchFolder, withBenchDatabase } from './bench-database';

// The leaderboard over raw attempts and wrap-ups (before reports' rollups): a team scheme and a
// project formula scheme, for a day, a week and a month (each with its daily trend).

const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 500_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 200);
const DAYS = 30;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const dir = benchFolder('performance', 7);

await withBenchDatabase(
  dir,
  async () => {
    const actor = { name: 'bench' };
    const project = await createProject(actor, { name: 'bench', type: 'sales', description: '' });
    const other = await createProject(actor, { name: 'other', type: 'sales', description: '' });
    console.log(`inserting ${AGENTS} agents, ${ATTEMPTS} attempts and their wrap-ups over ${DAYS} days…`);
    await prisma.$executeRaw`
      INSERT INTO "User" ("id", "login", "displayName", "role", "passwordHash", "updatedAt")
      SELECT gen_random_uuid(), 'bench' || i, '坐席' || i, 'agent', 'x', now() FROM generate_series(1, ${AGENTS}::int) AS i`;
    const group = await prisma.skillGroup.create({ data: { name: 'bench' } });
    await prisma.$executeRaw`
      INSERT INTO "SkillGroupMember" ("groupId", "userId") SELECT ${group.id}::uuid, "id" FROM "User" WHERE "login" LIKE 'bench%'`;
    await prisma.$executeRaw`
      INSERT INTO "Task" ("id", "projectId", "name", "channel", "condition", "schedule", "pacing", "callerId", "assignment", "skillGroupIds", "updatedAt")
      VALUES (gen_random_uuid(), ${project.id}::uuid, 'bench', 'agent', '{}', '{}', '{}', '{}', '{}', ARRAY[${group.id}::uuid], now())`;
    await prisma.$executeRaw`
      WITH agents AS (SELECT array_agg("id") AS ids FROM "User" WHERE "login" LIKE 'bench%')
      INSERT INTO "CallAttempt" ("id", "taskId", "projectId", "contactId", "rulesVersion", "mode", "state", "agentId", "queuedAt", "connectedAt", "talkSec", "result")
      SELECT gen_random_uuid(), gen_random_uuid(), CASE WHEN i % 4 = 0 THEN ${other.id}::uuid ELSE ${project.id}::uuid END, i, 1, 'predictive', 'ended',
             CASE WHEN i % 2 = 0 THEN ids[1 + i % ${AGENTS}::int] END,
             now() - (i % (${DAYS}::int * 86400)) * interval '1 second',
             CASE WHEN i % 2 = 0 THEN now() - (i % (${DAYS}::int * 86400)) * interval '1 second' END,
             CASE WHEN i % 2 = 0 THEN 30 + i % 300 END,
             CASE WHEN i % 2 = 0 THEN 'connected' ELSE 'noAnswer' END
        FROM generate_series(1, ${ATTEMPTS}::int) AS i, agents`;
    await prisma.$executeRaw`
      INSERT INTO "WrapUp" ("id", "attemptId", "taskId", "projectId", "contactId", "agentId", "dispositionCode", "outcome", "order", "decision", "startedAt", "submittedAt")
      SELECT gen_random_uuid(), "id", "taskId", "projectId", "contactId", "agentId", 'x',
             CASE WHEN "contactId" % 6 = 0 THEN 'success' ELSE 'failure' END,
             CASE WHEN "contactId" % 6 = 0 THEN jsonb_build_object('amount', 1000 + "contactId" % 9000, 'status', 'confirmed') END,
             '{}', "connectedAt", "connectedAt" + interval '40 seconds'
        FROM "CallAttempt" WHERE "agentId" IS NOT NULL`;
    await prisma.$executeRaw`ANALYZE`;
    const base = { timeZone: 'Asia/Shanghai', active: true, projectId: null, skillGroupId: null };
    const team = await saveScheme(actor, {
      ...base,
      name: 'team',
      scopeKind: 'team',
      skillGroupId: group.id,
      config: defaultConfig('sales'),
    });
    const formula = await saveScheme(actor, {
      ...base,
      name: 'formula',
      scopeKind: 'project',
      projectId: project.id,
      config: defaultConfig('formula'),
    });
    if (!team.ok || !formula.ok) throw new Error('schemes');
    const viewer = { id: (await prisma.user.findFirstOrThrow({ where: { login: 'bench1' } })).id, role: 'supervisor' as const };
    const cases: { name: string; schemeId: string; period: 'day' | 'week' | 'month' }[] = [];
    for (const period of ['day', 'week', 'month'] as const) {
      cases.push({ name: `team-sales-${period}`, schemeId: team.id, period });
      cases.push({ name: `project-formula-${period}`, schemeId: formula.id, period });
    }
    const results = [];
    for (const c of cases) {
      await leaderboard(viewer, { schemeId: c.schemeId, period: c.period }); // warm
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const board = await leaderboard(viewer, { schemeId: c.schemeId, period: c.period });
        times.push(performance.now() - t0);
        rows = board.rows.length;
      }
      times.sort((a, b) => a - b);
      const p = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!);
      results.push({ name: c.name, agents: rows, p50Ms: p(0.5), p95Ms: p(0.95) });
      console.log(`${c.name}: ${rows} agents, p50 ${p(0.5)} ms, p95 ${p(0.95)} ms (leaderboard with its daily trend)`);
    }
    console.log(JSON.stringify({ bench: 'performance', attempts: ATTEMPTS, agents: AGENTS, leaderboards: results }));
  },
  async () => {
    await closeSandboxPool();
  },
);
