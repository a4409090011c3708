import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { createProject, getProject, updateProject } from '../projects/projects.server';
import { TaskInputSchema } from './task-schema';
import { createTask, previewCount, taskProgress, transitionTask, updateTask } from './tasks.server';
import { insertContacts } from './test-data.server';

const actor = { id: null, name: 'supervisor' };
const SENIOR = { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 60 }] };
let projectId = '';

beforeAll(async () => {
  projectId = (
    await createProject(actor, {
      name: '任务',
      type: 'returnVisit',
      description: '',
      fields: [...FIXED_FIELDS, customField('age', 'number', { label: { zh: '年龄', en: 'Age' } })],
    })
  ).id;
  await insertContacts(projectId, 120);
});

const input = (extra: Record<string, unknown> = {}) =>
  TaskInputSchema.parse({
    projectId,
    name: '六十岁以上回访',
    condition: SENIOR,
    channel: 'agent',
    dialMode: 'predictive',
    ...extra,
  });

describe('tasks', () => {
  it('preview the matching count of a contact condition before saving, and refuse an invalid one', async () => {
    expect(await previewCount(projectId, SENIOR)).toEqual({ ok: true, matching: 40, eligible: 40 });
    await prisma.contact.updateMany({ where: { projectId, name: '客户40' }, data: { dnc: true } });
    expect(await previewCount(projectId, SENIOR)).toEqual({ ok: true, matching: 40, eligible: 39 });
    const bad = await previewCount(projectId, { combinator: 'and', rules: [{ field: 'nope', operator: '=', value: 1 }] });
    expect(bad.ok).toBe(false);
    await expect(
      createTask(actor, input({ condition: { combinator: 'and', rules: [{ field: 'nope', operator: '=', value: 1 }] } })),
    ).rejects.toMatchObject({
      field: 'condition',
    });
  });

  it('move through draft → running ⇄ paused → stopped, audited with who and why, pinning the rules version at start', async () => {
    const task = await createTask(actor, input());
    const started = await transitionTask(actor, task.id, 'start');
    expect(started.status).toBe('running');
    expect(started.rulesVersion).toBe(1);
    // Rules change while the task runs: it keeps version 1 until restarted.
    const project = await getProject(projectId);
    await updateProject(actor, projectId, {
      ...project,
      status: 'active',
      dedupPolicy: 'skip',
      rules: { ...project.rules, noAnswerTimeoutSeconds: 30 },
    } as never);
    await expect(transitionTask(actor, task.id, 'pause', '  ')).rejects.toMatchObject({ code: 'tasks.errors.reasonRequired' });
    const paused = await transitionTask(actor, task.id, 'pause', '投诉率升高');
    expect(paused).toMatchObject({ status: 'paused', statusReason: '投诉率升高', rulesVersion: 1 });
    await expect(updateTask(actor, task.id, input({ name: '改名' }))).resolves.toMatchObject({ name: '改名' });
    expect((await transitionTask(actor, task.id, 'resume')).rulesVersion).toBe(1);
    await expect(transitionTask(actor, task.id, 'start')).rejects.toMatchObject({ code: 'tasks.errors.transition' });
    await expect(updateTask(actor, task.id, input())).rejects.toMatchObject({ code: 'tasks.errors.running' });
    await transitionTask(actor, task.id, 'stop', '名单已过期');
    expect((await transitionTask(actor, task.id, 'restart')).rulesVersion).toBe(2);
    const log = await prisma.auditLog.findMany({ where: { target: task.id }, orderBy: { id: 'asc' } });
    expect(log.map((l) => [l.action, (l.details as { reason?: string } | null)?.reason ?? null])).toEqual([
      ['task.create', null],
      ['task.start', null],
      ['task.pause', '投诉率升高'],
      ['task.update', null],
      ['task.resume', null],
      ['task.stop', '名单已过期'],
      ['task.restart', null],
    ]);
    expect(log.every((l) => l.actor === 'supervisor')).toBe(true);
  });

  it('show live progress: total, not yet attempted, in progress, closed by outcome class, attempts used', async () => {
    const task = await createTask(actor, input({ condition: { combinator: 'and', rules: [] } }));
    await prisma.contact.updateMany({ where: { projectId, name: { in: ['客户1', '客户2'] } }, data: { attempts: 2 } });
    await prisma.contact.updateMany({
      where: { projectId, name: '客户3' },
      data: { attempts: 1, status: 'closed', lastOutcome: 'success.done' },
    });
    const progress = await taskProgress(
      await transitionTask(actor, task.id, 'start'),
      new Date('2030-01-07T02:00:00Z'), // 10:00 in Shanghai: ten hours of the default 09–20 window left
    );
    expect(progress).toMatchObject({
      total: 120,
      notAttempted: 117,
      inProgress: 2,
      closed: 1,
      closedByOutcome: { success: 1 },
      attemptsUsed: 5,
      remainingMinutesToday: 600,
    });
  });
});
