import { prisma } from '../../db/prisma.server';
import { rulesVersion } from '../projects/projects.server';
import { agentsOfGroups, schedulesOf } from './agents.server';
import { withinDates } from './progress';
import { localClock, onShift } from './schedule';
import { getTask, type TaskView, taskContactSql, taskView } from './tasks.server';

// What the dialer (issue 8) asks of tasks: which tasks run now and in which order, which of their
// contacts are eligible now, and which agents may take them. Paused, completed and stopped tasks
// hand out nothing; every answer uses the rules version the task pinned when it started.

const ZONE = 'Asia/Shanghai';

function inTaskWindow(task: TaskView, now: Date): boolean {
  const { date, minute } = localClock(now, ZONE);
  if (!withinDates(date, task.schedule)) return false;
  if (!task.schedule.windows.length) return true;
  const m = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return task.schedule.windows.some((w) => minute >= m(w.from) && minute < m(w.to));
}

/** Running tasks whose dates and daily windows include `now`, highest priority first, with their pinned rules. */
export async function runningTasks(now = new Date()) {
  const rows = await prisma.task.findMany({
    where: { status: 'running' },
    orderBy: [{ priority: 'desc' }, { startedAt: 'asc' }],
  });
  const tasks = rows.map(taskView).filter((t) => inTaskWindow(t, now));
  return Promise.all(
    tasks.map(async (t) => ({ ...t, rules: t.rulesVersion ? await rulesVersion(t.projectId, t.rulesVersion) : null })),
  );
}

/** Running tasks an agent may work (through its skill groups), highest priority first. */
export async function tasksForAgent(agentId: string, now = new Date()) {
  const groups = (await prisma.skillGroupMember.findMany({ where: { userId: agentId }, select: { groupId: true } })).map(
    (g) => g.groupId,
  );
  return (await runningTasks(now)).filter(
    (t) => t.channel === 'agent' && (!t.skillGroupIds.length || t.skillGroupIds.some((g) => groups.includes(g))),
  );
}

/**
 * Contacts of a task the dialer may take now: open, not on the do-not-call list, due (no next
 * attempt time, or it has passed); due callbacks first, then never-attempted before retries. With `agentId`, only the contacts assigned to that agent (preview
 * and manual modes); in pool mode, contacts nobody holds. Nothing unless the task is running.
 * Calling hours per contact time zone and closing rules stay with the dialer's compliance gate.
 */
export async function eligibleContacts(taskId: string, options: { agentId?: string; limit?: number; now?: Date } = {}) {
  const task = await getTask(taskId);
  if (task.status !== 'running') return [];
  const now = options.now ?? new Date();
  const base = await taskContactSql(task, true);
  const params: unknown[] = [...base.params, task.id, now, Math.min(options.limit ?? 100, 10_000)];
  const n = base.params.length;
  let held = `NOT EXISTS (SELECT 1 FROM "TaskAssignment" x WHERE x."taskId" = $${n + 1}::uuid AND x."contactId" = c."id")`;
  if (options.agentId) {
    params.push(options.agentId);
    held = `EXISTS (SELECT 1 FROM "TaskAssignment" x WHERE x."taskId" = $${n + 1}::uuid AND x."contactId" = c."id" AND x."agentId" = $${params.length}::uuid)`;
  }
  // A personal callback belongs to its agent (called from their list), not to the pool.
  const personal = options.agentId
    ? `NOT EXISTS (SELECT 1 FROM "Callback" b WHERE b."contactId" = c."id" AND b."state" = 'open' AND b."agentId" <> $${params.length}::uuid)`
    : `NOT EXISTS (SELECT 1 FROM "Callback" b WHERE b."contactId" = c."id" AND b."state" = 'open' AND b."agentId" IS NOT NULL)`;
  // Callbacks due first, then contacts never attempted, then retries; within each, the task's
  // priority formula (higher first; unscored as 0), then by when they fell due.
  const rows = await prisma.$queryRawUnsafe<{ id: bigint; timeZone: string | null; attempts: number }[]>(
    `SELECT c."id", c."timeZone", c."attempts" FROM "Contact" c
     LEFT JOIN "TaskContactPriority" p ON p."taskId" = $${n + 1}::uuid AND p."contactId" = c."id"
     WHERE ${base.sql} AND (c."nextAttemptAt" IS NULL OR c."nextAttemptAt" <= $${n + 2}) AND ${held} AND ${personal}
       AND NOT EXISTS (SELECT 1 FROM "ActiveCall" a WHERE a."contactId" = c."id")
     ORDER BY EXISTS (SELECT 1 FROM "Callback" b WHERE b."contactId" = c."id" AND b."state" = 'open' AND b."dueAt" <= $${n + 2}) DESC,
              c."attempts" > 0, coalesce(p."score", 0) DESC, c."nextAttemptAt" NULLS FIRST, c."id" LIMIT $${n + 3}`,
    ...params,
  );
  return rows.map((r) => ({ contactId: r.id, timeZone: r.timeZone, attempts: r.attempts }));
}

/**
 * Agents who may take the task's calls now: members of its skill groups (every agent when it has
 * none) who are on shift, most proficient first when the task routes by proficiency.
 */
export async function agentsForTask(taskId: string, now = new Date()) {
  const task = await getTask(taskId);
  if (task.status !== 'running') return [];
  const agents = await agentsOfGroups(task.skillGroupIds);
  const schedules = await schedulesOf(agents.map((a) => a.id));
  const { date, minute } = localClock(now, ZONE);
  const onDuty = agents.filter((a) => onShift(schedules.get(a.id), date, minute));
  if (task.assignment.proficiencyRouting) onDuty.sort((a, b) => b.proficiency - a.proficiency || a.login.localeCompare(b.login));
  return onDuty.map((a) => ({ agentId: a.id, login: a.login, proficiency: a.proficiency }));
}
