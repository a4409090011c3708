import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type Condition, checkCondition, conditionToSql, type RuleError } from '../../rules';
import { type AuditActor, audit } from '../audit/audit.server';
import { getProject } from '../projects/projects.server';
import { contactScope } from './contact-scope';
import { projectTags } from './contacts.server';

export class TagRuleInvalid extends Error {
  constructor(readonly errors: RuleError[]) {
    super('tag rule condition is invalid');
  }
}

export async function projectContactScope(projectId: string) {
  const project = await getProject(projectId);
  return contactScope(project.fields, await projectTags(projectId));
}

export async function listTagRules(projectId: string) {
  const rules = await prisma.tagRule.findMany({ where: { projectId }, orderBy: { createdAt: 'asc' } });
  return rules.map((r) => ({
    ...r,
    condition: r.condition as unknown as Condition,
    createdAt: r.createdAt.toISOString(),
    appliedAt: r.appliedAt?.toISOString() ?? null,
  }));
}

/**
 * Brings one rule's tag up to date in the database: added where the condition holds, removed
 * where it no longer does (only if the rule put it there). Two UPDATEs, however many contacts.
 */
export async function applyTagRule(ruleId: string): Promise<number> {
  const rule = await prisma.tagRule.findUniqueOrThrow({ where: { id: ruleId } });
  const { scope, columns } = await projectContactScope(rule.projectId);
  const { sql, params } = conditionToSql(rule.condition as unknown as Condition, scope, columns, 2);
  const base = `FROM "Contact" c WHERE c."projectId" = $1::uuid AND c."deletedAt" IS NULL`;
  return prisma.$transaction(async (tx) => {
    if (rule.enabled) {
      await tx.$executeRawUnsafe(
        `UPDATE "Contact" c SET "tags" = array_append(c."tags", $2::text), "tagSources" = c."tagSources" || jsonb_build_object($2::text, 'rule')
         WHERE c."projectId" = $1::uuid AND c."deletedAt" IS NULL AND NOT (c."tags" @> ARRAY[$2::text]) AND (${sql})`,
        rule.projectId,
        rule.tag,
        ...params,
      );
    }
    await tx.$executeRawUnsafe(
      `UPDATE "Contact" c SET "tags" = array_remove(c."tags", $2::text), "tagSources" = c."tagSources" - $2::text
       WHERE c."projectId" = $1::uuid AND c."tags" @> ARRAY[$2::text] AND c."tagSources"->>$2::text = 'rule'
         AND (${rule.enabled ? `NOT (${sql})` : 'TRUE'})`,
      rule.projectId,
      rule.tag,
      ...(rule.enabled ? params : []),
    );
    const [row] = await tx.$queryRawUnsafe<{ count: bigint }[]>(
      `SELECT count(*) AS count ${base} AND $2::text IS NOT NULL AND (${sql})`,
      rule.projectId,
      rule.tag,
      ...params,
    );
    const matched = rule.enabled ? Number(row?.count ?? 0) : 0;
    await tx.tagRule.update({ where: { id: rule.id }, data: { matched, appliedAt: new Date() } });
    return matched;
  });
}

export async function applyProjectTagRules(projectId: string): Promise<void> {
  const rules = await prisma.tagRule.findMany({ where: { projectId, enabled: true }, select: { id: true } });
  for (const rule of rules) await applyTagRule(rule.id);
}

export async function saveTagRule(
  actor: AuditActor,
  projectId: string,
  input: { id?: string; tag: string; condition: unknown; enabled: boolean },
) {
  const { scope } = await projectContactScope(projectId);
  const checked = checkCondition(input.condition, scope);
  if (!checked.ok) throw new TagRuleInvalid(checked.errors);
  const condition = checked.value as unknown as Prisma.InputJsonValue;
  const rule = input.id
    ? await prisma.tagRule.update({
        where: { id: input.id, projectId },
        data: { tag: input.tag, condition, enabled: input.enabled },
      })
    : await prisma.tagRule.create({
        data: { projectId, tag: input.tag, condition, enabled: input.enabled, createdBy: actor.name },
      });
  const matched = await applyTagRule(rule.id);
  await audit(actor, input.id ? 'tagRule.update' : 'tagRule.create', rule.id, { projectId, tag: input.tag, matched });
  return { id: rule.id, matched };
}

export async function deleteTagRule(actor: AuditActor, projectId: string, id: string): Promise<void> {
  await prisma.tagRule.update({ where: { id, projectId }, data: { enabled: false } });
  await applyTagRule(id);
  await prisma.tagRule.delete({ where: { id } });
  await audit(actor, 'tagRule.delete', id, { projectId });
}
