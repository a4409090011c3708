import { prisma } from '../../db/prisma.server';
import { sendJob } from '../../jobs/boss.server';
import { callHook } from '../../plugins/installations.server';
import type { AuditActor } from '../audit/audit.server';
import { audit } from '../audit/audit.server';
import { getProject } from '../projects/projects.server';
import { type FieldDef, validateRecord } from './field-template';
import type { Cell } from './field-values';
import { applyProjectTagRules } from './tag-rules.server';

// CRM enrichment: the project's CRM plugin receives contacts in batches through its `enrich` hook
// and answers with tags and fields, merged here. The run is checkpointed (lastId) like an import,
// so a restarted job goes on where it stopped.

const BATCH = 500;

interface Enrichment {
  ref: string;
  tags?: string[];
  fields?: Record<string, unknown>;
}

export async function startEnrichment(actor: AuditActor, projectId: string, importId?: string) {
  const project = await getProject(projectId);
  if (!project.crmInstallationId) throw new Error('The project has no CRM plugin installation');
  const run = await prisma.enrichmentRun.create({ data: { projectId, importId: importId ?? null } });
  await sendJob('lists.enrich', { runId: run.id });
  await audit(actor, 'lists.enrich.start', run.id, { projectId, importId: importId ?? null });
  return run;
}

/** Only what the template declares, validated like imported values; sensitive fields stay out. */
function acceptedFields(fields: FieldDef[], incoming: Record<string, unknown> | undefined) {
  if (!incoming) return {};
  const allowed = fields.filter((f) => !f.sensitive && !f.fixed && f.key in incoming);
  const { values } = validateRecord(allowed, incoming as Record<string, Cell>);
  return values;
}

export async function runEnrichment(runId: string): Promise<void> {
  const run = await prisma.enrichmentRun.findUniqueOrThrow({ where: { id: runId } });
  if (run.status === 'done') return;
  const project = await getProject(run.projectId);
  const installation = project.crmInstallationId;
  if (!installation) {
    await prisma.enrichmentRun.update({ where: { id: runId }, data: { status: 'failed', error: 'no CRM installation' } });
    return;
  }
  await prisma.enrichmentRun.update({ where: { id: runId }, data: { status: 'running' } });
  const sendable = project.fields.filter((f) => !f.sensitive && f.type !== 'phone' && f.type !== 'idCard').map((f) => f.key);
  let lastId = run.lastId;
  for (;;) {
    const contacts = await prisma.contact.findMany({
      where: {
        projectId: run.projectId,
        deletedAt: null,
        id: { gt: lastId },
        ...(run.importId ? { importId: run.importId } : {}),
      },
      orderBy: { id: 'asc' },
      take: BATCH,
      select: { id: true, externalId: true, name: true, fields: true },
    });
    if (contacts.length === 0) break;
    const refs = contacts.map((c) => {
      const stored = c.fields as Record<string, unknown>;
      const fields = Object.fromEntries(sendable.filter((k) => k !== 'name' && k in stored).map((k) => [k, stored[k]]));
      return { ref: String(c.id), ...(c.externalId ? { externalId: c.externalId } : {}), fields: { name: c.name, ...fields } };
    });
    const outcome = await callHook(installation, 'enrich', [refs]);
    const results = outcome.ok && Array.isArray(outcome.value) ? (outcome.value as Enrichment[]) : [];
    const known = new Set(refs.map((r) => r.ref));
    let enriched = 0;
    await prisma.$transaction(async (tx) => {
      for (const result of results) {
        if (!known.has(result.ref)) continue;
        const tags = (result.tags ?? [])
          .map(String)
          .filter((t) => t.length > 0 && t.length <= 30)
          .slice(0, 50);
        const fields = acceptedFields(project.fields, result.fields);
        if (!tags.length && !Object.keys(fields).length) continue;
        await tx.$executeRaw`
          UPDATE "Contact" SET
            "tags" = ARRAY(SELECT DISTINCT t FROM unnest("tags" || ${tags}::text[]) t),
            "tagSources" = (SELECT COALESCE(jsonb_object_agg(t, 'crm'), '{}'::jsonb) FROM unnest(${tags}::text[]) t) || "tagSources",
            "fields" = "fields" || ${JSON.stringify(fields)}::jsonb,
            "updatedAt" = now()
          WHERE "id" = ${BigInt(result.ref)} AND "projectId" = ${run.projectId}::uuid`;
        enriched++;
      }
      lastId = contacts.at(-1)!.id;
      await tx.enrichmentRun.update({
        where: { id: runId },
        data: {
          processed: { increment: contacts.length },
          enriched: { increment: enriched },
          failed: { increment: outcome.ok ? 0 : contacts.length },
          lastId,
          ...(outcome.ok ? {} : { error: (outcome.error ?? 'enrich failed').slice(0, 500) }),
        },
      });
    });
  }
  await applyProjectTagRules(run.projectId);
  await prisma.enrichmentRun.update({ where: { id: runId }, data: { status: 'done', finishedAt: new Date() } });
}

export async function setProjectCrm(
  actor: AuditActor,
  projectId: string,
  crmInstallationId: string | null,
  enrichAfterImport: boolean,
) {
  await prisma.project.update({
    where: { id: projectId },
    data: { crmInstallationId, enrichAfterImport: Boolean(crmInstallationId) && enrichAfterImport },
  });
  await audit(actor, 'project.crm', projectId, { crmInstallationId, enrichAfterImport });
}

export async function listEnrichmentRuns(projectId: string) {
  const runs = await prisma.enrichmentRun.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' }, take: 10 });
  return runs.map((r) => ({
    ...r,
    lastId: String(r.lastId),
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}
