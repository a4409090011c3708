import { prisma } from '../../db/prisma.server';
import { notFound, requireProjectAccess, type ScopedUser } from './project-access';

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
