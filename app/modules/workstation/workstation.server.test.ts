import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createSimSwitch } from '../../telephony/sim/sim-switch';
import { startDialer } from '../dialing/dialer.server';
import { closeLive, type LiveEvent, subscribeLive } from '../dialing/live.server';
import { dialableTask } from '../dialing/testing.server';
import { TaskInputSchema } from '../tasks/task-schema';
import { createTask, transitionTask } from '../tasks/tasks.server';
import { submitWrapUp } from '../wrapup/wrapup.server';
import { manualDial, previewNext, requestCall, skipPreview } from './agent-dial.server';
import { screenPop } from './screen-pop.server';
import { afterWrapUp, changeState, controlCall, todayCounters, workstationState } from './workstation.server';

// The workstation against a real dialer on the sim switch: a human agent goes ready, the
// predictive task's answered call is bridged to them with a screen-pop that carries the masked
// profile only, the softphone's buttons reach the call, hang-up puts them in wrap-up; preview and
// manual calls go through the gate and come back to the agent who asked.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 21).toString('base64');
const PREFIX = '1381357';
let projectId = '';
let taskId = '';
let agents: string[] = [];
const events: LiveEvent[] = [];
let unsubscribe = () => {};

// Customers who wait for an agent: at a fast time scale their usual few seconds of patience are
// less wall time than a loaded test machine may need to bridge the call.
const PATIENT = { patienceMeanSec: 120 };
const profile = { answer: 1, busy: 0, noAnswer: 0, machine: 0, invalid: 0, ringMeanSec: 2, talkMeanSec: 3600 };
const trunks = [{ id: 'sim-e1-a', capacity: 30 }];
const actor = (id: string) => ({ id, name: `agent-${id.slice(0, 4)}` });

beforeAll(async () => {
  ({ projectId, taskId } = await dialableTask(12, PREFIX));
  const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId } });
  agents = (await prisma.skillGroupMember.findMany({ where: { groupId: task.skillGroupIds[0] } })).map((m) => m.userId);
  unsubscribe = await subscribeLive((e) => events.push(e));
});

afterAll(async () => {
  unsubscribe();
  await closeLive();
});

const popFor = (agentId: string) => events.find((e) => e.topic === 'screenPop' && e.to === agentId);

describe('the workstation on a live dialer', () => {
  it('pops an answered predictive call to the ready agent, drives it, and puts the agent in wrap-up', async () => {
    const dialer = await startDialer({
      dialerId: 'ws-1',
      autoAgents: false,
      softswitch: createSimSwitch({ profile, trunks, timeScale: 5, seed: 7, timings: PATIENT }),
    });
    try {
      const agent = agents[0] as string;
      expect(await changeState(agent, 'pause', 'nonsense')).toEqual({ ok: false, error: 'workstation.pauseReason' });
      expect(await changeState(agent, 'ready')).toEqual({ ok: true, state: 'ready' });
      await expect.poll(() => popFor(agent), { timeout: 20_000, interval: 200 }).toBeTruthy();
      const attemptId = String(popFor(agent)?.data.attemptId);
      expect((await workstationState(agent)).state).toBe('talking');

      const pop = await screenPop(attemptId, agent, 'zh-CN');
      expect(pop?.contact.phoneMasked).toMatch(/^138\*{4}\d{4}$/);
      expect(JSON.stringify(pop)).not.toMatch(new RegExp(`${PREFIX}\\d{4}`));
      expect(pop?.attempt.connectedAt).toBeTruthy();
      // Someone else's call is not theirs to see.
      expect(await screenPop(attemptId, agents[1] as string, 'zh-CN')).toBeNull();
      // Pausing during a call is refused: the call decides.
      expect(await changeState(agent, 'pause', 'break')).toEqual({ ok: false, error: 'workstation.onCall' });

      expect(await controlCall(agent, 'hold')).toEqual({ ok: true });
      await expect
        .poll(() => events.find((e) => e.topic === 'call' && e.to === agent && e.data.held === true), { timeout: 5000 })
        .toBeTruthy();
      expect(await controlCall(agent, 'dtmf', 'x')).toEqual({ ok: false, error: 'workstation.dtmf' });
      expect(await controlCall(agent, 'hangup')).toEqual({ ok: true });
      await expect.poll(async () => (await workstationState(agent)).state, { timeout: 10_000 }).toBe('wrapUp');
      expect((await workstationState(agent)).attemptId).toBe(attemptId);
      const attempt = await prisma.callAttempt.findUniqueOrThrow({ where: { id: attemptId } });
      expect(attempt).toMatchObject({ result: 'connected', agentId: agent, state: 'ended' });
      // Ready waits for the wrap-up of a connected call.
      expect(await changeState(agent, 'ready')).toEqual({ ok: false, error: 'workstation.wrapUpFirst' });
      expect(await todayCounters(agent, 'Asia/Shanghai')).toMatchObject({ calls: 1, connects: 1 });
      expect(await changeState(agent, 'logout')).toEqual({ ok: true, state: 'offline' });
    } finally {
      await dialer.stop();
    }
  }, 60_000);

  it('preview and manual calls go through the gate, to the agent who asked', async () => {
    const preview = await createTask(
      { name: 'supervisor' },
      TaskInputSchema.parse({
        projectId,
        name: '预览',
        condition: { combinator: 'and', rules: [] },
        channel: 'agent',
        dialMode: 'preview',
        skillGroupIds: (await prisma.task.findUniqueOrThrow({ where: { id: taskId } })).skillGroupIds,
      }),
    );
    await transitionTask({ name: 'supervisor' }, preview.id, 'start');
    // The predictive task stops, so only the agent's own calls are made.
    await transitionTask({ name: 'supervisor' }, taskId, 'pause', '只测预览');
    const agent = agents[1] as string;
    const dialer = await startDialer({
      dialerId: 'ws-2',
      autoAgents: false,
      softswitch: createSimSwitch({ profile, trunks, timeScale: 5, seed: 8, timings: PATIENT }),
    });
    try {
      await changeState(agent, 'ready');
      const next = await previewNext(agent, 'zh-CN');
      expect(next?.task.id).toBe(preview.id);
      expect(JSON.stringify(next)).not.toMatch(new RegExp(`${PREFIX}\\d{4}`));
      const contactId = BigInt(next?.contact.id ?? '0');

      // Skipping keeps the contact out of the agent's queue for a while, audited.
      expect(await skipPreview(actor(agent), { taskId: preview.id, contactId, reason: 'wrongTime' })).toEqual({ ok: true });
      expect((await previewNext(agent, 'zh-CN'))?.contact.id).not.toBe(String(contactId));
      expect(await prisma.auditLog.count({ where: { action: 'workstation.skip', target: `contact:${contactId}` } })).toBe(1);

      const call = await requestCall(actor(agent), {
        taskId: preview.id,
        contactId: BigInt((await previewNext(agent, 'zh-CN'))?.contact.id ?? '0'),
        mode: 'preview',
      });
      expect(call.ok).toBe(true);
      if (!call.ok) return;
      expect((await workstationState(agent)).state).toMatch(/reserved|talking/);
      // A second call while one is in hand is refused.
      expect((await requestCall(actor(agent), { taskId: preview.id, contactId, mode: 'preview' })).ok).toBe(false);
      await expect.poll(() => popFor(agent)?.data.attemptId, { timeout: 20_000, interval: 200 }).toBe(call.attemptId);
      const attempt = await prisma.callAttempt.findUniqueOrThrow({ where: { id: call.attemptId } });
      expect(attempt).toMatchObject({ mode: 'preview', requestedBy: agent, agentId: agent, state: 'connected' });
      await controlCall(agent, 'hangup');
      await expect.poll(async () => (await workstationState(agent)).state, { timeout: 10_000 }).toBe('wrapUp');
      const wrapped = await submitWrapUp(
        { ...actor(agent), userId: agent },
        { attemptId: call.attemptId, dispositionCode: 'success.done' },
        new Date(),
        { enqueue: false },
      );
      expect(wrapped.ok).toBe(true);
      await afterWrapUp(agent, call.attemptId);
      expect((await workstationState(agent)).state).toBe('ready');
      expect((await prisma.contact.findUniqueOrThrow({ where: { id: attempt.contactId } })).status).toBe('closed');
      expect(await changeState(agent, 'ready')).toEqual({ ok: true, state: 'ready' });

      // Manual: a typed number becomes a contact of the project (kept encrypted) and is gated like any call.
      const dnc = await manualDial(actor(agent), { taskId: preview.id, phone: `${PREFIX}0000` });
      expect(dnc).toEqual({ ok: false, error: 'workstation.refused', reason: 'dnc' });
      expect(await manualDial(actor(agent), { taskId: preview.id, phone: '12' })).toEqual({
        ok: false,
        error: 'workstation.badNumber',
      });
      const typed = await manualDial(actor(agent), { taskId: preview.id, phone: '139 1357 8888' });
      expect(typed.ok).toBe(true);
      const created = await prisma.contact.findFirstOrThrow({ where: { projectId, name: { startsWith: '手动拨号' } } });
      expect(created.phoneMasked).not.toContain('13913578888');
      expect(created.phoneCipher).not.toContain('13913578888');
      if (typed.ok)
        expect(await prisma.callAttempt.findUniqueOrThrow({ where: { id: typed.attemptId } })).toMatchObject({
          mode: 'manual',
          requestedBy: agent,
        });
    } finally {
      await dialer.stop();
    }
  }, 60_000);
});
