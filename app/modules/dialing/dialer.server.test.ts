import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createSimSwitch } from '../../telephony/sim/sim-switch';
import { startDialer } from './dialer.server';
import { closeLive, publishLive } from './live.server';
import { setAgentState } from './presence.server';
import { dialableTask, overlappingAttempts } from './testing.server';

// The dialer end to end on the embedded sim switch (fast time scale) and a real PostgreSQL: a
// predictive task with auto-agents dials its contacts, connects human answers to agents, never
// calls a DNC contact, never has two attempts of one contact in flight, and a second dialer takes
// the task over when the first one stops.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 12).toString('base64');
let projectId = '';
let taskId = '';

beforeAll(async () => {
  ({ projectId, taskId } = await dialableTask(40, '1391112'));
});

afterAll(closeLive);

// Customers wait for an agent: at 40× their usual few seconds of patience are less wall time than a
// loaded test machine may need to bridge a call.
const PATIENT = { patienceMeanSec: 120 };
const profile = { answer: 0.6, busy: 0.1, noAnswer: 0.15, machine: 0.1, invalid: 0.05, ringMeanSec: 8, talkMeanSec: 30 };
const trunks = [
  { id: 'sim-e1-a', capacity: 30 },
  { id: 'sim-e1-b', capacity: 30 },
];

describe('the dialer on the sim switch', () => {
  it('dials the task, connects answers to agents, respects DNC, and hands over to a second dialer', async () => {
    const first = await startDialer({
      dialerId: 'd-one',
      autoAgents: true,
      softswitch: createSimSwitch({ profile, trunks, timeScale: 40, seed: 1, timings: PATIENT }),
    });
    await expect
      .poll(() => prisma.callAttempt.count({ where: { taskId, endedAt: { not: null } } }), { timeout: 20_000, interval: 500 })
      .toBeGreaterThan(5);
    // A second dialer (without the demo's auto-agents) starts once the first owns the task.
    const second = await startDialer({
      dialerId: 'd-two',
      autoAgents: false,
      softswitch: createSimSwitch({ profile, trunks, timeScale: 40, seed: 2, timings: PATIENT }),
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Only the owner of the task's lock dials it.
    const dialers = await prisma.callAttempt.findMany({ where: { taskId }, distinct: ['dialerId'], select: { dialerId: true } });
    expect(dialers.map((d) => d.dialerId).filter(Boolean)).toHaveLength(1);
    const owner = dialers[0]?.dialerId;
    const [stay, leave] = owner === 'd-one' ? [second, first] : [first, second];
    await leave.stop();
    // Its auto-agents were left in wrap-up by the calls it ended; they finish their wrap-ups (on a
    // slow machine all three can be busy at that moment, and nobody would be free to dial for).
    const members = await prisma.skillGroupMember.findMany({ where: { group: { name: `dialer-${projectId}` } } });
    for (const m of members) await setAgentState(m.userId, 'ready', { auto: true });
    const before = await prisma.callAttempt.count({ where: { taskId } });
    await expect
      .poll(() => prisma.callAttempt.count({ where: { taskId, dialerId: stay.dialerId } }), { timeout: 20_000, interval: 500 })
      .toBeGreaterThan(0);
    expect(await prisma.callAttempt.count({ where: { taskId } })).toBeGreaterThan(before);
    await stay.stop();

    const attempts = await prisma.callAttempt.findMany({ where: { taskId } });
    const dnc = await prisma.contact.findMany({ where: { projectId, dnc: true }, select: { id: true } });
    expect(dnc).toHaveLength(2);
    expect(attempts.filter((a) => dnc.some((c) => c.id === a.contactId))).toEqual([]);
    expect(overlappingAttempts(attempts)).toEqual([]);
    const connected = attempts.filter((a) => a.result === 'connected');
    expect(connected.length).toBeGreaterThan(0);
    expect(connected.every((a) => a.agentId && a.amd === 'human')).toBe(true);
    // Stopping a dialer ends what it had in flight; answered calls end as answered (ended), others failed.
    expect(attempts.filter((a) => a.endedAt === null)).toEqual([]);
    for (const a of attempts) expect(a.state).toBe(a.amd ? 'ended' : 'failed');
  }, 60_000);
});

describe('lines for a round', () => {
  it('skips caller IDs that reached their daily cap', async () => {
    const { DialerEngine } = await import('./engine.server');
    const { getTask } = await import('../tasks/tasks.server');
    const sw = createSimSwitch({ profile, trunks, timeScale: 1, seed: 3 });
    const engine = new DialerEngine(sw, 'd-caps', sw.clock);
    const t = await getTask(taskId);
    const task = {
      ...t,
      running: true,
      selection: t.condition,
      dialMode: 'predictive' as const,
      trunks: ['sim-e1-a'],
      callerIds: ['0571000001', '0571000002'],
      callerIdCaps: { '0571000001': 1 },
      noAnswerTimeoutSec: 25,
      rulesVersion: t.rulesVersion ?? 1,
    };
    const contact = await prisma.contact.findFirstOrThrow({ where: { projectId } });
    await prisma.callAttempt.create({
      data: {
        taskId,
        projectId,
        contactId: contact.id,
        rulesVersion: 1,
        mode: 'predictive',
        state: 'failed',
        callerId: '0571000001',
        dialingAt: new Date(),
        endedAt: new Date(),
        result: 'busy',
      },
    });
    // Only what usableLines reads matters here.
    const lines = await engine.usableLines(task as never);
    expect(lines).toEqual({ trunks: ['sim-e1-a'], callerIds: ['0571000002'] });
    engine.close();
    await sw.close();
  });
});

describe('people on workstations and the pacer', () => {
  it('an agent who submits a wrap-up (ready) or pauses is reported to the pacer, as auto-agents are', async () => {
    const dialer = await startDialer({
      dialerId: 'd-people',
      autoAgents: false,
      softswitch: createSimSwitch({ profile, trunks, timeScale: 1, seed: 4 }),
    });
    const ready = vi.spyOn(dialer.engine, 'agentReady');
    const left = vi.spyOn(dialer.engine, 'agentLeft');
    try {
      const person = crypto.randomUUID();
      await publishLive({ topic: 'agent', data: { userId: person, state: 'ready' } });
      await expect.poll(() => ready.mock.calls.map((c) => c[1]), { timeout: 10_000 }).toContain(person);
      await publishLive({ topic: 'agent', data: { userId: person, state: 'paused', pauseReason: 'break' } });
      await expect.poll(() => left.mock.calls.map((c) => c[1]), { timeout: 10_000 }).toContain(person);
      // Other states (reserved, talking, wrap-up) say nothing about coming back.
      await publishLive({ topic: 'agent', data: { userId: 'someone-else', state: 'wrapUp' } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([...ready.mock.calls, ...left.mock.calls].map((c) => c[1])).not.toContain('someone-else');
    } finally {
      await dialer.stop();
    }
  }, 30_000);
});
