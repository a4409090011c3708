import { prisma } from '../app/db/prisma.server';
import { closeLive, publishLive, subscribeLive } from '../app/modules/dialing/live.server';
import { wallboardSnapshot } from '../app/modules/monitoring/metrics.server';
import { benchFolder, withBenchDatabase } from './bench-database';

// How long a wallboard takes to show an event: NOTIFY → a listening web process (the SSE hop), the
// page's coalescing window, and one snapshot (30 days of attempts grouped in SQL, live state).
// The long windows refresh at most every 30 s (a cold snapshot pays that scan). The browser side (reload + render) was measured in e2e/monitoring.spec.ts (printed there).

const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 300_000);
const TASKS = 20;
const COALESCE_MS = 250; // app/components/monitoring/useLiveSnapshot.ts

const dir = benchFolder('wallboard', 7);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 10) / 10;
};

await withBenchDatabase(dir, async () => {
  console.log(`inserting ${ATTEMPTS} attempts over 30 days on ${TASKS} tasks…`);
  const project = await prisma.project.create({ data: { name: 'bench', type: 'returnVisit', rules: {}, fields: [] } });
  const tasks = await Promise.all(
    Array.from({ length: TASKS }, (_, i) =>
      prisma.task.create({
        data: {
          projectId: project.id,
          name: `bench ${i}`,
          status: 'running',
          channel: 'agent',
          dialMode: 'predictive',
          condition: { combinator: 'and', rules: [] },
          schedule: {},
          pacing: {},
          callerId: {},
          assignment: {},
        },
      }),
    ),
  );
  await prisma.$executeRaw`
    INSERT INTO "CallAttempt" ("id", "taskId", "projectId", "contactId", "rulesVersion", "mode", "state", "result", "trunk",
                               "callerId", "talkSec", "answeredAt", "connectedAt", "endedAt")
    SELECT gen_random_uuid(), (${tasks.map((t) => t.id)}::uuid[])[1 + i % ${TASKS}], ${project.id}::uuid, i, 1, 'predictive', 'ended',
           (ARRAY['connected','connected','abandoned','machine','busy','noAnswer','invalid','failed'])[1 + i % 8],
           'e1-' || (i % 4), '0571' || (i % 50), 60, e - interval '70 seconds', e - interval '69 seconds', e
      FROM generate_series(1, ${ATTEMPTS}::int) AS i, LATERAL (SELECT now() - (i::float / ${ATTEMPTS}) * interval '30 days' AS e) AS x`;
  await prisma.$executeRaw`ANALYZE`;

  const notify: number[] = [];
  let resolveNext: (() => void) | null = null;
  const unsubscribe = await subscribeLive((event) => {
    const sent = Number(event.data.sentAt);
    if (sent) notify.push(performance.now() - sent);
    resolveNext?.();
  });
  for (let i = 0; i < 50; i++) {
    const got = new Promise<void>((r) => {
      resolveNext = r;
    });
    await publishLive({ topic: 'attempt', data: { sentAt: performance.now() } });
    await got;
  }
  unsubscribe();

  const snapshot: number[] = [];
  // The first snapshot scans today and 30 days; later ones reuse that for LONG_WINDOWS_MAX_AGE_MS.
  const coldStart = performance.now();
  await wallboardSnapshot();
  const cold = performance.now() - coldStart;
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    await wallboardSnapshot();
    snapshot.push(performance.now() - start);
  }
  await closeLive();
  const updateP95 = pct(notify, 95) + COALESCE_MS + pct(snapshot, 95);
  console.log(
    JSON.stringify({
      bench: 'wallboard',
      attempts: ATTEMPTS,
      notifyP50Ms: pct(notify, 50),
      notifyP95Ms: pct(notify, 95),
      snapshotP50Ms: pct(snapshot, 50),
      snapshotP95Ms: pct(snapshot, 95),
      snapshotColdMs: Math.round(cold),
      coalesceMs: COALESCE_MS,
      serverUpdateP95Ms: Math.round(updateP95),
    }),
  );
});
