import { prisma } from '../app/db/prisma.server';
import { startDialer } from '../app/modules/dialing/dialer.server';
import { closeLive } from '../app/modules/dialing/live.server';
import { createSimSwitch } from '../app/telephony/sim/sim-switch';
import { benchFolder, withBenchDatabase } from './bench-database';
import { benchSwitchOptions, seedDialingFloor } from './dialing-floor';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 500);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 60_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const TIME_SCALE = 50;

const dir = benchFolder('dialer', 5);

await withBenchDatabase(dir, async (_url) => {
  console.log(`inserting ${CONTACTS} contacts (encrypted numbers) and ${AGENTS} agents…`);
  await seedDialingFloor({ contacts: CONTACTS, agents: AGENTS });
  const sw = createSimSwitch(benchSwitchOptions(TIME_SCALE));
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
