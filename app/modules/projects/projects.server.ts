import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import { FIXED_FIELDS, type FieldDef } from '../lists/field-template';
import { defaultRules, type ProjectRules, type ProjectRulesSchema, type ProjectUpdateSchema } from './project-schema';

export class ProjectNotFound extends Error {}

/** `visible`: the ids the viewer may see, or null for all (auth/project-access, ADR 106). */
export async function listProjects(visible: string[] | null) {
  const scope = visible ? { id: { in: visible } } : {};
  const projects = await prisma.project.findMany({ where: scope, orderBy: [{ status: 'asc' }, { createdAt: 'desc' }] });
  const counts = await prisma.contact.groupBy({
    by: ['projectId'],
    where: { deletedAt: null, projectId: { in: projects.map((p) => p.id) } },
    _count: { _all: true },
  });
  const byProject = new Map(counts.map((c) => [c.projectId, c._count._all]));
  return projects.map((p) => ({
    id: p.id,
    name: p.name,
    type: p.type,
    status: p.status,
    description: p.description,
    rulesVersion: p.rulesVersion,
    contacts: byProject.get(p.id) ?? 0,
    updatedAt: p.updatedAt.toISOString(),
  }));
}

export async function getProject(id: string) {
  const project = await prisma.project.findUnique({ where: { id } });
  if (!project) throw new ProjectNotFound(id);
  return { ...project, rules: project.rules as unknown as ProjectRules, fields: project.fields as unknown as FieldDef[] };
}

export async function createProject(
  actor: AuditActor,
  input: { name: string; type: 'returnVisit' | 'sales' | 'reminder' | 'survey'; description: string; fields?: FieldDef[] },
) {
  const rules = defaultRules(input.type);
  const project = await prisma.$transaction(async (tx) => {
    const created = await tx.project.create({
      data: {
        name: input.name,
        type: input.type,
        description: input.description,
        rules: rules as unknown as Prisma.InputJsonValue,
        fields: (input.fields ?? FIXED_FIELDS) as unknown as Prisma.InputJsonValue,
      },
    });
    await tx.projectRulesVersion.create({
      data: { projectId: created.id, version: 1, rules: rules as unknown as Prisma.InputJsonValue, createdBy: actor.name },
    });
    return created;
  });
  await audit(actor, 'project.create', project.id, { name: project.name, type: project.type });
  return project;
}

/**
 * Saves a project. A change to its rules creates the next rules version, so a running task keeps
 * the version it started with until it is restarted.
 */
export async function updateProject(actor: AuditActor, id: string, input: z.infer<typeof ProjectUpdateSchema>) {
  const before = await getProject(id);
  const rulesChanged = !isDeepStrictEqual(before.rules, input.rules satisfies z.infer<typeof ProjectRulesSchema>);
  const version = rulesChanged ? before.rulesVersion + 1 : before.rulesVersion;
  const project = await prisma.$transaction(async (tx) => {
    if (rulesChanged) {
      await tx.projectRulesVersion.create({
        data: { projectId: id, version, rules: input.rules as unknown as Prisma.InputJsonValue, createdBy: actor.name },
      });
    }
    return tx.project.update({
      where: { id },
      data: {
        name: input.name,
        type: input.type,
        description: input.description,
        status: input.status,
        dedupPolicy: input.dedupPolicy,
        rules: input.rules as unknown as Prisma.InputJsonValue,
        rulesVersion: version,
        fields: input.fields as unknown as Prisma.InputJsonValue,
      },
    });
  });
  await audit(actor, 'project.update', id, { rulesVersion: version, rulesChanged });
  return project;
}

export async function rulesVersion(projectId: string, version: number): Promise<ProjectRules> {
  const row = await prisma.projectRulesVersion.findUniqueOrThrow({ where: { projectId_version: { projectId, version } } });
  return row.rules as unknown as ProjectRules;
}

/** Changes a project's rules (a new rules version) and optionally its description; the rest is kept. Returns the project as it now is. */
export async function changeProjectRules(
  actor: AuditActor,
  id: string,
  change: (rules: ProjectRules) => ProjectRules,
  description?: string,
) {
  const project = await getProject(id);
  await updateProject(actor, id, {
    name: project.name,
    type: project.type,
    description: description ?? project.description,
    status: project.status,
    rules: change(project.rules),
    fields: project.fields,
    dedupPolicy: project.dedupPolicy === 'update' ? 'update' : 'skip',
  });
  return getProject(id);
}

/** Gives a user (limited to some projects) access to one more; a no-op when already given. */
export async function addProjectMember(userId: string, projectId: string) {
  await prisma.projectMember.upsert({
    where: { userId_projectId: { userId, projectId } },
    create: { userId, projectId },
    update: {},
  });
}
