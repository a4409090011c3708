import { prisma } from '../../db/prisma.server';
import { type Condition, checkCondition, conditionToSql, type RuleError } from '../../rules';
import { type AuditActor, audit } from '../audit/audit.server';
import { getProject } from '../projects/projects.server';
import { contactScope } from './contact-scope';
import { revealPhone } from './phone-vault.server';
import { type SheetFormat, sheet } from './spreadsheet-safety';

export interface ContactFilter {
  search?: string;
  tag?: string;
  status?: 'open' | 'closed';
  /** A condition from the ConditionBuilder over the project's contact scope, run as SQL. */
  condition?: Condition | null;
}

export interface ContactQuery extends ContactFilter {
  page: number;
  pageSize: number;
}

export class ContactFilterInvalid extends Error {
  constructor(readonly errors: RuleError[]) {
    super('invalid contact condition');
  }
}

/** One WHERE clause for every contact listing (browser, export, bulk actions): `c` is "Contact". */
export async function contactFilterSql(projectId: string, filter: ContactFilter): Promise<{ sql: string; params: unknown[] }> {
  const params: unknown[] = [projectId];
  const clauses = ['c."projectId" = $1::uuid', 'c."deletedAt" IS NULL'];
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value);
    clauses.push(clause(params.length));
  };
  if (filter.search)
    add(
      (n) => `c."name" ILIKE '%' || $${n}::text || '%'`,
      filter.search.replace(/[\\%_]/g, (ch) => `\\${ch}`),
    );
  if (filter.tag) add((n) => `c."tags" @> ARRAY[$${n}::text]`, filter.tag);
  if (filter.status) add((n) => `c."status"::text = $${n}::text`, filter.status);
  if (filter.condition?.rules.length) {
    const project = await getProject(projectId);
    const { scope, columns } = contactScope(project.fields);
    const checked = checkCondition(filter.condition, scope);
    if (!checked.ok) throw new ContactFilterInvalid(checked.errors);
    const fragment = conditionToSql(checked.value, scope, columns, params.length);
    params.push(...fragment.params);
    clauses.push(`(${fragment.sql})`);
  }
  return { sql: clauses.join(' AND '), params };
}

interface ContactRow {
  id: bigint;
  name: string;
  phoneMasked: string;
  tags: string[];
  status: string;
  dnc: boolean;
  attempts: number;
  lastOutcome: string | null;
}

/**
 * The contact browser's rows. Only masked phones leave the server: this is the one read model
 * every contact table uses, so no loader can leak a number by selecting too much.
 */
export async function listContacts(projectId: string, query: ContactQuery) {
  const { sql, params } = await contactFilterSql(projectId, query);
  const n = params.length;
  const [rows, counted] = await Promise.all([
    prisma.$queryRawUnsafe<ContactRow[]>(
      `SELECT c."id", c."name", c."phoneMasked", c."tags", c."status"::text AS "status", c."dnc", c."attempts", c."lastOutcome"
       FROM "Contact" c WHERE ${sql} ORDER BY c."id" LIMIT $${n + 1} OFFSET $${n + 2}`,
      ...params,
      query.pageSize,
      (query.page - 1) * query.pageSize,
    ),
    prisma.$queryRawUnsafe<{ count: bigint }[]>(`SELECT count(*) AS count FROM "Contact" c WHERE ${sql}`, ...params),
  ]);
  return {
    total: Number(counted[0]?.count ?? 0),
    rows: rows.map((r) => ({ ...r, id: r.id.toString(), status: r.status as 'open' | 'closed' })),
  };
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
  query: ContactFilter,
  fullNumbers: boolean,
  format: SheetFormat = 'csv',
) {
  const { sql, params } = await contactFilterSql(projectId, query);
  const rows = await prisma.$queryRawUnsafe<
    {
      externalId: string | null;
      name: string;
      phoneMasked: string;
      phoneCipher: string | null;
      tags: string[];
      status: string;
      dnc: boolean;
      attempts: number;
      fields: unknown;
    }[]
  >(
    `SELECT c."externalId", c."name", c."phoneMasked", c."phoneCipher", c."tags", c."status"::text AS "status", c."dnc", c."attempts", c."fields"
     FROM "Contact" c WHERE ${sql} ORDER BY c."id" LIMIT ${EXPORT_LIMIT}`,
    ...params,
  );
  const fieldKeys = [...new Set(rows.flatMap((r) => Object.keys(r.fields as object)))].sort();
  const header = ['externalId', 'name', 'phone', 'tags', 'status', 'dnc', 'attempts', ...fieldKeys];
  const table = rows.map((r) => {
    const fields = r.fields as Record<string, unknown>;
    // Sensitive fields stay masked in every export; full numbers only when the role may see them.
    const values = fieldKeys.map((k) => {
      const v = fields[k];
      return v && typeof v === 'object' && 'masked' in v ? (v as { masked: string }).masked : v;
    });
    const phone = fullNumbers && r.phoneCipher ? revealPhone(r.phoneCipher) : r.phoneMasked;
    return [r.externalId, r.name, phone, r.tags.join(';'), r.status, r.dnc, r.attempts, ...values];
  });
  await audit(actor, 'contacts.export', projectId, {
    rows: rows.length,
    fullNumbers,
    format,
    filter: JSON.parse(JSON.stringify(query)),
  });
  return sheet(format, header, table);
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
