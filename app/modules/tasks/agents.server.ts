import ExcelJS from 'exceljs';
import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import type { AgentFacts } from './assignment-scope';
import {
  type AgentScheduleValue,
  addDays,
  EMPTY_SCHEDULE,
  localClock,
  parseScheduleGrid,
  ScheduleSchema,
  scheduledHours,
} from './schedule';

// Agents as assignment sees them: schedules (排班), workload and efficiency.

export async function schedulesOf(userIds: string[]): Promise<Map<string, AgentScheduleValue>> {
  const rows = await prisma.agentSchedule.findMany({ where: { userId: { in: userIds } } });
  return new Map(rows.map((r) => [r.userId, ScheduleSchema.parse({ weekly: r.weekly, exceptions: r.exceptions })]));
}

export async function saveSchedule(actor: AuditActor, userId: string, schedule: AgentScheduleValue) {
  const value = ScheduleSchema.parse(schedule);
  const user = await prisma.user.findFirst({ where: { id: userId, role: 'agent' } });
  if (!user) throw new Error('not an agent');
  await prisma.agentSchedule.upsert({
    where: { userId },
    create: { userId, weekly: value.weekly as Prisma.InputJsonValue, exceptions: value.exceptions, updatedBy: actor.name },
    update: { weekly: value.weekly as Prisma.InputJsonValue, exceptions: value.exceptions, updatedBy: actor.name },
  });
  await audit(actor, 'schedule.save', userId, { login: user.login });
}

/**
 * Imports weekly patterns from an XLSX sheet (first column the login, one column per weekday).
 * Exceptions already entered are kept. Returns what was imported and the problems by row.
 */
export async function importSchedules(actor: AuditActor, file: ArrayBuffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file);
  const sheet = book.worksheets[0];
  const rows: string[][] = [];
  sheet?.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(
      values.map((v) => (v === null || v === undefined ? '' : typeof v === 'object' && 'text' in v ? String(v.text) : String(v))),
    );
  });
  const grid = parseScheduleGrid(rows);
  const agents = await prisma.user.findMany({
    where: { role: 'agent', login: { in: grid.schedules.map((s) => s.login) } },
    select: { id: true, login: true },
  });
  const byLogin = new Map(agents.map((a) => [a.login, a.id]));
  const problems = [...grid.problems];
  let imported = 0;
  const existing = await schedulesOf(agents.map((a) => a.id));
  for (const [index, s] of grid.schedules.entries()) {
    const userId = byLogin.get(s.login);
    if (!userId) {
      problems.push({ row: index + 2, message: `schedule.unknownAgent:${s.login}` });
      continue;
    }
    const exceptions = existing.get(userId)?.exceptions ?? [];
    await prisma.agentSchedule.upsert({
      where: { userId },
      create: { userId, weekly: s.weekly as Prisma.InputJsonValue, exceptions, updatedBy: actor.name },
      update: { weekly: s.weekly as Prisma.InputJsonValue, updatedBy: actor.name },
    });
    imported++;
  }
  await audit(actor, 'schedule.import', null, { imported, problems: problems.length });
  return { imported, problems };
}

/** The dates a task's assignment weighs hours over: its period from today, at most 31 days (a week if open-ended). */
export function assignmentPeriod(schedule: { startDate: string | null; endDate: string | null }, now = new Date()) {
  const today = localClock(now, 'Asia/Shanghai').date;
  // Dates as YYYY-MM-DD compare as text: the later of start and today, the earlier of end and 31 days on.
  const from = [schedule.startDate ?? today, today].sort()[1]!;
  const to = [schedule.endDate ?? addDays(from, 6), addDays(from, 30)].sort()[0]!;
  return { from, to: [to, from].sort()[1]! };
}

/** Agents of the given skill groups (all active agents when none), with their best proficiency there. */
export async function agentsOfGroups(groupIds: string[], agentIds: string[] = []) {
  const users = await prisma.user.findMany({
    where: {
      role: 'agent',
      active: true,
      ...(groupIds.length || agentIds.length
        ? { OR: [{ id: { in: agentIds } }, { id: { in: await memberIds(groupIds) } }] }
        : {}),
    },
    select: { id: true, login: true, displayName: true },
    orderBy: { login: 'asc' },
  });
  const members = await prisma.skillGroupMember.findMany({
    where: { userId: { in: users.map((u) => u.id) }, ...(groupIds.length ? { groupId: { in: groupIds } } : {}) },
  });
  const proficiency = new Map<string, number>();
  for (const m of members) proficiency.set(m.userId, Math.max(proficiency.get(m.userId) ?? 0, m.proficiency));
  return users.map((u) => ({ ...u, proficiency: proficiency.get(u.id) ?? 3 }));
}

async function memberIds(groupIds: string[]): Promise<string[]> {
  if (!groupIds.length) return [];
  return (await prisma.skillGroupMember.findMany({ where: { groupId: { in: groupIds } }, select: { userId: true } })).map(
    (m) => m.userId,
  );
}

/**
 * Workload (open contacts assigned in unfinished tasks, callbacks due) and efficiency (connects and
 * successes per scheduled hour over the last N days) per agent. Until the dialer records call
 * attempts (issue 8), connects are the agent's questionnaire responses and successes the completed ones.
 */
export async function workloadAndEfficiency(agentIds: string[], days: number, now = new Date(), excludeTaskId?: string) {
  const out = new Map<string, { workload: number; callbacksDue: number; connects: number; successes: number }>(
    agentIds.map((id) => [id, { workload: 0, callbacksDue: 0, connects: 0, successes: 0 }]),
  );
  if (!agentIds.length) return out;
  const load = await prisma.$queryRaw<{ agentId: string; workload: bigint; due: bigint }[]>`
    SELECT a."agentId"::text AS "agentId", count(*) AS workload,
           count(*) FILTER (WHERE c."nextAttemptAt" IS NOT NULL AND c."nextAttemptAt" <= ${now}) AS due
    FROM "TaskAssignment" a
    JOIN "Task" t ON t."id" = a."taskId" AND t."status" IN ('draft', 'running', 'paused')
    JOIN "Contact" c ON c."id" = a."contactId" AND c."status" = 'open' AND c."deletedAt" IS NULL
    WHERE a."agentId" = ANY(${agentIds}::uuid[]) AND a."taskId" IS DISTINCT FROM ${excludeTaskId ?? null}::uuid
    GROUP BY 1`;
  for (const row of load) Object.assign(out.get(row.agentId)!, { workload: Number(row.workload), callbacksDue: Number(row.due) });
  const since = new Date(now.getTime() - days * 86_400_000);
  const done = await prisma.$queryRaw<{ agentId: string; connects: bigint; successes: bigint }[]>`
    SELECT "agentId"::text AS "agentId", count(*) AS connects, count(*) FILTER (WHERE "status" = 'completed') AS successes
    FROM "QuestionnaireResponse" WHERE "agentId" = ANY(${agentIds}::uuid[]) AND "startedAt" >= ${since} GROUP BY 1`;
  for (const row of done)
    Object.assign(out.get(row.agentId)!, { connects: Number(row.connects), successes: Number(row.successes) });
  return out;
}

/** Everything assignment weighs, per agent of a task (or of a segment's groups and agents). */
export async function agentFacts(
  groupIds: string[],
  agentIds: string[],
  period: { from: string; to: string },
  efficiencyDays: number,
  now = new Date(),
  /** The task being assigned: its own contacts are not workload elsewhere. */
  excludeTaskId?: string,
): Promise<AgentFacts[]> {
  const agents = await agentsOfGroups(groupIds, agentIds);
  const ids = agents.map((a) => a.id);
  const [schedules, stats] = await Promise.all([
    schedulesOf(ids),
    workloadAndEfficiency(ids, efficiencyDays, now, excludeTaskId),
  ]);
  const today = localClock(now, 'Asia/Shanghai').date;
  const pastFrom = addDays(today, -efficiencyDays);
  return agents.map((a) => {
    const s = stats.get(a.id)!;
    const pastHours = Math.max(1, scheduledHours(schedules.get(a.id), pastFrom, addDays(today, -1)));
    return {
      agentId: a.id,
      login: a.login,
      displayName: a.displayName,
      proficiency: a.proficiency,
      scheduledHours: scheduledHours(schedules.get(a.id), period.from, period.to),
      workload: s.workload,
      callbacksDue: s.callbacksDue,
      connectsPerHour: Math.round((s.connects / pastHours) * 100) / 100,
      successesPerHour: Math.round((s.successes / pastHours) * 100) / 100,
    };
  });
}

/** The agents page: each agent's schedule, this week's hours, workload and efficiency. */
export async function agentsOverview(days = 14, now = new Date()) {
  const today = localClock(now, 'Asia/Shanghai').date;
  const facts = await agentFacts([], [], { from: today, to: addDays(today, 6) }, days, now);
  const schedules = await schedulesOf(facts.map((f) => f.agentId));
  const groups = await prisma.skillGroupMember.findMany({
    where: { userId: { in: facts.map((f) => f.agentId) } },
    include: { group: { select: { name: true } } },
  });
  return facts.map((f) => ({
    ...f,
    schedule: schedules.get(f.agentId) ?? EMPTY_SCHEDULE,
    skills: groups.filter((g) => g.userId === f.agentId).map((g) => ({ name: g.group.name, proficiency: g.proficiency })),
  }));
}
