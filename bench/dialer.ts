import { prisma } from '../app/db/prisma.server';
import { startDialer } from '../app/modules/dialing/dialer.server';
import { closeLive } from '../app/modules/dialing/live.server';
import { callableProject } from '../app/modules/dialing/testing.server';
import { sealPhone } from '../app/modules/lists/phone-vault.server';
import { TaskInputSchema } from '../app/modules/tasks/task-schema';
import { createTask, transitionTask } from '../app/modules/tasks/tasks.server';
import { createSimSwitch } from '../app/telephony/sim/sim-switch';
import { benchFolder, withBenchDatabase } from './bench-database';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 500);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 60_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const TIME_SCALE = 50;

const dir = benchFolder('dialer', 5);

await withBenchDatabase(dir, async (_url) => {
  const actor = { name: 'bench' };
  const project = await callableProject(actor, 'bench', () => ({ closingRule: { preset: 'onConnect' } }));

  console.log(`inserting ${CONTACTS} contacts (encrypted numbers) and ${AGENTS} agents…`);
  for (let start = 0; start < CONTACTS; start += 10_000) {
    const n = Math.min(10_000, CONTACTS - start);
    const phones = Array.from({ length: n }, (_, i) => `+861390${String(start + i).padStart(7, '0')}`);
    const sealed = phones.map((p) => sealPhone(p));
    await prisma.$executeRaw`
      INSERT INTO "Contact" ("projectId", "name", "phoneHash", "phoneCipher", "phoneMasked", "phoneKind", "fields", "updatedAt")
      SELECT ${project.id}::uuid, '客户' || h.ord, h.hash, h.cipher, h.masked, 'mobile', '{"age": 70}'::jsonb, now()
      FROM unnest(${sealed.map((s) => s.hash)}::text[], ${sealed.map((s) => s.cipher)}::text[], ${sealed.map((s) => s.masked)}::text[])
           WITH ORDINALITY AS h(hash, cipher, masked, ord)`;
  }
  await prisma.$executeRaw`
    INSERT INTO "User" ("id", "login", "displayName", "role", "passwordHash", "updatedAt")
    SELECT gen_random_uuid(), 'bench' || i, '坐席' || i, 'agent', 'x', now() FROM generate_series(1, ${AGENTS}::int) AS i`;
  const group = await prisma.skillGroup.create({ data: { name: 'bench' } });
  await prisma.$executeRaw`
    INSERT INTO "SkillGroupMember" ("groupId", "userId", "proficiency") SELECT ${group.id}::uuid, "id", 3 FROM "User" WHERE "login" LIKE 'bench%'`;
  await prisma.$executeRaw`ANALYZE`;
  const task = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: project.id,
      name: 'bench',
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'predictive',
      skillGroupIds: [group.id],
      pacing: { targetAbandonRate: 3, maxLinesPerAgent: 4 },
    }),
  );
  await transitionTask(actor, task.id, 'start');

  const sw = createSimSwitch({
    profile: { answer: 0.45, busy: 0.1, noAnswer: 0.3, machine: 0.1, invalid: 0.05, ringMeanSec: 12, talkMeanSec: 90 },
    trunks: [
      { id: 'sim-e1-a', capacity: 2500 },
      { id: 'sim-e1-b', capacity: 2500 },
    ],
    timeScale: TIME_SCALE,
    seed: 1,
  });
  const stats = async () => {
    const [row] = await prisma.$queryRaw<
      { xacts: bigint }[]
    >`SELECT xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = current_database()`;
    return Number(row?.xacts ?? 0);
  };
  console.log(`dialing for ${SECONDS} s at ${TIME_SCALE}x…`);
  const dialer = await startDialer({ dialerId: 'bench', autoAgents: true, softswitch: sw });
  // Warm-up: the pacer starts carefully; measure the steady part.
  await new Promise((r) => setTimeout(r, 10_000));
  const attempts0 = await prisma.callAttempt.count();
  const xacts0 = await stats();
  dialer.engine.launchLatencies.length = 0;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, dialer.engine.inFlight());
  }, 100);
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const attempts = (await prisma.callAttempt.count()) - attempts0;
  const xacts = (await stats()) - xacts0;
  const latencies = [...dialer.engine.launchLatencies].sort((a, b) => a - b);
  await dialer.stop();
  await closeLive();
  const p99 = latencies.length ? (latencies[Math.floor(latencies.length * 0.99)] ?? 0) : 0;
  const results = await prisma.callAttempt.groupBy({ by: ['result'], _count: { _all: true } });
  console.log(`results: ${results.map((r) => `${r.result}=${r._count._all}`).join(' ')}`);
  const causes = await prisma.callAttempt.groupBy({
    by: ['result', 'cause'],
    _count: { _all: true },
    orderBy: { _count: { id: 'desc' } },
    take: 6,
  });
  console.log(`causes: ${causes.map((c) => `${c.result}/${c.cause}=${c._count._all}`).join(' ')}`);
  console.log(
    JSON.stringify({
      bench: 'dialer',
      attemptsPerSec: Math.round((attempts / elapsed) * 10) / 10,
      concurrentCalls: peak,
      decideToOriginateP99Ms: Math.round(p99 * 10) / 10,
      dbTransactionsPerSec: Math.round(xacts / elapsed),
      agents: AGENTS,
      timeScale: TIME_SCALE,
    }),
  );
});
