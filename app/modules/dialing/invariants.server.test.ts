import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { importFromApi } from '../lists/api-import.server';
import { addToDnc } from '../lists/dnc.server';
import { TaskInputSchema } from '../tasks/task-schema';
import { createTask } from '../tasks/tasks.server';
import {
  countBeyondLimits,
  countDncDialled,
  countDoubleDials,
  countOutsideHours,
  countStuckAttempts,
  countWriteBacks,
} from './invariants.server';
import { callableProject } from './testing.server';

// The chaos run's checks on hand-built attempt histories: each must count the violation it is for
// (a check that cannot fail proves nothing) and nothing in a clean history.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 21).toString('base64');
const actor = { name: 'test' };
const MIN = 60_000;
// A fixed Monday 10:00 in Shanghai (02:00 UTC): inside 09:00–20:00 there, 03:00 in Etc/GMT-1.
const T0 = new Date('2026-03-02T02:00:00Z');

async function campaign(name: string) {
  const project = await callableProject(actor, name, (r) => ({
    callingHours: { ...r.callingHours, weekly: { mon: [{ from: '09:00', to: '20:00' }] } },
    closingRule: { preset: 'attempts', maxAttempts: 2, withinDays: 10 },
    retryPolicy: { ...r.retryPolicy, busy: 5, noAnswer: 5, failed: 5, abandoned: 5, retry: 30 },
  }));
  const phones = [0, 1, 2].map((i) => `1390000${name.length}${i}${String(name.charCodeAt(0) % 100).padStart(2, '0')}`);
  await importFromApi(
    project.id,
    'k',
    phones.map((phone, i) => ({ name: `c${i}`, phone, age: 70 })),
  );
  const task = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: project.id,
      name: 't',
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'predictive',
    }),
  );
  const contacts = await prisma.contact.findMany({ where: { projectId: project.id }, orderBy: { id: 'asc' } });
  const attempt = async (contact: number, at: Date, minutes: number | null, result = 'noAnswer') =>
    prisma.callAttempt.create({
      data: {
        id: randomUUID(),
        taskId: task.id,
        projectId: project.id,
        contactId: (contacts[contact] as { id: bigint }).id,
        rulesVersion: project.rulesVersion,
        mode: 'predictive',
        state: minutes === null ? 'ringing' : 'failed',
        queuedAt: at,
        dialingAt: at,
        endedAt: minutes === null ? null : new Date(at.getTime() + minutes * MIN),
        result: minutes === null ? null : result,
      },
    });
  return { project, task, contacts, phones, attempt };
}

describe('chaos invariants', () => {
  it('a clean history counts nothing', async () => {
    const c = await campaign('clean');
    await c.attempt(0, T0, 1);
    await c.attempt(0, new Date(T0.getTime() + 10 * MIN), 1);
    await c.attempt(1, T0, 1, 'busy');
    expect(await countDoubleDials(c.project.id)).toBe(0);
    expect(await countOutsideHours(c.project.id)).toBe(0);
    expect(await countBeyondLimits(c.project.id)).toBe(0);
    expect(await countDncDialled(c.project.id)).toBe(0);
    expect(await countStuckAttempts(c.project.id)).toBe(0);
  });

  it('counts a contact dialled twice at once, and an attempt left in flight', async () => {
    const c = await campaign('double');
    await c.attempt(0, T0, 3);
    await c.attempt(0, new Date(T0.getTime() + MIN), null);
    expect(await countDoubleDials(c.project.id)).toBe(1);
    expect(await countStuckAttempts(c.project.id)).toBe(1);
  });

  it('counts a call outside the window in the contact’s own time zone', async () => {
    const c = await campaign('hours');
    await prisma.contact.update({ where: { id: (c.contacts[1] as { id: bigint }).id }, data: { timeZone: 'Etc/GMT-1' } });
    await c.attempt(0, T0, 1);
    await c.attempt(1, T0, 1);
    await c.attempt(2, new Date('2026-03-03T02:00:00Z'), 1); // a Tuesday: no window at all
    expect(await countOutsideHours(c.project.id)).toBe(2);
  });

  it('counts attempts beyond the limit, before the retry interval, and after a closing wrap-up', async () => {
    const c = await campaign('limits');
    await c.attempt(0, T0, 1);
    await c.attempt(0, new Date(T0.getTime() + 10 * MIN), 1);
    await c.attempt(0, new Date(T0.getTime() + 20 * MIN), 1); // a third of two
    await c.attempt(1, T0, 1, 'busy');
    await c.attempt(1, new Date(T0.getTime() + 2 * MIN), 1); // busy asks for 5 minutes
    const won = await c.attempt(2, T0, 1, 'connected');
    await prisma.wrapUp.create({
      data: {
        attemptId: won.id,
        taskId: c.task.id,
        projectId: c.project.id,
        contactId: won.contactId,
        dispositionCode: 'success.done',
        outcome: 'success',
        decision: {},
        startedAt: T0,
      },
    });
    await c.attempt(2, new Date(T0.getTime() + 60 * MIN), 1); // the case was closed
    expect(await countBeyondLimits(c.project.id)).toBe(3);
  });

  it('counts a number dialled after it went on the do-not-call list, not before', async () => {
    const c = await campaign('dnc');
    await c.attempt(0, new Date(Date.now() - 60 * MIN), 1);
    await addToDnc(actor, 'global', [c.phones[0] as string], 'manual');
    await addToDnc(actor, c.project.id, [c.phones[1] as string], 'manual');
    await c.attempt(0, new Date(Date.now() + MIN), 1);
    await c.attempt(1, new Date(Date.now() + MIN), 1);
    expect(await countDncDialled(c.project.id)).toBe(2);
  });

  it('counts a write-back the CRM never applied, and one it applied twice under two keys', async () => {
    const c = await campaign('crm');
    const installation = randomUUID();
    const item = (key: string) =>
      prisma.writeBack.create({
        data: {
          wrapUpId: randomUUID(),
          projectId: c.project.id,
          installationId: installation,
          kind: 'result',
          idempotencyKey: key,
          payload: {},
        },
      });
    await item('w1:result:1');
    await item('w2:result:1');
    const applied = [
      { idempotencyKey: 'w1:result:1', callId: 'call-1', kind: 'result' as const },
      { idempotencyKey: 'w3:result:1', callId: 'call-1', kind: 'result' as const },
    ];
    expect(await countWriteBacks(c.project.id, applied)).toEqual({ items: 2, lost: 1, duplicate: 1 });
    expect(
      await countWriteBacks(c.project.id, [...applied, { idempotencyKey: 'w2:result:1', callId: 'call-2', kind: 'result' }]),
    ).toEqual({ items: 2, lost: 0, duplicate: 1 });
  });
});
