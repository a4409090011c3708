import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { compileFormula } from '../../rules/runtime.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { AGGREGATE_SCOPE } from './metrics';
import { type SchemeConfig, SchemeConfigSchema, type SchemeInput, type SchemeProblem, validateScheme } from './scheme-schema';

// Performance schemes: saved with every change as a new version (kept, with who and when), and
// audited. The leaderboard always scores with the current version (docs/decisions/078).

export interface SchemeView {
  id: string;
  name: string;
  scopeKind: 'project' | 'team';
  projectId: string | null;
  skillGroupId: string | null;
  scopeName: string;
  timeZone: string;
  active: boolean;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
  config: SchemeConfig;
}

export async function listSchemes(options: { activeOnly?: boolean } = {}): Promise<SchemeView[]> {
  const [schemes, projects, groups] = await Promise.all([
    prisma.performanceScheme.findMany({
      where: options.activeOnly ? { active: true } : {},
      orderBy: [{ scopeKind: 'asc' }, { name: 'asc' }],
    }),
    prisma.project.findMany({ select: { id: true, name: true } }),
    prisma.skillGroup.findMany({ select: { id: true, name: true } }),
  ]);
  const names = new Map([...projects, ...groups].map((x) => [x.id, x.name]));
  return schemes.map((s) => ({
    id: s.id,
    name: s.name,
    scopeKind: s.scopeKind === 'team' ? 'team' : 'project',
    projectId: s.projectId,
    skillGroupId: s.skillGroupId,
    scopeName: names.get((s.scopeKind === 'team' ? s.skillGroupId : s.projectId) ?? '') ?? '—',
    timeZone: s.timeZone,
    active: s.active,
    version: s.version,
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt.toISOString(),
    config: SchemeConfigSchema.parse(s.config),
  }));
}

export async function getScheme(id: string): Promise<SchemeView | null> {
  return (await listSchemes()).find((s) => s.id === id) ?? null;
}

export async function schemeVersions(schemeId: string) {
  const rows = await prisma.performanceSchemeVersion.findMany({ where: { schemeId }, orderBy: { version: 'desc' }, take: 50 });
  return rows.map((v) => ({
    version: v.version,
    name: v.name,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
    config: SchemeConfigSchema.parse(v.config),
  }));
}

export type SaveSchemeResult = { ok: true; id: string; version: number } | { ok: false; problems: SchemeProblem[] };

/** Validates (formulas compiled as on evaluation, tiers without gaps or overlaps) and saves a new version. */
export async function saveScheme(actor: AuditActor, input: SchemeInput): Promise<SaveSchemeResult> {
  const problems = validateScheme(input);
  if (input.config.kind === 'formula') {
    input.config.terms.forEach((term, i) => {
      const compiled = compileFormula(term.formula, AGGREGATE_SCOPE, 'number');
      if (!compiled.ok && !problems.some((p) => p.field === `terms.${i}.formula`))
        for (const rule of compiled.errors)
          problems.push({
            field: `terms.${i}.formula`,
            key: 'formula',
            params: { n: i + 1, line: rule.line ?? 1, column: rule.column ?? 1 },
            rule,
          });
    });
  }
  if (input.scopeKind === 'project' && input.projectId && !(await prisma.project.findUnique({ where: { id: input.projectId } })))
    problems.push({ field: 'projectId', key: 'projectRequired' });
  if (
    input.scopeKind === 'team' &&
    input.skillGroupId &&
    !(await prisma.skillGroup.findUnique({ where: { id: input.skillGroupId } }))
  )
    problems.push({ field: 'skillGroupId', key: 'teamRequired' });
  if (problems.length) return { ok: false, problems };

  const data = {
    name: input.name,
    scopeKind: input.scopeKind,
    projectId: input.scopeKind === 'project' ? input.projectId : null,
    skillGroupId: input.scopeKind === 'team' ? input.skillGroupId : null,
    timeZone: input.timeZone,
    active: input.active,
    config: input.config as unknown as Prisma.InputJsonValue,
    updatedBy: actor.name,
  };
  const saved = await prisma.$transaction(async (tx) => {
    const existing = input.id ? await tx.performanceScheme.findUnique({ where: { id: input.id } }) : null;
    if (input.id && !existing) return null;
    const scheme = existing
      ? await tx.performanceScheme.update({ where: { id: existing.id }, data: { ...data, version: existing.version + 1 } })
      : await tx.performanceScheme.create({ data });
    await tx.performanceSchemeVersion.create({
      data: { schemeId: scheme.id, version: scheme.version, name: scheme.name, config: data.config, createdBy: actor.name },
    });
    return scheme;
  });
  if (!saved) return { ok: false, problems: [{ field: 'id', key: 'notFound' }] };
  await audit(actor, input.id ? 'performance.scheme.update' : 'performance.scheme.create', saved.id, {
    name: saved.name,
    version: saved.version,
    kind: input.config.kind,
    active: saved.active,
  });
  return { ok: true, id: saved.id, version: saved.version };
}

/** Agents a scheme ranks: a team's members, or the members of the skill groups the project's tasks use. */
export async function schemeRoster(scheme: Pick<SchemeView, 'scopeKind' | 'projectId' | 'skillGroupId'>): Promise<string[]> {
  let groupIds: string[] = [];
  if (scheme.scopeKind === 'team' && scheme.skillGroupId) groupIds = [scheme.skillGroupId];
  if (scheme.scopeKind === 'project' && scheme.projectId) {
    const tasks = await prisma.task.findMany({ where: { projectId: scheme.projectId }, select: { skillGroupIds: true } });
    groupIds = [...new Set(tasks.flatMap((t) => t.skillGroupIds))];
  }
  if (groupIds.length === 0) return [];
  const members = await prisma.skillGroupMember.findMany({
    where: { groupId: { in: groupIds } },
    select: { userId: true },
    distinct: ['userId'],
  });
  return members.map((m) => m.userId);
}
