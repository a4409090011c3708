import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import { BUILTIN_CATEGORIES, checkQuestion, type QuestionContent, type QuestionType } from './question';

// The question bank: shared questions maintained once. Each content change makes a new version;
// questionnaire drafts point at a version and are offered the newer one, published versions keep
// the content they froze.

export class QuestionInvalid extends Error {
  constructor(readonly errors: { path: string; key: string }[]) {
    super('question is invalid');
  }
}

export interface QuestionFilter {
  category?: string;
  search?: string;
  usage?: 'used' | 'unused';
  includeArchived?: boolean;
}

export interface BankQuestion {
  id: string;
  category: string;
  type: QuestionType;
  version: number;
  content: QuestionContent;
  archived: boolean;
  updatedAt: string;
  /** Questionnaires whose draft or a published version uses it. */
  uses: number;
}

/** How many questionnaires use each bank question, in a draft or a published version. */
async function usage(): Promise<Map<string, number>> {
  const rows = await prisma.$queryRaw<{ id: string; uses: number }[]>`
    SELECT u.id, count(DISTINCT u.questionnaire)::int AS uses FROM (
      SELECT n->'question'->'ref'->>'questionId' AS id, q.id AS questionnaire
        FROM "Questionnaire" q CROSS JOIN LATERAL jsonb_array_elements(q."draft"->'nodes') n
       WHERE NOT q."archived"
      UNION ALL
      SELECT n->'question'->'ref'->>'questionId', v."questionnaireId"
        FROM "QuestionnaireVersion" v CROSS JOIN LATERAL jsonb_array_elements(v."graph"->'nodes') n
    ) u WHERE u.id IS NOT NULL GROUP BY u.id`;
  return new Map(rows.map((r) => [r.id, r.uses]));
}

export async function listQuestions(filter: QuestionFilter = {}): Promise<BankQuestion[]> {
  const search = filter.search?.trim();
  const rows = await prisma.question.findMany({
    where: {
      ...(filter.includeArchived ? {} : { archived: false }),
      ...(filter.category ? { category: filter.category } : {}),
    },
    orderBy: [{ category: 'asc' }, { updatedAt: 'desc' }],
    take: 1000,
  });
  const uses = await usage();
  return rows
    .map((q) => ({
      id: q.id,
      category: q.category,
      type: q.type as QuestionType,
      version: q.version,
      content: q.content as unknown as QuestionContent,
      archived: q.archived,
      updatedAt: q.updatedAt.toISOString(),
      uses: uses.get(q.id) ?? 0,
    }))
    .filter((q) => !search || `${q.content.text.zh} ${q.content.text.en}`.toLowerCase().includes(search.toLowerCase()))
    .filter((q) => !filter.usage || (filter.usage === 'used' ? q.uses > 0 : q.uses === 0));
}

/** Built-in categories first, then the custom ones in use. */
export async function questionCategories(): Promise<string[]> {
  const rows = await prisma.question.findMany({ distinct: ['category'], select: { category: true } });
  const custom = rows.map((r) => r.category).filter((c) => !(BUILTIN_CATEGORIES as readonly string[]).includes(c));
  return [...BUILTIN_CATEGORIES, ...custom.sort()];
}

export interface QuestionInput {
  id?: string;
  category: string;
  type: string;
  content: unknown;
}

/** Creates a question, or saves a new version of one when its type or content changed. */
export async function saveQuestion(actor: AuditActor, input: QuestionInput) {
  const category = input.category.trim();
  if (!category || category.length > 40) throw new QuestionInvalid([{ path: 'category', key: 'question.category' }]);
  const checked = checkQuestion(input.type, input.content);
  if (!checked.ok) throw new QuestionInvalid(checked.errors);
  const content = checked.value.content as unknown as Prisma.InputJsonValue;
  const type = checked.value.type;
  return prisma.$transaction(async (tx) => {
    if (!input.id) {
      const q = await tx.question.create({
        data: { category, type, content, versions: { create: { version: 1, type, content, createdById: actor.id ?? null } } },
      });
      await audit(actor, 'question.create', q.id, { category, type });
      return q;
    }
    const current = await tx.question.findUniqueOrThrow({ where: { id: input.id } });
    const changed = current.type !== type || JSON.stringify(current.content) !== JSON.stringify(checked.value.content);
    const version = changed ? current.version + 1 : current.version;
    if (changed)
      await tx.questionVersion.create({
        data: { questionId: current.id, version, type, content, createdById: actor.id ?? null },
      });
    const q = await tx.question.update({ where: { id: current.id }, data: { category, type, content, version } });
    await audit(actor, 'question.update', q.id, { version, changed });
    return q;
  });
}

export async function setQuestionArchived(actor: AuditActor, id: string, archived: boolean) {
  await prisma.question.update({ where: { id }, data: { archived } });
  await audit(actor, archived ? 'question.archive' : 'question.restore', id);
}

/** A bank question at a version, as a flow node freezes it. */
export async function questionAt(questionId: string, version?: number) {
  const q = await prisma.question.findUnique({ where: { id: questionId } });
  if (!q) return null;
  const row =
    version && version !== q.version
      ? await prisma.questionVersion.findUnique({ where: { questionId_version: { questionId, version } } })
      : null;
  return {
    ref: { questionId, version: row?.version ?? q.version },
    type: (row?.type ?? q.type) as QuestionType,
    category: q.category,
    content: (row?.content ?? q.content) as unknown as QuestionContent,
  };
}

/** Current versions of the given bank questions (for "a newer version is available" in drafts). */
export async function currentVersions(ids: string[]): Promise<Record<string, number>> {
  if (!ids.length) return {};
  const rows = await prisma.question.findMany({ where: { id: { in: ids } }, select: { id: true, version: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.version]));
}
