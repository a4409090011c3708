import { prisma } from '../../db/prisma.server';
import { compileFormula, evaluateBatch } from '../../rules/runtime.server';
import { logger } from '../../utils/logger.server';
import { contactScope } from '../lists/contact-scope';
import { contactRow } from '../projects/products.server';
import { getProject } from '../projects/projects.server';
import { getTask, taskContactSql } from './tasks.server';

// A task's priority formula orders contacts of equal standing (after due callbacks, never-attempted
// before retries). The dialer picks contacts in SQL, so each contact's score is computed once in the
// rule sandbox and kept in TaskContactPriority; contacts edited since, or new to the selection, are
// scored again by the next refresh (on save and start, and every few minutes while the task runs).

const BATCH = 5_000;

/** Scores the task's callable contacts that have no score or were changed since; returns the count. */
export async function refreshDialPriorities(taskId: string): Promise<{ scored: number; failed: number }> {
  const task = await getTask(taskId);
  const source = task.assignment.priorityFormula.trim();
  if (!source) {
    await prisma.taskContactPriority.deleteMany({ where: { taskId } });
    return { scored: 0, failed: 0 };
  }
  const project = await getProject(task.projectId);
  const compiled = compileFormula(source, contactScope(project.fields).scope, 'number');
  // Saving refuses an invalid formula; a field removed from the template since leaves the order as it was.
  if (!compiled.ok) return { scored: 0, failed: 0 };
  const base = await taskContactSql(task, true);
  const n = base.params.length;
  let after = -1n;
  let scored = 0;
  let failed = 0;
  for (;;) {
    const contacts = await prisma.$queryRawUnsafe<
      {
        id: bigint;
        name: string;
        fields: unknown;
        tags: string[];
        status: string;
        attempts: number;
        dnc: boolean;
        consentStatus: string | null;
      }[]
    >(
      `SELECT c."id", c."name", c."fields", c."tags", c."status"::text AS status, c."attempts", c."dnc", c."consentStatus"
       FROM "Contact" c LEFT JOIN "TaskContactPriority" p ON p."taskId" = $${n + 1}::uuid AND p."contactId" = c."id"
       WHERE ${base.sql} AND c."id" > $${n + 2} AND (p."contactId" IS NULL OR p."computedAt" < c."updatedAt")
       ORDER BY c."id" LIMIT ${BATCH}`,
      ...base.params,
      taskId,
      after,
    );
    if (!contacts.length) break;
    after = contacts[contacts.length - 1]!.id;
    const { results } = await evaluateBatch<number>(compiled.value, contacts.map(contactRow));
    // A row the formula cannot score (a missing value, an error) sorts as 0, like no formula.
    const scores = results.map((r) => (typeof r === 'number' && Number.isFinite(r) ? r : 0));
    failed += results.filter((r) => typeof r !== 'number' || !Number.isFinite(r)).length;
    await prisma.$executeRaw`
      INSERT INTO "TaskContactPriority" ("taskId", "contactId", "score", "computedAt")
      SELECT ${taskId}::uuid, x.cid, x.score, now()
      FROM unnest(${contacts.map((c) => c.id)}::bigint[], ${scores}::float8[]) AS x(cid, score)
      ON CONFLICT ("taskId", "contactId") DO UPDATE SET "score" = EXCLUDED."score", "computedAt" = EXCLUDED."computedAt"`;
    scored += contacts.length;
  }
  return { scored, failed };
}

/** The periodic refresh (job `tasks.priorities`): every running task with a priority formula. */
export async function refreshRunningPriorities(): Promise<number> {
  const tasks = await prisma.task.findMany({
    where: { status: { in: ['running', 'paused'] } },
    select: { id: true, assignment: true },
  });
  let scored = 0;
  for (const t of tasks) {
    if (!String((t.assignment as { priorityFormula?: unknown }).priorityFormula ?? '').trim()) continue;
    try {
      scored += (await refreshDialPriorities(t.id)).scored;
    } catch (error) {
      logger.warn({ err: error, taskId: t.id }, 'dial priorities');
    }
  }
  return scored;
}
