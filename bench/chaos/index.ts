// The environment first: modules read it when they are imported (setup.ts).
import './setup';
import fs from 'node:fs';
import path from 'node:path';
import { applyMigrations } from '../../app/db/migrate.server';
import { disconnectPrisma, prisma } from '../../app/db/prisma.server';
import { resetEnvCache } from '../../app/env.server';
import { stopBoss } from '../../app/jobs/boss.server';
import {
  countBeyondLimits,
  countDncDialled,
  countDoubleDials,
  countOutsideHours,
  countStuckAttempts,
  countWriteBacks,
} from '../../app/modules/dialing/invariants.server';
import { transitionTask } from '../../app/modules/tasks/tasks.server';
import { seededRng } from '../../app/utils/seeded-random';
import { seedCampaign } from './campaign';
import { startClerk } from './clerk';
import { startChaosCrm } from './crm';
import { chaosPostgres, startFleet } from './processes';
import { chaosSchedule } from './schedule';

// `npm run chaos` (docs/operations.md, "Chaos run"): a time-scaled predictive campaign on the sim
// switch with two dialers and two workers, one of which is killed with SIGKILL and restarted every
// 20–60 s, and PostgreSQL crashed and restarted once; then, from the database and the test CRM's
// record alone, the promises that must have held. Exit code 1 when any was broken.

const dir = process.env.WAIHU_DATA_DIR as string;
const MINUTES = Number(process.env.CHAOS_MINUTES ?? 30);
const SCALE = Number(process.env.CHAOS_SCALE ?? 10);
const SEED = Number(process.env.CHAOS_SEED ?? 1);
const CONTACTS = Number(process.env.CHAOS_CONTACTS ?? 400);
const AGENTS = Number(process.env.CHAOS_AGENTS ?? 12);
const DRAIN_SECONDS = Number(process.env.CHAOS_DRAIN_SECONDS ?? 150);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stdout.write(`${line}\n`);
const started = Date.now();

const pg = await chaosPostgres(path.join(dir, 'cluster'));
process.env.DATABASE_URL = pg.url;
resetEnvCache();
await applyMigrations(pg.url);
const crm = await startChaosCrm();
const campaign = await seedCampaign(crm.url, { contacts: CONTACTS, agents: AGENTS });
say(
  `campaign: ${CONTACTS} contacts (${campaign.nightContacts} at night, ${campaign.dncContacts} on do-not-call), ${campaign.agents} auto-agents`,
);

const fleet = startFleet({
  env: {
    ...process.env,
    WAIHU_AUTO_AGENTS: 'true',
    WAIHU_SIM_TIME_SCALE: String(SCALE),
  },
  logDir: dir,
  roles: ['dialer', 'dialer', 'worker', 'worker'],
});
await fleet.start();
const harnessErrors: string[] = [];
const clerk = startClerk(campaign.projectId, (error) => harnessErrors.push(String(error)));
// Now and then the CRM stores a record and the reply is lost: the worker must send it again under
// the same key, and the CRM must not apply it twice.
const lostReplies = setInterval(() => crm.loseNextReply(), 10_000);

const runMs = (MINUTES * 60_000) / SCALE;
const schedule = chaosSchedule(runMs, SEED);
say(
  `running ${MINUTES} campaign minutes at ${SCALE}x (${Math.round(runMs / 1000)} s): ${schedule.kills.length} kills ` +
    `${schedule.scaled ? `(intervals scaled ×${schedule.factor.toFixed(2)} to fit) ` : ''}and PostgreSQL restarted at ${Math.round(schedule.pgRestartAt / 1000)} s`,
);
const random = seededRng(SEED);
let kills = 0;
let pgRestarts = 0;
const events = [
  ...schedule.kills.map((at) => ({ at, what: 'kill' as const })),
  { at: schedule.pgRestartAt, what: 'pg' as const },
].sort((a, b) => a.at - b.at);
const t0 = Date.now();
for (const event of events) {
  await sleep(Math.max(0, t0 + event.at - Date.now()));
  if (event.what === 'pg') {
    say(`${Math.round((Date.now() - t0) / 1000)} s: PostgreSQL crash (SIGQUIT) and restart`);
    await pg.crashAndRestart(3000);
    pgRestarts++;
  } else {
    const victim = fleet.members[Math.floor(random() * fleet.members.length)];
    if (!victim?.child) continue;
    say(`${Math.round((Date.now() - t0) / 1000)} s: kill -9 ${victim.name} (pid ${victim.child.pid})`);
    await fleet.kill(victim);
    kills++;
  }
}
await sleep(Math.max(0, t0 + runMs - Date.now()));

// The campaign ends: the task stops, calls in flight finish, the dialers stop, the agents' last
// wrap-ups are submitted and the workers deliver what is left (bounded).
say('stopping the task; draining calls, wrap-ups and write-backs…');
await retry(() => transitionTask({ name: 'chaos' }, campaign.taskId, 'stop', 'chaos run over'));
const deadline = Date.now() + DRAIN_SECONDS * 1000;
while (
  Date.now() < deadline &&
  (await retry(() => prisma.callAttempt.count({ where: { projectId: campaign.projectId, endedAt: null } }))) > 0
)
  await sleep(1000);
await fleet.stop('dialer');
while (Date.now() < deadline) {
  const [backlog, undelivered] = await retry(() =>
    Promise.all([clerk.backlog(), prisma.writeBack.count({ where: { projectId: campaign.projectId, state: 'pending' } })]),
  );
  if (backlog === 0 && undelivered === 0) break;
  await sleep(1000);
}
await clerk.stop();
clearInterval(lostReplies);
await fleet.stop();

const id = campaign.projectId;
const [attempts, doubleDials, outsideHours, beyondLimits, dncDialled, stuckAttempts, writeBacks, results] = await Promise.all([
  prisma.callAttempt.count({ where: { projectId: id } }),
  countDoubleDials(id),
  countOutsideHours(id),
  countBeyondLimits(id),
  countDncDialled(id),
  countStuckAttempts(id),
  countWriteBacks(id, crm.applied()),
  prisma.callAttempt.groupBy({ by: ['result'], where: { projectId: id }, _count: { _all: true } }),
]);
say(`results: ${results.map((r) => `${r.result}=${r._count._all}`).join(' ')}`);
const count = (result: string) => results.find((r) => r.result === result)?._count._all ?? 0;
const abandonRate = count('abandoned') / Math.max(1, count('abandoned') + count('connected'));
say(`wrap-ups submitted ${clerk.submitted()}, write-back items ${writeBacks.items}, CRM requests ${crm.deliveries()}`);
const crashes = fleet.crashes();
for (const c of crashes) say(`CRASH ${c}`);
for (const e of harnessErrors.slice(0, 5)) say(`harness: ${e}`);

await stopBoss();
await disconnectPrisma();
await crm.close();
await pg.stop();
const violations =
  doubleDials + outsideHours + beyondLimits + dncDialled + writeBacks.lost + writeBacks.duplicate + stuckAttempts;
if (violations === 0 && !process.env.CHAOS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
else say(`database and logs kept in ${dir}`);
say(
  JSON.stringify({
    bench: 'chaos',
    attempts,
    kills,
    doubleDials,
    outsideHours,
    beyondLimits,
    dncDialled,
    lostWriteBacks: writeBacks.lost,
    duplicateWriteBacks: writeBacks.duplicate,
    stuckAttempts,
    pgRestarts,
    crashes: crashes.length,
    failedStarts: fleet.members.reduce((n, m) => n + m.failedStarts, 0),
    wrapUps: clerk.submitted(),
    crmRequests: crm.deliveries(),
    redeliveries: crm.deliveries() - crm.applied().length,
    abandonRatePct: Math.round(abandonRate * 1000) / 10,
    minutes: MINUTES,
    scale: SCALE,
    seed: SEED,
    seconds: Math.round((Date.now() - started) / 1000),
  }),
);
process.exit(violations > 0 ? 1 : 0);

/** The harness's own queries ride out the moment PostgreSQL is away. */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= 20) throw error;
      await sleep(1000);
    }
  }
}
