import { afterAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createSimSwitch } from '../../telephony/sim/sim-switch';
import { rulesVersion } from '../projects/projects.server';
import { getTask } from '../tasks/tasks.server';
import { markAnswered } from './attempts.server';
import { DialerEngine, type EngineTask } from './engine.server';
import { admit } from './gate.server';
import { closeLive } from './live.server';
import { reserveAgent } from './presence.server';
import { dialableTask } from './testing.server';

// The chaos run (seed 3) saw a dialer die while PostgreSQL restarted: a customer answered, writing
// the answer failed, finding an agent failed first, and the answer's failed write was left an
// unhandled rejection — which ends a Node process and every call on it.

vi.mock('./attempts.server', async (original) => ({
  ...(await original<typeof import('./attempts.server')>()),
  markAnswered: vi.fn(async () => {
    throw new Error('database away');
  }),
}));
vi.mock('./presence.server', async (original) => ({
  ...(await original<typeof import('./presence.server')>()),
  reserveAgent: vi.fn(async () => {
    throw new Error('database away');
  }),
}));

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 15).toString('base64');
afterAll(closeLive);

describe('the engine while the database is away', () => {
  it('an answered call whose writes fail is logged, not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const collect = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', collect);
    const { taskId, projectId } = await dialableTask(4, '1391117');
    const sw = createSimSwitch({
      profile: { answer: 1, busy: 0, noAnswer: 0, machine: 0, invalid: 0, ringMeanSec: 1, talkMeanSec: 30 },
      trunks: [{ id: 'sim-e1-a', capacity: 5 }],
      timeScale: 40,
      seed: 7,
    });
    const engine = new DialerEngine(sw, 'd-away', sw.clock);
    const t = await getTask(taskId);
    const task = {
      ...t,
      running: true,
      selection: t.condition,
      dialMode: 'predictive',
      trunks: ['sim-e1-a'],
      callerIds: ['0571000001'],
      noAnswerTimeoutSec: 25,
      rulesVersion: t.rulesVersion ?? 1,
      rules: await rulesVersion(projectId, t.rulesVersion ?? 1),
    } as unknown as EngineTask;
    const contact = await prisma.contact.findFirstOrThrow({ where: { projectId, dnc: false } });
    const admitted = await admit(task, contact.id, 'predictive');
    if (!admitted.ok) throw new Error(`not admitted: ${admitted.reason}`);
    expect(await engine.launch(task, admitted.attemptId, contact.id)).toBe(true);
    await expect.poll(() => vi.mocked(reserveAgent).mock.calls.length, { timeout: 10_000, interval: 100 }).toBeGreaterThan(0);
    await engine.drain();
    await new Promise((r) => setTimeout(r, 200));
    process.off('unhandledRejection', collect);
    expect(vi.mocked(markAnswered)).toHaveBeenCalled();
    expect(unhandled).toEqual([]);
    await engine.endAll('TEST_OVER');
    engine.close();
    await sw.close();
  });
});
