import { prisma } from '../../db/prisma.server';
import { notFound, requireProjectAccess, type ScopedUser, seesProject } from './project-access';

// Records that are reached by their own id but belong to a project: the owning project is looked
// up here and checked like a $projectId in the URL (ADR 106). A missing record and a record of a
// project the user does not see are both "not found".
const OWNER = {
  wrapUp: (id: string) => prisma.wrapUp.findUnique({ where: { id }, select: { projectId: true } }),
  writeBack: (id: string) => prisma.writeBack.findUnique({ where: { id }, select: { projectId: true } }),
  task: (id: string) => prisma.task.findUnique({ where: { id }, select: { projectId: true } }),
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function requireRecordAccess(user: ScopedUser, kind: keyof typeof OWNER, id: string): Promise<void> {
  if (user.projects === 'all') return;
  if (!UUID.test(id)) notFound();
  const row = await OWNER[kind](id);
  requireProjectAccess(user, row?.projectId);
}

/** A report's (or any listing's) `?project=`/`?task=` filter: one the user does not see is a 404. */
export async function requireFilterAccess(user: ScopedUser, filter: { project?: string; task?: string }): Promise<void> {
  if (filter.project) requireProjectAccess(user, filter.project);
  if (filter.task) await requireRecordAccess(user, 'task', filter.task);
}

/**
 * For a live stream (server-sent events): drops the events of tasks in projects the user does not
 * see (they carry a `taskId`); events without one (agents, alerts) pass. Null for a user who sees
 * every project: nothing to filter. The task → project look-up is kept per stream.
 */
export function liveProjectFilter<E extends { data: Record<string, unknown> }>(
  user: ScopedUser,
): ((event: E) => Promise<E | null>) | undefined {
  if (user.projects === 'all') return undefined;
  const projectOf = new Map<string, Promise<string | null>>();
  return async (event) => {
    const taskId = event.data.taskId;
    if (typeof taskId !== 'string') return event;
    if (!projectOf.has(taskId))
      projectOf.set(
        taskId,
        OWNER.task(taskId).then((t) => t?.projectId ?? null),
      );
    const projectId = await projectOf.get(taskId);
    return projectId && seesProject(user, projectId) ? event : null;
  };
}
