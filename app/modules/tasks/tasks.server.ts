import { prisma } from '../../db/prisma.server';
import type { Prisma, Task } from '../../generated/prisma/client';
import { type Condition, checkCondition, checkFormula, type RuleError } from '../../rules';
import { type AuditActor, audit } from '../audit/audit.server';
import { contactScope } from '../lists/contact-scope';
import { contactFilterSql } from '../lists/contacts.server';
import { flattenDispositions } from '../projects/dispositions';
import { getProject, rulesVersion } from '../projects/projects.server';
import { AGENT_WEIGHT_SCOPE, scoreScope } from './assignment-scope';
import { needsReason, nextStatus, pinsRules, type TaskAction, type TaskStatus } from './lifecycle';
import { remainingMinutesToday } from './progress';
import {
  AssignmentSettingsSchema,
  CallerIdSchema,
  type Channel,
  type DialMode,
  OnlineSchema,
  PacingSchema,
  RobotSchema,
  type TaskInput,
  TaskScheduleSchema,
} from './task-schema';

// Tasks (任务): settings, contact selection, lifecycle (audited with who and why), live progress.

export class TaskNotFound extends Error {}

export class TaskInvalid extends Error {
  constructor(
    readonly field: string,
    readonly errors: RuleError[] = [],
    readonly code = `tasks.errors.${field}`,
  ) {
    super(`task ${field} is invalid`);
  }
}

export class TransitionRefused extends Error {
  constructor(readonly code: 'tasks.errors.transition' | 'tasks.errors.reasonRequired') {
    super(code);
  }
}

/** A task with its JSON settings typed. */
export function taskView(t: Task) {
  return {
    id: t.id,
    projectId: t.projectId,
    name: t.name,
    status: t.status as TaskStatus,
    channel: t.channel as Channel,
    dialMode: t.dialMode as DialMode | null,
    condition: t.condition as unknown as Condition,
    questionnaireVersionId: t.questionnaireVersionId,
    skillGroupIds: t.skillGroupIds,
    schedule: TaskScheduleSchema.parse(t.schedule),
    priority: t.priority,
    pacing: PacingSchema.parse(t.pacing),
    callerId: CallerIdSchema.parse(t.callerId),
    robot: t.robot ? RobotSchema.parse(t.robot) : null,
    online: t.online ? OnlineSchema.parse(t.online) : null,
    assignment: AssignmentSettingsSchema.parse(t.assignment),
    rulesVersion: t.rulesVersion,
    statusReason: t.statusReason,
    statusChangedAt: t.statusChangedAt?.toISOString() ?? null,
    startedAt: t.startedAt?.toISOString() ?? null,
    finishedAt: t.finishedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
export type TaskView = ReturnType<typeof taskView>;

export async function getTask(id: string): Promise<TaskView> {
  const task = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.task.findUnique({ where: { id } }) : null;
  if (!task) throw new TaskNotFound(id);
  return taskView(task);
}

/** `visible`: the projects the viewer may see (null: all; ADR 106). */
export async function listTasks(filter: { projectId?: string; status?: string; visible?: string[] | null } = {}) {
  const tasks = await prisma.task.findMany({
    where: {
      AND: [
        filter.projectId ? { projectId: filter.projectId } : {},
        filter.visible ? { projectId: { in: filter.visible } } : {},
        filter.status ? { status: filter.status } : {},
      ],
    },
    orderBy: [{ createdAt: 'desc' }],
  });
  const projects = await prisma.project.findMany({
    where: { id: { in: [...new Set(tasks.map((t) => t.projectId))] } },
    select: { id: true, name: true },
  });
  const names = new Map(projects.map((p) => [p.id, p.name]));
  return tasks.map((t) => ({
    id: t.id,
    name: t.name,
    projectId: t.projectId,
    projectName: names.get(t.projectId) ?? '',
    status: t.status as TaskStatus,
    channel: t.channel as Channel,
    dialMode: t.dialMode,
    priority: t.priority,
    rulesVersion: t.rulesVersion,
    statusReason: t.statusReason,
    updatedAt: t.updatedAt.toISOString(),
  }));
}

/** Checks the condition and formulas against the project's scopes; returns the checked condition. */
async function validate(input: TaskInput): Promise<Condition> {
  const project = await getProject(input.projectId);
  const { scope } = contactScope(project.fields);
  const condition = checkCondition(input.condition ?? { combinator: 'and', rules: [] }, scope);
  if (!condition.ok) throw new TaskInvalid('condition', condition.errors);
  const weight = checkFormula(input.assignment.weightFormula, AGENT_WEIGHT_SCOPE, 'number');
  if (!weight.ok) throw new TaskInvalid('weightFormula', weight.errors);
  const score = checkFormula(input.assignment.scoreFormula, scoreScope(scope), 'number');
  if (!score.ok) throw new TaskInvalid('scoreFormula', score.errors);
  if (input.assignment.priorityFormula.trim()) {
    const priority = checkFormula(input.assignment.priorityFormula, scope, 'number');
    if (!priority.ok) throw new TaskInvalid('priorityFormula', priority.errors);
  }
  input.assignment.segments.forEach((segment, i) => {
    const checked = checkCondition(segment.condition, scope);
    if (!checked.ok) throw new TaskInvalid(`segments.${i}`, checked.errors, 'tasks.errors.segment');
  });
  if (input.questionnaireVersionId) {
    const version = await prisma.questionnaireVersion.findFirst({
      where: { id: input.questionnaireVersionId, questionnaire: { projectId: input.projectId } },
    });
    if (!version) throw new TaskInvalid('questionnaireVersionId');
  }
  return condition.value;
}

function data(input: TaskInput, condition: Condition) {
  return {
    name: input.name,
    channel: input.channel,
    dialMode: input.channel === 'agent' ? input.dialMode : null,
    condition: condition as unknown as Prisma.InputJsonValue,
    questionnaireVersionId: input.questionnaireVersionId,
    skillGroupIds: input.skillGroupIds,
    schedule: input.schedule as unknown as Prisma.InputJsonValue,
    priority: input.priority,
    pacing: input.pacing as unknown as Prisma.InputJsonValue,
    callerId: input.callerId as unknown as Prisma.InputJsonValue,
    robot: (input.channel === 'robot' ? (input.robot ?? RobotSchema.parse({})) : null) as Prisma.InputJsonValue,
    online: (input.channel === 'online' ? (input.online ?? OnlineSchema.parse({})) : null) as Prisma.InputJsonValue,
    assignment: input.assignment as unknown as Prisma.InputJsonValue,
  };
}

export async function createTask(actor: AuditActor, input: TaskInput) {
  const condition = await validate(input);
  const task = await prisma.task.create({
    data: { projectId: input.projectId, createdById: actor.id ?? null, ...data(input, condition) },
  });
  await audit(actor, 'task.create', task.id, { projectId: task.projectId, name: task.name, channel: task.channel });
  return task;
}

/** Settings change while the task is not running (pause it first). */
export async function updateTask(actor: AuditActor, id: string, input: TaskInput) {
  const before = await getTask(id);
  if (before.status === 'running') throw new TaskInvalid('running', [], 'tasks.errors.running');
  const condition = await validate({ ...input, projectId: before.projectId });
  const task = await prisma.task.update({ where: { id }, data: data({ ...input, projectId: before.projectId }, condition) });
  // Contacts the new selection no longer includes leave their agents.
  const { sql, params } = await taskContactSql({ projectId: before.projectId, condition });
  const released = await prisma.$executeRawUnsafe(
    `DELETE FROM "TaskAssignment" a WHERE a."taskId" = $${params.length + 1}::uuid
       AND NOT EXISTS (SELECT 1 FROM "Contact" c WHERE c."id" = a."contactId" AND ${sql})`,
    ...params,
    id,
  );
  // Scores of another formula mean nothing now; the next refresh scores the contacts again.
  if (before.assignment.priorityFormula.trim() !== input.assignment.priorityFormula.trim())
    await prisma.taskContactPriority.deleteMany({ where: { taskId: id } });
  await audit(actor, 'task.update', id, { name: task.name, released });
  return task;
}

/**
 * Moves a task through its lifecycle. Start and restart pin the project's current rules version;
 * pause and stop need a reason. The change is a conditional UPDATE, so two supervisors clicking at
 * once cannot both succeed from the same state.
 */
export async function transitionTask(actor: AuditActor, id: string, action: TaskAction, reason = '') {
  const task = await getTask(id);
  const to = nextStatus(task.status, action);
  if (!to) throw new TransitionRefused('tasks.errors.transition');
  if (needsReason(action) && !reason.trim()) throw new TransitionRefused('tasks.errors.reasonRequired');
  const now = new Date();
  const pinned = pinsRules(action)
    ? (await prisma.project.findUniqueOrThrow({ where: { id: task.projectId }, select: { rulesVersion: true } })).rulesVersion
    : undefined;
  const changed = await prisma.task.updateMany({
    where: { id, status: task.status },
    data: {
      status: to,
      statusReason: reason.trim() || null,
      statusChangedAt: now,
      ...(pinned !== undefined ? { rulesVersion: pinned, startedAt: now, finishedAt: null } : {}),
      ...(to === 'completed' || to === 'stopped' ? { finishedAt: now } : {}),
    },
  });
  if (changed.count === 0) throw new TransitionRefused('tasks.errors.transition');
  await audit(actor, `task.${action}`, id, {
    from: task.status,
    to,
    reason: reason.trim() || null,
    ...(pinned !== undefined ? { rulesVersion: pinned } : {}),
  });
  return getTask(id);
}

/** The task's contacts as one WHERE clause over `c` ("Contact"); `eligible` adds open and callable. */
export async function taskContactSql(task: { projectId: string; condition: Condition }, eligible = false) {
  const filter = await contactFilterSql(task.projectId, { condition: task.condition });
  return eligible ? { ...filter, sql: `${filter.sql} AND c."status" = 'open' AND NOT c."dnc"` } : filter;
}

/** The matching count shown before saving: all matches, and those still open and callable. */
export async function previewCount(projectId: string, condition: unknown) {
  const project = await getProject(projectId);
  const checked = checkCondition(condition ?? { combinator: 'and', rules: [] }, contactScope(project.fields).scope);
  if (!checked.ok) return { ok: false as const, errors: checked.errors };
  const { sql, params } = await taskContactSql({ projectId, condition: checked.value });
  const [row] = await prisma.$queryRawUnsafe<{ matching: bigint; eligible: bigint }[]>(
    `SELECT count(*) AS matching, count(*) FILTER (WHERE c."status" = 'open' AND NOT c."dnc") AS eligible FROM "Contact" c WHERE ${sql}`,
    ...params,
  );
  return { ok: true as const, matching: Number(row?.matching ?? 0), eligible: Number(row?.eligible ?? 0) };
}

/**
 * Live progress: total, not yet attempted, in progress, closed by outcome class, attempts used,
 * assigned, and the minutes left for calling today.
 */
export async function taskProgress(task: TaskView, now = new Date()) {
  const { sql, params } = await taskContactSql(task);
  const n = params.length;
  const [counts] = await prisma.$queryRawUnsafe<
    { total: bigint; notAttempted: bigint; inProgress: bigint; closed: bigint; attempts: bigint | null; assigned: bigint }[]
  >(
    `SELECT count(*) AS total,
            count(*) FILTER (WHERE c."status" = 'open' AND c."attempts" = 0) AS "notAttempted",
            count(*) FILTER (WHERE c."status" = 'open' AND c."attempts" > 0) AS "inProgress",
            count(*) FILTER (WHERE c."status" = 'closed') AS closed,
            sum(c."attempts") AS attempts,
            count(a."contactId") AS assigned
     FROM "Contact" c LEFT JOIN "TaskAssignment" a ON a."taskId" = $${n + 1}::uuid AND a."contactId" = c."id"
     WHERE ${sql}`,
    ...params,
    task.id,
  );
  const outcomes = await prisma.$queryRawUnsafe<{ outcome: string | null; count: bigint }[]>(
    `SELECT c."lastOutcome" AS outcome, count(*) AS count FROM "Contact" c WHERE ${sql} AND c."status" = 'closed' GROUP BY 1`,
    ...params,
  );
  const rules = task.rulesVersion
    ? await rulesVersion(task.projectId, task.rulesVersion)
    : (await getProject(task.projectId)).rules;
  const classOf = new Map(flattenDispositions(rules.dispositions).map((d) => [d.code, d.outcome]));
  const closedByOutcome: Record<string, number> = {};
  for (const o of outcomes) {
    const key = (o.outcome && (classOf.get(o.outcome) ?? o.outcome)) || 'other';
    closedByOutcome[key] = (closedByOutcome[key] ?? 0) + Number(o.count);
  }
  return {
    total: Number(counts?.total ?? 0),
    notAttempted: Number(counts?.notAttempted ?? 0),
    inProgress: Number(counts?.inProgress ?? 0),
    closed: Number(counts?.closed ?? 0),
    closedByOutcome,
    attemptsUsed: Number(counts?.attempts ?? 0),
    assigned: Number(counts?.assigned ?? 0),
    remainingMinutesToday: task.status === 'running' ? remainingMinutesToday(now, rules.callingHours, task.schedule.windows) : 0,
  };
}
