import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';

export interface AuditActor {
  id?: string | null;
  /** Login, or a system name such as `system` or `cli`. */
  name: string;
  ip?: string | null;
}

/** Append-only: the app has no route that edits or deletes audit rows. */
export async function audit(
  actor: AuditActor,
  action: string,
  target?: string | null,
  details?: Prisma.InputJsonValue,
): Promise<void> {
  await prisma.auditLog.create({
    data: { actorId: actor.id ?? null, actor: actor.name, action, target: target ?? null, details, ip: actor.ip ?? null },
  });
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  action?: string;
  actor?: string;
  from?: Date;
  to?: Date;
}

export async function listAudit(query: AuditQuery) {
  const where: Prisma.AuditLogWhereInput = {
    ...(query.action ? { action: { startsWith: query.action } } : {}),
    ...(query.actor ? { actor: { contains: query.actor, mode: 'insensitive' } } : {}),
    ...(query.from || query.to ? { at: { gte: query.from, lte: query.to } } : {}),
  };
  const [rows, total] = await Promise.all([
    prisma.auditLog.findMany({
      where,
      orderBy: { at: 'desc' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
    prisma.auditLog.count({ where }),
  ]);
  return {
    total,
    rows: rows.map((r) => ({ ...r, id: r.id.toString(), at: r.at.toISOString() })),
  };
}

export async function auditActions(): Promise<string[]> {
  const rows = await prisma.auditLog.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } });
  return rows.map((r) => r.action);
}
