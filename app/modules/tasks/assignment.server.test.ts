import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { createProject } from '../projects/projects.server';
import { saveSkillGroup } from '../projects/skill-groups.server';
import { saveSchedule } from './agents.server';
import { rebalanceWhereAgentsLeft, runAssignment } from './assignment.server';
import { refreshDialPriorities } from './dial-priority.server';
import { agentsForTask, eligibleContacts } from './dispatch.server';
import { assignManually, assignmentSummary, takeBack } from './manual-assignment.server';
import { TaskInputSchema } from './task-schema';
import { createTask, transitionTask, updateTask } from './tasks.server';
import { insertContacts } from './test-data.server';

const actor = { name: 'supervisor' };
const EVERY_DAY = (from: string, to: string) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from, to }]]));
const SENIOR = { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 60 }] };

let projectId = '';
const agents = {} as Record<'full' | 'half' | 'none' | 'senior', string>;
let groupId = '';
let seniorGroupId = '';

beforeAll(async () => {
  projectId = (
    await createProject(actor, {
      name: '分配',
      type: 'returnVisit',
      description: '',
      fields: [...FIXED_FIELDS, customField('age', 'number', { label: { zh: '年龄', en: 'Age' } })],
    })
  ).id;
  await insertContacts(projectId, 300);
  for (const key of ['full', 'half', 'none', 'senior'] as const) agents[key] = (await insertUser('agent', `a-${key}`)).id;
  await saveSchedule(actor, agents.full, { weekly: EVERY_DAY('09:00', '17:00'), exceptions: [] });
  await saveSchedule(actor, agents.half, { weekly: EVERY_DAY('09:00', '13:00'), exceptions: [] });
  await saveSchedule(actor, agents.senior, { weekly: EVERY_DAY('09:00', '17:00'), exceptions: [] });
  const member = (userId: string) => ({ userId, proficiency: 3 });
  groupId = (
    await saveSkillGroup(actor, { name: '回访组', description: '', members: [agents.full, agents.half, agents.none].map(member) })
  ).id;
  seniorGroupId = (await saveSkillGroup(actor, { name: '资深组', description: '', members: [member(agents.senior)] })).id;
});

// Workload counts across tasks (the default weight formula uses it): each test starts with none.
afterEach(async () => {
  await prisma.taskAssignment.deleteMany();
});

async function task(assignment: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return createTask(
    actor,
    TaskInputSchema.parse({
      projectId,
      name: `任务 ${Math.random()}`,
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'preview',
      skillGroupIds: [groupId],
      assignment,
      ...extra,
    }),
  );
}

const counts = async (taskId: string) =>
  Object.fromEntries((await assignmentSummary(taskId)).map((r) => [r.agentId, { total: r.total, manual: r.manual }]));

describe('even automatic assignment', () => {
  it('follows the schedules: twice the hours gets twice the contacts, an agent without shifts gets none', async () => {
    const t = await task({ mode: 'even' });
    const result = await runAssignment(actor, t.id);
    expect(result.assigned).toBe(300);
    const c = await counts(t.id);
    expect(c[agents.full]?.total).toBe(200);
    expect(c[agents.half]?.total).toBe(100);
    expect(c[agents.none]).toBeUndefined();
    // The run is recorded with its counts per agent.
    const run = await prisma.assignmentRun.findUniqueOrThrow({ where: { id: result.runId! } });
    expect(run.perAgent).toEqual({ [agents.full]: 200, [agents.half]: 100 });
  });

  it('a dry run shows what would happen and changes nothing', async () => {
    const t = await task({ mode: 'even' });
    const preview = await runAssignment(actor, t.id, { dryRun: true });
    expect(preview.perAgent.map((a) => a.count)).toEqual([200, 100]);
    expect(await prisma.taskAssignment.count({ where: { taskId: t.id } })).toBe(0);
    expect(await prisma.assignmentRun.count({ where: { taskId: t.id, dryRun: true } })).toBe(1);
  });

  it('keeps manual assignments through an automatic rebalance, and takes contacts back on request', async () => {
    const t = await task({ mode: 'even' });
    const first = await prisma.contact.findMany({ where: { projectId }, orderBy: { id: 'asc' }, take: 30, select: { id: true } });
    // The unscheduled agent gets 30 by hand: automatic runs never give it any, but keep these.
    expect(
      await assignManually(
        actor,
        t.id,
        first.map((c) => c.id),
        agents.none,
      ),
    ).toBe(30);
    await runAssignment(actor, t.id);
    const rebalanced = await runAssignment(actor, t.id, { rebalance: true });
    expect(rebalanced.keptManual).toBe(30);
    const c = await counts(t.id);
    expect(c[agents.none]).toEqual({ total: 30, manual: 30 });
    expect(c[agents.full]!.total + c[agents.half]!.total).toBe(270);
    expect(c[agents.full]!.total).toBe(180);
    expect(
      await takeBack(
        actor,
        t.id,
        first.slice(0, 10).map((x) => x.id),
      ),
    ).toBe(10);
    expect((await counts(t.id))[agents.none]).toEqual({ total: 20, manual: 20 });
    // Clearing manual assignments on rebalance hands everything out by the rule again.
    await runAssignment(actor, t.id, { rebalance: true, clearManual: true });
    expect((await counts(t.id))[agents.none]).toBeUndefined();
  });

  it('rebalances away from an agent who is absent (a day-off exception over the whole period)', async () => {
    const t = await task({ mode: 'even' }, { schedule: { startDate: '2030-01-07', endDate: '2030-01-08', windows: [] } });
    await runAssignment(actor, t.id);
    expect((await counts(t.id))[agents.half]?.total).toBe(100);
    await saveSchedule(actor, agents.half, {
      weekly: EVERY_DAY('09:00', '13:00'),
      exceptions: [
        { date: '2030-01-07', shifts: [], note: '病假' },
        { date: '2030-01-08', shifts: [], note: '病假' },
      ],
    });
    const result = await runAssignment(actor, t.id, { rebalance: true });
    expect(result.released).toBe(300);
    const c = await counts(t.id);
    expect(c[agents.half]).toBeUndefined();
    expect(c[agents.full]?.total).toBe(300);
    await saveSchedule(actor, agents.half, { weekly: EVERY_DAY('09:00', '13:00'), exceptions: [] });
  });
});

describe('changing the selection', () => {
  it('releases the contacts the new condition no longer includes', async () => {
    const t = await task({ mode: 'even' });
    await runAssignment(actor, t.id);
    const input = TaskInputSchema.parse({
      projectId,
      name: t.name,
      condition: SENIOR,
      channel: 'agent',
      dialMode: 'preview',
      skillGroupIds: [groupId],
      assignment: { mode: 'even' },
    });
    await updateTask(actor, t.id, input);
    expect(await prisma.taskAssignment.count({ where: { taskId: t.id } })).toBe(100);
  });
});

describe('the periodic rebalance', () => {
  it('moves the contacts of an agent who left to the others, and leaves balanced tasks alone', async () => {
    const t = await task({ mode: 'even' });
    await runAssignment(actor, t.id);
    await transitionTask(actor, t.id, 'start');
    expect(await rebalanceWhereAgentsLeft()).toEqual([]);
    await prisma.user.update({ where: { id: agents.half }, data: { active: false } });
    try {
      expect(await rebalanceWhereAgentsLeft()).toEqual([t.id]);
      const c = await counts(t.id);
      expect(c[agents.half]).toBeUndefined();
      expect(c[agents.full]?.total).toBe(300);
    } finally {
      await prisma.user.update({ where: { id: agents.half }, data: { active: true } });
      await transitionTask(actor, t.id, 'stop', '测试结束');
    }
  });
});

describe('segment rules', () => {
  it('send matching contacts to their group and the rest to the fallback', async () => {
    const t = await task({
      mode: 'segments',
      segments: [{ condition: SENIOR, skillGroupIds: [seniorGroupId], label: '60+' }],
      fallback: { skillGroupIds: [groupId], agentIds: [] },
    });
    const result = await runAssignment(actor, t.id);
    expect(result.perSegment).toEqual([
      { label: '60+', count: 100 },
      { label: 'fallback', count: 200 },
    ]);
    const ages = async (agentId: string) =>
      (
        await prisma.$queryRaw<{ age: number }[]>`
        SELECT (c."fields"->>'age')::int AS age FROM "TaskAssignment" a JOIN "Contact" c ON c."id" = a."contactId"
        WHERE a."taskId" = ${t.id}::uuid AND a."agentId" = ${agentId}::uuid`
      ).map((r) => r.age);
    expect((await ages(agents.senior)).every((a) => a >= 60)).toBe(true);
    expect(await ages(agents.senior)).toHaveLength(100);
    const juniors = [...(await ages(agents.full)), ...(await ages(agents.half))];
    expect(juniors).toHaveLength(200);
    expect(juniors.every((a) => a < 60)).toBe(true);
  });
});

describe('custom score formula', () => {
  it('gives each contact to the best-scoring agent that still has room', async () => {
    // Seniors (age ≥ 60) score highest with the half-time agent; everyone else with the full-time one.
    const t = await task({
      mode: 'formula',
      scoreFormula: 'age >= 60 ? (scheduledHours < 40 ? 10 : 0) : (scheduledHours >= 40 ? 10 : 0)',
    });
    await runAssignment(actor, t.id);
    const rows = await prisma.$queryRaw<{ agentId: string; seniors: bigint; total: bigint }[]>`
      SELECT a."agentId"::text AS "agentId", count(*) FILTER (WHERE (c."fields"->>'age')::int >= 60) AS seniors, count(*) AS total
      FROM "TaskAssignment" a JOIN "Contact" c ON c."id" = a."contactId" WHERE a."taskId" = ${t.id}::uuid GROUP BY 1`;
    const by = Object.fromEntries(rows.map((r) => [r.agentId, { seniors: Number(r.seniors), total: Number(r.total) }]));
    expect(by[agents.half]).toEqual({ seniors: 100, total: 100 });
    expect(by[agents.full]).toEqual({ seniors: 0, total: 200 });
  });
});

describe('running, pausing and handing out', () => {
  it("a paused task's contacts are not handed out; resumed, they are again", async () => {
    const t = await task({ mode: 'even' });
    await runAssignment(actor, t.id);
    expect(await eligibleContacts(t.id, { agentId: agents.full })).toEqual([]); // still a draft
    await transitionTask(actor, t.id, 'start');
    expect((await eligibleContacts(t.id, { agentId: agents.full, limit: 500 })).length).toBe(200);
    await transitionTask(actor, t.id, 'pause', '客户投诉，暂停核查');
    expect(await eligibleContacts(t.id, { agentId: agents.full })).toEqual([]);
    expect(await agentsForTask(t.id)).toEqual([]);
    await transitionTask(actor, t.id, 'resume');
    expect((await eligibleContacts(t.id, { agentId: agents.half, limit: 500 })).length).toBe(100);
  });

  it('a pool task hands out contacts nobody holds, to any agent of its groups', async () => {
    const t = await task({ mode: 'pool' }, { dialMode: 'predictive' });
    await transitionTask(actor, t.id, 'start');
    expect((await eligibleContacts(t.id, { limit: 1000 })).length).toBe(300);
    await expect(runAssignment(actor, t.id)).rejects.toMatchObject({ code: 'tasks.assign.poolMode' });
  });
});

describe('dialling priority formula', () => {
  const ages = async (ids: { contactId: bigint }[]) =>
    (await prisma.contact.findMany({ where: { id: { in: ids.map((c) => c.contactId) } }, select: { id: true, fields: true } }))
      .sort((a, b) => ids.findIndex((c) => c.contactId === a.id) - ids.findIndex((c) => c.contactId === b.id))
      .map((c) => (c.fields as { age: number }).age);

  it('orders contacts by the formula, never-called before retries, and rescores a changed contact', async () => {
    const t = await task({ mode: 'pool', priorityFormula: 'age >= 60 ? 100 + age : age' }, { dialMode: 'predictive' });
    await transitionTask(actor, t.id, 'start');
    expect(await refreshDialPriorities(t.id)).toEqual({ scored: 300, failed: 0 });
    const first = await eligibleContacts(t.id, { limit: 300 });
    const order = await ages(first);
    expect(order.slice(0, 5)).toEqual([79, 79, 79, 79, 79]);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    // A retry waits behind every contact never called, whatever its score.
    const oldest = first[0]!.contactId;
    await prisma.contact.update({ where: { id: oldest }, data: { attempts: 1 } });
    expect((await eligibleContacts(t.id, { limit: 300 })).at(-1)?.contactId).toBe(oldest);
    // An edited contact is scored again by the next refresh, and only it.
    const young = first.at(-1)!.contactId;
    const row = await prisma.contact.findUniqueOrThrow({ where: { id: young } });
    await prisma.contact.update({ where: { id: young }, data: { fields: { ...(row.fields as object), age: 99 } } });
    expect(await refreshDialPriorities(t.id)).toEqual({ scored: 2, failed: 0 });
    expect((await eligibleContacts(t.id, { limit: 1 }))[0]?.contactId).toBe(young);
    await transitionTask(actor, t.id, 'stop', '测试结束');
  });

  it('refuses a formula that does not fit the contact fields, and a new formula drops the old scores', async () => {
    await expect(task({ mode: 'pool', priorityFormula: 'income * 2' }, { dialMode: 'predictive' })).rejects.toMatchObject({
      field: 'priorityFormula',
    });
    const t = await task({ mode: 'pool', priorityFormula: 'age' }, { dialMode: 'predictive' });
    await transitionTask(actor, t.id, 'start');
    await refreshDialPriorities(t.id);
    await transitionTask(actor, t.id, 'pause', '改公式');
    const input = TaskInputSchema.parse({
      projectId,
      name: t.name,
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'predictive',
      skillGroupIds: [groupId],
      assignment: { mode: 'pool', priorityFormula: '-age' },
    });
    await updateTask(actor, t.id, input);
    expect(await prisma.taskContactPriority.count({ where: { taskId: t.id } })).toBe(0);
    await transitionTask(actor, t.id, 'resume');
    await refreshDialPriorities(t.id);
    expect(await ages(await eligibleContacts(t.id, { limit: 3 }))).toEqual([20, 20, 20]);
    await transitionTask(actor, t.id, 'stop', '测试结束');
  });
});

describe('never two agents for one contact', () => {
  it('holds under concurrent automatic runs and manual moves', async () => {
    const t = await task({ mode: 'even' });
    const ids = (await prisma.contact.findMany({ where: { projectId }, take: 50, select: { id: true } })).map((c) => c.id);
    await Promise.all([
      runAssignment(actor, t.id),
      runAssignment(actor, t.id),
      runAssignment(actor, t.id, { rebalance: true }),
      assignManually(actor, t.id, ids, agents.senior),
      assignManually(actor, t.id, ids, agents.none),
    ]);
    const [row] = await prisma.$queryRaw<{ rows: bigint; contacts: bigint }[]>`
      SELECT count(*) AS rows, count(DISTINCT "contactId") AS contacts FROM "TaskAssignment" WHERE "taskId" = ${t.id}::uuid`;
    expect(Number(row!.rows)).toBe(300);
    expect(Number(row!.contacts)).toBe(300);
    // The database itself refuses a second agent for the same contact.
    await expect(
      prisma.taskAssignment.create({ data: { taskId: t.id, contactId: ids[0]!, agentId: agents.full } }),
    ).rejects.toThrow();
  });
});
