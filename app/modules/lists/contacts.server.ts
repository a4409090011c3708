import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import { revealPhone } from './phone-vault.server';

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

/** The full number of one contact, for a permitted role; every call is in the audit log. */
export async function unmaskPhone(actor: AuditActor, projectId: string, contactId: bigint): Promise<string | null> {
  const contact = await prisma.contact.findFirst({
    where: { id: contactId, projectId, deletedAt: null },
    select: { phoneCipher: true },
  });
  // A tokenised contact has no number here at all: it exists only in the business system.
  if (!contact?.phoneCipher) return null;
  await audit(actor, 'contacts.unmask', `${projectId}/${contactId}`);
  return revealPhone(contact.phoneCipher);
}

const EXPORT_LIMIT = 200_000;

/**
 * A project's contacts as CSV (UTF-8 with BOM, so Excel shows Chinese): masked numbers unless the
 * role may see them in full; cells a spreadsheet would execute are neutralised. Audited.
 */
export async function exportContacts(
  actor: AuditActor,
  projectId: string,
  query: Omit<ContactQuery, 'page' | 'pageSize'>,
  fullNumbers: boolean,
) {
  const { csvLine } = await import('./spreadsheet-safety');
  const rows = await prisma.contact.findMany({
    where: {
      projectId,
      deletedAt: null,
      ...(query.search ? { name: { contains: query.search } } : {}),
      ...(query.tag ? { tags: { has: query.tag } } : {}),
      ...(query.status ? { status: query.status } : {}),
    },
    orderBy: { id: 'asc' },
    take: EXPORT_LIMIT,
    select: {
      externalId: true,
      name: true,
      phoneMasked: true,
      phoneCipher: true,
      tags: true,
      status: true,
      dnc: true,
      attempts: true,
      fields: true,
    },
  });
  const fieldKeys = [...new Set(rows.flatMap((r) => Object.keys(r.fields as object)))].sort();
  const lines = [csvLine(['externalId', 'name', 'phone', 'tags', 'status', 'dnc', 'attempts', ...fieldKeys])];
  for (const r of rows) {
    const fields = r.fields as Record<string, unknown>;
    const values = fieldKeys.map((k) => {
      const v = fields[k];
      // Sensitive fields stay masked in every export.
      return v && typeof v === 'object' && 'masked' in v ? (v as { masked: string }).masked : v;
    });
    lines.push(
      csvLine([
        r.externalId,
        r.name,
        fullNumbers && r.phoneCipher ? revealPhone(r.phoneCipher) : r.phoneMasked,
        r.tags.join(';'),
        r.status,
        r.dnc,
        r.attempts,
        ...values,
      ]),
    );
  }
  await audit(actor, 'contacts.export', projectId, { rows: rows.length, fullNumbers, filter: query });
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** A few contacts as rule rows (no phone, no sensitive fields), for the editors' test panels. */
export async function sampleRuleRows(projectId: string, fieldKeys: string[], count = 5) {
  const rows = await prisma.contact.findMany({
    where: { projectId, deletedAt: null },
    orderBy: { id: 'asc' },
    take: count,
    select: { name: true, fields: true, tags: true, status: true, attempts: true, dnc: true },
  });
  return rows.map((r) => {
    const fields = r.fields as Record<string, unknown>;
    const values = Object.fromEntries(fieldKeys.map((k) => [k, k === 'name' ? r.name : (fields[k] ?? null)]));
    return { ...values, tags: r.tags, status: r.status, attempts: r.attempts, dnc: r.dnc };
  });
}
