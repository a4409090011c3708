import { performance } from 'node:perf_hooks';
import { prisma } from '../app/db/prisma.server';
import { customField, FIXED_FIELDS } from '../app/modules/lists/field-template';
import { createProject } from '../app/modules/projects/projects.server';
import { runAssignment } from '../app/modules/tasks/assignment.server';
import { TaskInputSchema } from '../app/modules/tasks/task-schema';
import { createTask } from '../app/modules/tasks/tasks.server';
import { insertContacts } from '../app/modules/tasks/test-data.server';
import { closeSandboxPool } from '../app/rules/runtime.server';
import { benchFolder, withBenchDatabase } from './bench-database';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 200);

const dir = benchFolder('assign', 4);

await withBenchDatabase(
  dir,
  async (_url) => {
    const actor = { name: 'bench' };
    const project = await createProject(actor, {
      name: 'bench',
      type: 'returnVisit',
      description: '',
      fields: [...FIXED_FIELDS, customField('age', 'number')],
    });
    console.log(`inserting ${CONTACTS} contacts and ${AGENTS} agents with schedules…`);
    await insertContacts(project.id, CONTACTS);
    // Agents with shifts of 4 to 8 hours a day, so the weights differ.
    await prisma.$executeRaw`
    INSERT INTO "User" ("id", "login", "displayName", "role", "passwordHash", "updatedAt")
    SELECT gen_random_uuid(), 'bench' || i, '坐席' || i, 'agent', 'x', now() FROM generate_series(1, ${AGENTS}::int) AS i`;
    await prisma.$executeRaw`
    INSERT INTO "AgentSchedule" ("userId", "weekly", "updatedAt")
    SELECT "id", jsonb_build_object(d, jsonb_build_array(jsonb_build_object('from', '09:00', 'to', lpad((13 + (abs(hashtext("login")) % 5))::text, 2, '0') || ':00'))), now()
    FROM "User" CROSS JOIN unnest(ARRAY['mon']) AS d WHERE "login" LIKE 'bench%'`;
    await prisma.$executeRaw`
    UPDATE "AgentSchedule" SET "weekly" = (SELECT jsonb_object_agg(d, "weekly"->'mon') FROM unnest(ARRAY['mon','tue','wed','thu','fri','sat','sun']) AS d)`;
    await prisma.$executeRaw`ANALYZE`;
    const task = await createTask(
      actor,
      TaskInputSchema.parse({
        projectId: project.id,
        name: 'bench',
        condition: { combinator: 'and', rules: [] },
        channel: 'agent',
        dialMode: 'preview',
        assignment: { mode: 'even' },
      }),
    );

    console.log('assigning…');
    const start = performance.now();
    const result = await runAssignment(actor, task.id);
    const seconds = (performance.now() - start) / 1000;
    const held = await prisma.taskAssignment.count({ where: { taskId: task.id } });
    if (held !== CONTACTS || result.perAgent.length !== AGENTS) {
      throw new Error(`assigned ${held} contacts to ${result.perAgent.length} agents`);
    }
    const counts = result.perAgent.map((a) => a.count);
    console.log(`per agent: ${Math.min(...counts)}–${Math.max(...counts)} contacts`);
    console.log(
      JSON.stringify({ bench: 'assign', contacts: CONTACTS, agents: AGENTS, seconds: Math.round(seconds * 100) / 100 }),
    );
  },
  async () => {
    await closeSandboxPool();
  },
);
