import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';

export interface ContactQuery {
  page: number;
  pageSize: number;
  search?: string;
  tag?: string;
  status?: 'open' | 'closed';
}

/**
 * The contact browser's rows. Only masked phones leave the server: this is the one read model
 * every contact table uses, so no loader can leak a number by selecting too much.
 */
export async function listContacts(projectId: string, query: ContactQuery) {
  const where: Prisma.ContactWhereInput = {
    projectId,
    deletedAt: null,
    ...(query.search ? { name: { contains: query.search } } : {}),
    ...(query.tag ? { tags: { has: query.tag } } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  const [rows, total] = await Promise.all([
    prisma.contact.findMany({
      where,
      orderBy: { id: 'asc' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
      select: { id: true, name: true, phoneMasked: true, tags: true, status: true, dnc: true, attempts: true, lastOutcome: true },
    }),
    prisma.contact.count({ where }),
  ]);
  return { total, rows: rows.map((r) => ({ ...r, id: r.id.toString() })) };
}

export async function projectTags(projectId: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ tag: string }[]>`
    SELECT DISTINCT unnest(tags) AS tag FROM "Contact" WHERE "projectId" = ${projectId}::uuid AND "deletedAt" IS NULL ORDER BY 1 LIMIT 500`;
  return rows.map((r) => r.tag);
}
