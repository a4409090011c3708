import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createSimSwitch } from '../../telephony/sim/sim-switch';
import { transitionTask } from '../tasks/tasks.server';
import { startDialer } from './dialer.server';
import { closeLive, publishLive, subscribeLive } from './live.server';
import { dialableTask, overlappingAttempts } from './testing.server';

// What the chaos run (npm run chaos) found: a dialer whose task-lock connection dropped crashed the
// process; a task stopped while its dialer was dead kept that dialer's calls in flight for ever; a
// launch admitted but never dialled held its contact. Each is fixed; these keep them fixed.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 13).toString('base64');
afterAll(closeLive);

const PATIENT = { patienceMeanSec: 120 };
const profile = { answer: 0.6, busy: 0.1, noAnswer: 0.15, machine: 0.1, invalid: 0.05, ringMeanSec: 8, talkMeanSec: 30 };
const trunks = [{ id: 'sim-e1-a', capacity: 30 }];
const sim = (seed: number) => createSimSwitch({ profile, trunks, timeScale: 40, seed, timings: PATIENT });
const actor = { name: 'test' };

/** Cuts the connections holding advisory locks, as a PostgreSQL restart or a network cut would. */
async function cutLockConnections(): Promise<number> {
  const rows = await prisma.$queryRaw<{ ok: boolean }[]>`
    SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
  return rows.length;
}

describe('dialer recovery', () => {
  it('a dialer whose lock connection drops ends its calls, takes the task again and keeps dialling', async () => {
    const { taskId } = await dialableTask(40, '1391115');
    const dialer = await startDialer({ dialerId: 'd-cut', autoAgents: true, softswitch: sim(5) });
    await expect
      .poll(() => prisma.callAttempt.count({ where: { taskId, endedAt: { not: null } } }), { timeout: 20_000, interval: 300 })
      .toBeGreaterThan(3);
    expect(await cutLockConnections()).toBeGreaterThan(0);
    const before = await prisma.callAttempt.count({ where: { taskId } });
    // The process is still alive and dialling: it connected again and took the task back.
    await expect
      .poll(() => prisma.callAttempt.count({ where: { taskId } }), { timeout: 20_000, interval: 300 })
      .toBeGreaterThan(before);
    await dialer.stop();
    const attempts = await prisma.callAttempt.findMany({ where: { taskId } });
    expect(overlappingAttempts(attempts)).toEqual([]);
    expect(attempts.filter((a) => a.endedAt === null)).toEqual([]);
    expect(await prisma.activeCall.count({ where: { taskId } })).toBe(0);
  }, 60_000);

  it('what a dead dialer left in flight on a task stopped since is ended by a live dialer', async () => {
    const { taskId, projectId } = await dialableTask(6, '1391116');
    const contacts = await prisma.contact.findMany({ where: { projectId, dnc: false }, take: 2 });
    const rulesVersion = (await prisma.task.findUniqueOrThrow({ where: { id: taskId } })).rulesVersion ?? 1;
    // A call the dead dialer had ringing, and a launch it had admitted but not yet dialled.
    const ringing = randomUUID();
    const admitted = randomUUID();
    for (const [id, contact, state] of [
      [ringing, contacts[0], 'ringing'],
      [admitted, contacts[1], 'queued'],
    ] as const) {
      await prisma.callAttempt.create({
        data: {
          id,
          taskId,
          projectId,
          contactId: contact?.id as bigint,
          rulesVersion,
          mode: 'predictive',
          state,
          dialerId: state === 'queued' ? null : 'd-dead',
          dialingAt: state === 'queued' ? null : new Date(),
        },
      });
      await prisma.activeCall.create({ data: { contactId: contact?.id as bigint, attemptId: id, taskId } });
    }
    await transitionTask(actor, taskId, 'stop', 'test over');
    const dialer = await startDialer({ dialerId: 'd-live', autoAgents: false, softswitch: sim(6) });
    await expect
      .poll(() => prisma.callAttempt.count({ where: { taskId, endedAt: null } }), { timeout: 20_000, interval: 500 })
      .toBe(0);
    await dialer.stop();
    const ended = await prisma.callAttempt.findMany({ where: { id: { in: [ringing, admitted] } }, orderBy: { state: 'asc' } });
    expect(ended.map((a) => [a.id, a.result, a.cause])).toEqual(
      expect.arrayContaining([
        [ringing, 'failed', 'DIALER_LOST'],
        // Never dialled: not an attempt on the contact.
        [admitted, 'notPlaced', 'NOT_DIALED'],
      ]),
    );
    expect(await prisma.activeCall.count({ where: { taskId } })).toBe(0);
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: contacts[1]?.id as bigint } })).attempts).toBe(0);
  }, 60_000);

  it('the live-events listener comes back after its connection is cut', async () => {
    const received: string[] = [];
    const unsubscribe = await subscribeLive((e) => received.push(String(e.data.n)));
    await prisma.$queryRaw`
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`;
    await expect
      .poll(
        async () => {
          await publishLive({ topic: 'task', data: { n: 'after' } });
          return received.includes('after');
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);
    unsubscribe();
  }, 30_000);
});
