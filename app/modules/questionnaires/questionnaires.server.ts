import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import { notFound, requireProjectAccess, type ScopedUser } from '../auth/project-access';
import type { FieldDef } from '../lists/field-template';
import { getProject } from '../projects/projects.server';
import { type FlowGraph, flowScope, parseFlow } from './graph';
import { currentVersions } from './questions.server';
import { STARTER_FLOWS, type StarterFlow } from './samples';
import { type FlowProblem, validateFlow } from './validate';

// Questionnaires: a draft flow per questionnaire, edited in the flow editor and saved with an
// optimistic revision, and published versions that nothing ever changes again.

export class QuestionnaireNotFound extends Error {}
/** The draft changed since the editor loaded it (another tab or person saved). */
export class DraftConflict extends Error {}
export class FlowInvalid extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super('flow is invalid');
  }
}

async function knownTags(): Promise<string[]> {
  return (await prisma.tag.findMany({ select: { name: true }, orderBy: { name: 'asc' } })).map((t) => t.name);
}

/** The scope a questionnaire's conditions are checked against: its project's fields, tags and answers. */
export async function questionnaireContext(projectId: string) {
  const project = await getProject(projectId);
  return { project, fields: project.fields as FieldDef[], tags: await knownTags() };
}

export function checkFlow(graph: FlowGraph, fields: FieldDef[], tags: string[]) {
  return validateFlow(graph, flowScope(graph, fields, tags));
}

/** `visible`: the projects the viewer may see, or null for all (ADR 106). */
export async function listQuestionnaires(visible: string[] | null, projectId?: string) {
  const rows = await prisma.questionnaire.findMany({
    where: {
      archived: false,
      AND: [projectId ? { projectId } : {}, visible ? { projectId: { in: visible } } : {}],
    },
    orderBy: { updatedAt: 'desc' },
    include: { versions: { select: { id: true, version: true, publishedAt: true }, orderBy: { version: 'desc' }, take: 1 } },
  });
  const projects = await prisma.project.findMany({
    where: { id: { in: rows.map((r) => r.projectId) } },
    select: { id: true, name: true },
  });
  const names = new Map(projects.map((p) => [p.id, p.name]));
  const counts = await prisma.questionnaireResponse.groupBy({
    by: ['versionId'],
    where: { version: { questionnaireId: { in: rows.map((r) => r.id) } } },
    _count: { _all: true },
  });
  const versionOwners = await prisma.questionnaireVersion.findMany({
    where: { id: { in: counts.map((c) => c.versionId) } },
    select: { id: true, questionnaireId: true },
  });
  const owner = new Map(versionOwners.map((v) => [v.id, v.questionnaireId]));
  const responses = new Map<string, number>();
  for (const c of counts) {
    const q = owner.get(c.versionId);
    if (q) responses.set(q, (responses.get(q) ?? 0) + c._count._all);
  }
  return rows.map((q) => ({
    id: q.id,
    name: q.name,
    description: q.description,
    projectId: q.projectId,
    projectName: names.get(q.projectId) ?? '',
    latestVersion: q.latestVersion,
    publishedAt: q.versions[0]?.publishedAt.toISOString() ?? null,
    draftAhead: q.draftRevision > 0 && q.updatedAt > (q.versions[0]?.publishedAt ?? new Date(0)),
    responses: responses.get(q.id) ?? 0,
    updatedAt: q.updatedAt.toISOString(),
  }));
}

export async function createQuestionnaire(
  actor: AuditActor,
  input: { projectId: string; name: string; description?: string; starter?: StarterFlow },
) {
  await getProject(input.projectId);
  const draft = STARTER_FLOWS[input.starter ?? 'blank']();
  const q = await prisma.questionnaire.create({
    data: {
      projectId: input.projectId,
      name: input.name.trim().slice(0, 100),
      description: (input.description ?? '').slice(0, 1000),
      draft: draft as unknown as Prisma.InputJsonValue,
      updatedById: actor.id ?? null,
    },
  });
  await audit(actor, 'questionnaire.create', q.id, { projectId: input.projectId, name: q.name });
  return q;
}

export async function getQuestionnaire(id: string) {
  const q = await prisma.questionnaire.findUnique({
    where: { id },
    include: {
      versions: {
        orderBy: { version: 'desc' },
        select: { id: true, version: true, note: true, publishedAt: true, publishedById: true },
      },
    },
  });
  if (!q) throw new QuestionnaireNotFound(id);
  const draft = q.draft as unknown as FlowGraph;
  const refs = draft.nodes.flatMap((n) => (n.question?.ref ? [n.question.ref.questionId] : []));
  const publishers = await prisma.user.findMany({
    where: { id: { in: q.versions.flatMap((v) => (v.publishedById ? [v.publishedById] : [])) } },
    select: { id: true, displayName: true },
  });
  const who = new Map(publishers.map((u) => [u.id, u.displayName]));
  return {
    ...q,
    draft,
    bankVersions: await currentVersions(refs),
    versions: q.versions.map((v) => ({
      id: v.id,
      version: v.version,
      note: v.note,
      publishedAt: v.publishedAt.toISOString(),
      publishedBy: v.publishedById ? (who.get(v.publishedById) ?? '') : '',
    })),
  };
}

/** Saves the draft if nobody saved since `revision`; returns the new revision and the flow's problems. */
export async function saveDraft(actor: AuditActor, id: string, input: { graph: unknown; revision: number; name?: string }) {
  const parsed = parseFlow(input.graph);
  if (!parsed.ok) throw new FlowInvalid([{ code: 'malformed', params: { error: parsed.error } }]);
  const q = await prisma.questionnaire.findUnique({ where: { id } });
  if (!q) throw new QuestionnaireNotFound(id);
  // The problems first: if checking fails, nothing has been saved.
  const { fields, tags } = await questionnaireContext(q.projectId);
  const { problems } = checkFlow(parsed.value, fields, tags);
  const updated = await prisma.questionnaire.updateMany({
    where: { id, draftRevision: input.revision },
    data: {
      draft: parsed.value as unknown as Prisma.InputJsonValue,
      draftRevision: { increment: 1 },
      updatedById: actor.id ?? null,
      ...(input.name?.trim() ? { name: input.name.trim().slice(0, 100) } : {}),
    },
  });
  if (updated.count === 0) throw new DraftConflict(id);
  await audit(actor, 'questionnaire.saveDraft', id, { revision: input.revision + 1 });
  return { revision: input.revision + 1, problems };
}

/** Freezes the draft as the next version, if it is valid; tasks and answers then point at that version. */
export async function publish(actor: AuditActor, id: string, input: { revision: number; note?: string }) {
  const q = await prisma.questionnaire.findUnique({ where: { id } });
  if (!q) throw new QuestionnaireNotFound(id);
  if (q.draftRevision !== input.revision) throw new DraftConflict(id);
  const { fields, tags } = await questionnaireContext(q.projectId);
  const { problems, graph } = checkFlow(q.draft as unknown as FlowGraph, fields, tags);
  if (problems.length) throw new FlowInvalid(problems);
  const version = await prisma.$transaction(async (tx) => {
    // The conditional update serialises two publishers: only one gets each version number.
    const bumped = await tx.questionnaire.updateMany({
      where: { id, latestVersion: q.latestVersion, draftRevision: input.revision },
      data: { latestVersion: { increment: 1 } },
    });
    if (bumped.count === 0) throw new DraftConflict(id);
    return tx.questionnaireVersion.create({
      data: {
        questionnaireId: id,
        version: q.latestVersion + 1,
        graph: graph as unknown as Prisma.InputJsonValue,
        note: (input.note ?? '').slice(0, 500),
        publishedById: actor.id ?? null,
      },
    });
  });
  await audit(actor, 'questionnaire.publish', id, { version: version.version, versionId: version.id });
  return version;
}

export async function getVersion(versionId: string) {
  const v = await prisma.questionnaireVersion.findUnique({ where: { id: versionId }, include: { questionnaire: true } });
  if (!v) throw new QuestionnaireNotFound(versionId);
  return { ...v, graph: v.graph as unknown as FlowGraph };
}

/** Starts a new draft from a published version (to fix something in it). */
export async function restoreDraft(actor: AuditActor, id: string, versionId: string, revision: number) {
  const v = await getVersion(versionId);
  if (v.questionnaireId !== id) throw new QuestionnaireNotFound(versionId);
  return saveDraft(actor, id, { graph: v.graph, revision });
}

/** Published versions of a project's questionnaires, newest first (for tasks to pin one). */
export async function publishedVersions(projectId: string) {
  const rows = await prisma.questionnaireVersion.findMany({
    where: { questionnaire: { projectId, archived: false } },
    orderBy: [{ questionnaire: { name: 'asc' } }, { version: 'desc' }],
    select: { id: true, version: true, publishedAt: true, questionnaire: { select: { id: true, name: true } } },
  });
  return rows.map((v) => ({
    id: v.id,
    version: v.version,
    questionnaireId: v.questionnaire.id,
    name: v.questionnaire.name,
    publishedAt: v.publishedAt.toISOString(),
  }));
}

export async function archiveQuestionnaire(actor: AuditActor, id: string) {
  await prisma.questionnaire.update({ where: { id }, data: { archived: true } });
  await audit(actor, 'questionnaire.archive', id);
}

/** Route params → the questionnaire, or a 404 response (a malformed id is not a server error). */
/** A questionnaire of a project the user does not see is answered like a missing one (ADR 106). */
export async function questionnaireOrNotFound(id: string | undefined, user: ScopedUser) {
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) notFound();
  try {
    const q = await getQuestionnaire(id);
    requireProjectAccess(user, q.projectId);
    return q;
  } catch (error) {
    if (error instanceof QuestionnaireNotFound) notFound();
    throw error;
  }
}

/** The graphs of the newest published versions, for the history's diff view. */
export async function recentVersionGraphs(id: string, take = 20) {
  const rows = await prisma.questionnaireVersion.findMany({
    where: { questionnaireId: id },
    orderBy: { version: 'desc' },
    take,
    select: { id: true, version: true, graph: true },
  });
  return rows.map((r) => ({ id: r.id, version: r.version, graph: r.graph as unknown as FlowGraph }));
}
