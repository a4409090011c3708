import { prisma } from '../../db/prisma.server';
import type { Condition } from '../../rules';
import { type AuditActor, audit } from '../audit/audit.server';
import { AssignmentRefused, conditionClause, lockTask } from './assignment.server';
import { getTask, type TaskView, taskContactSql } from './tasks.server';

// The assignment tab's read model and manual commands: who holds what, the runs, the task's
// contacts with their holder, and assign / move / take back by hand (kept by automatic runs).

/**
 * Manual assignment: the given contacts of the task go to one agent (assign or move), marked
 * manual so automatic runs keep them. Contacts outside the task's selection are ignored.
 */
export async function assignManually(actor: AuditActor, taskId: string, contactIds: bigint[], agentId: string) {
  const task = await getTask(taskId);
  if (task.status === 'completed' || task.status === 'stopped') throw new AssignmentRefused('tasks.assign.finished');
  const agent = await prisma.user.findFirst({ where: { id: agentId, role: 'agent', active: true } });
  if (!agent) throw new AssignmentRefused('tasks.assign.noAgent');
  const base = await taskContactSql(task, true);
  const n = base.params.length;
  const runId = crypto.randomUUID();
  // Serialised with automatic runs of the same task (the same advisory lock), so concurrent
  // writers never deadlock on each other's rows.
  const count = await prisma.$transaction(async (tx) => {
    await lockTask(tx, taskId);
    return tx.$executeRawUnsafe(
      `INSERT INTO "TaskAssignment" ("taskId", "contactId", "agentId", "source", "runId", "assignedAt")
     SELECT $${n + 1}::uuid, c."id", $${n + 2}::uuid, 'manual', $${n + 3}::uuid, now() FROM "Contact" c
     WHERE ${base.sql} AND c."id" = ANY($${n + 4}::bigint[])
     ON CONFLICT ("taskId", "contactId") DO UPDATE SET "agentId" = EXCLUDED."agentId", "source" = 'manual', "runId" = EXCLUDED."runId", "assignedAt" = now()`,
      ...base.params,
      taskId,
      agentId,
      runId,
      contactIds,
    );
  });
  await prisma.assignmentRun.create({
    data: {
      id: runId,
      taskId,
      mode: 'manual',
      assigned: count,
      perAgent: { [agentId]: count },
      createdById: actor.id ?? null,
      createdBy: actor.name,
    },
  });
  await audit(actor, 'task.assign.manual', taskId, { agentId, count });
  return count;
}

/** Takes contacts back from whoever holds them; the next automatic run may hand them out again. */
export async function takeBack(actor: AuditActor, taskId: string, contactIds: bigint[]) {
  const count = await prisma.$transaction(async (tx) => {
    await lockTask(tx, taskId);
    return tx.$executeRaw`
      DELETE FROM "TaskAssignment" WHERE "taskId" = ${taskId}::uuid AND "contactId" = ANY(${contactIds}::bigint[])`;
  });
  await prisma.assignmentRun.create({
    data: { taskId, mode: 'takeBack', released: count, createdById: actor.id ?? null, createdBy: actor.name },
  });
  await audit(actor, 'task.assign.takeBack', taskId, { count });
  return count;
}

/** Per agent: contacts held, of which manual, and still open. */
export async function assignmentSummary(taskId: string) {
  const rows = await prisma.$queryRaw<
    { agentId: string; login: string; displayName: string; total: bigint; manual: bigint; open: bigint }[]
  >`
    SELECT a."agentId"::text AS "agentId", u."login", u."displayName", count(*) AS total,
           count(*) FILTER (WHERE a."source" = 'manual') AS manual,
           count(*) FILTER (WHERE c."status" = 'open') AS open
    FROM "TaskAssignment" a JOIN "User" u ON u."id" = a."agentId" JOIN "Contact" c ON c."id" = a."contactId"
    WHERE a."taskId" = ${taskId}::uuid GROUP BY 1, 2, 3 ORDER BY total DESC, u."login"`;
  return rows.map((r) => ({ ...r, total: Number(r.total), manual: Number(r.manual), open: Number(r.open) }));
}

export async function listRuns(taskId: string, take = 20) {
  const rows = await prisma.assignmentRun.findMany({ where: { taskId }, orderBy: { createdAt: 'desc' }, take });
  return rows.map((r) => ({
    ...r,
    perAgent: r.perAgent as Record<string, number>,
    perSegment: r.perSegment as { label: string; count: number }[],
    createdAt: r.createdAt.toISOString(),
  }));
}

export interface TaskContactQuery {
  page: number;
  pageSize: number;
  /** An agent id, `none` (unassigned) or undefined (all). */
  agent?: string;
  condition?: Condition | null;
}

/** FROM … WHERE over the task's eligible contacts joined with their holder, narrowed by the query. */
async function taskContactsFrom(task: TaskView, query: Omit<TaskContactQuery, 'page' | 'pageSize'>) {
  const base = await taskContactSql(task, true);
  let sql = base.sql;
  const params = [...base.params];
  if (query.condition?.rules.length) {
    const extra = await conditionClause(task.projectId, query.condition, params.length);
    sql += ` AND (${extra.sql})`;
    params.push(...extra.params);
  }
  params.push(task.id);
  const t = params.length;
  if (query.agent === 'none') sql += ' AND a."agentId" IS NULL';
  else if (query.agent && /^[0-9a-f-]{36}$/i.test(query.agent)) {
    params.push(query.agent);
    sql += ` AND a."agentId" = $${params.length}::uuid`;
  }
  const from = `FROM "Contact" c LEFT JOIN "TaskAssignment" a ON a."taskId" = $${t}::uuid AND a."contactId" = c."id"
                LEFT JOIN "User" u ON u."id" = a."agentId" WHERE ${sql}`;
  return { from, params };
}

/** Ids of the filtered contacts (bulk assign / take back of "all matching"), in id order, at most `limit`. */
export async function filteredContactIds(task: TaskView, query: Omit<TaskContactQuery, 'page' | 'pageSize'>, limit: number) {
  const { from, params } = await taskContactsFrom(task, query);
  const rows = await prisma.$queryRawUnsafe<{ id: bigint }[]>(
    `SELECT c."id" ${from} ORDER BY c."id" LIMIT ${Math.max(0, Math.min(limit, 100_000))}`,
    ...params,
  );
  return rows.map((r) => r.id);
}

/** The task's eligible contacts with who holds them (masked phones only). */
export async function taskContacts(task: TaskView, query: TaskContactQuery) {
  const { from, params } = await taskContactsFrom(task, query);
  const [rows, counted] = await Promise.all([
    prisma.$queryRawUnsafe<
      {
        id: bigint;
        name: string;
        phoneMasked: string;
        tags: string[];
        attempts: number;
        agentId: string | null;
        agentName: string | null;
        source: string | null;
      }[]
    >(
      `SELECT c."id", c."name", c."phoneMasked", c."tags", c."attempts", a."agentId"::text AS "agentId", u."displayName" AS "agentName", a."source"
       ${from} ORDER BY c."id" LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
      ...params,
    ),
    prisma.$queryRawUnsafe<{ count: bigint }[]>(`SELECT count(*) AS count ${from}`, ...params),
  ]);
  return { total: Number(counted[0]?.count ?? 0), rows: rows.map((r) => ({ ...r, id: r.id.toString() })) };
}
