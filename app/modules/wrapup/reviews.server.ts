import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { OUTCOME_CLASSES } from '../projects/closing-rules';
import { type Disposition, flattenDispositions } from '../projects/dispositions';
import { rulesVersion } from '../projects/projects.server';

// Read models for supervisors reviewing wrap-ups (the corrections are in wrapup.server.ts).

export interface WrapUpFilter {
  projectId?: string;
  agentId?: string;
  outcome?: string;
  take?: number;
  /** The projects the viewer may see; null or absent: all (ADR 106). */
  visible?: string[] | null;
}

const uuid = (v: string | undefined) => (v && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined);

export async function listWrapUps(filter: WrapUpFilter = {}) {
  const where: Prisma.WrapUpWhereInput = {
    AND: [
      uuid(filter.projectId) ? { projectId: filter.projectId } : {},
      filter.visible ? { projectId: { in: filter.visible } } : {},
    ],
    ...(uuid(filter.agentId) ? { agentId: filter.agentId } : {}),
    ...(filter.outcome && (OUTCOME_CLASSES as readonly string[]).includes(filter.outcome) ? { outcome: filter.outcome } : {}),
  };
  const rows = await prisma.wrapUp.findMany({
    where,
    orderBy: { submittedAt: 'desc' },
    take: Math.min(filter.take ?? 100, 500),
  });
  const [projects, agents, contacts] = await Promise.all([
    prisma.project.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.projectId))] } },
      select: { id: true, name: true },
    }),
    prisma.user.findMany({
      where: { id: { in: [...new Set(rows.flatMap((r) => (r.agentId ? [r.agentId] : [])))] } },
      select: { id: true, login: true },
    }),
    prisma.contact.findMany({
      where: { id: { in: rows.map((r) => r.contactId) } },
      select: { id: true, name: true, externalId: true },
    }),
  ]);
  const project = new Map(projects.map((p) => [p.id, p.name]));
  const agent = new Map(agents.map((a) => [a.id, a.login]));
  const contact = new Map(contacts.map((c) => [c.id, c]));
  return rows.map((r) => ({
    id: r.id,
    projectId: r.projectId,
    projectName: project.get(r.projectId) ?? '',
    contactName: contact.get(r.contactId)?.name ?? '',
    contactRef: contact.get(r.contactId)?.externalId ?? r.contactId.toString(),
    agent: r.agentId ? (agent.get(r.agentId) ?? '') : '',
    dispositionCode: r.dispositionCode,
    outcome: r.outcome,
    revision: r.revision,
    submittedAt: r.submittedAt.toISOString(),
    correctedAt: r.correctedAt?.toISOString() ?? null,
  }));
}

/** Filter choices for the review page. */
export async function reviewFilters(visible: string[] | null) {
  const [projects, agents] = await Promise.all([
    prisma.project.findMany({
      where: visible ? { id: { in: visible } } : {},
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true },
    }),
    prisma.user.findMany({ where: { role: 'agent' }, orderBy: { login: 'asc' }, select: { id: true, login: true } }),
  ]);
  return { projects, agents, outcomes: [...OUTCOME_CLASSES] };
}

/** One wrap-up for review: the disposition path, answers, order/lead, decision, revisions and deliveries. */
export async function wrapUpDetail(id: string) {
  if (!uuid(id)) return null;
  const wrapUp = await prisma.wrapUp.findUnique({ where: { id } });
  if (!wrapUp) return null;
  const attempt = await prisma.callAttempt.findUniqueOrThrow({ where: { id: wrapUp.attemptId } });
  const [rules, project, contact, agent, response, callback, history, writeBacks, products] = await Promise.all([
    rulesVersion(wrapUp.projectId, attempt.rulesVersion),
    prisma.project.findUniqueOrThrow({
      where: { id: wrapUp.projectId },
      select: { name: true, type: true, crmInstallationId: true },
    }),
    prisma.contact.findUniqueOrThrow({
      where: { id: wrapUp.contactId },
      select: { name: true, externalId: true, phoneMasked: true },
    }),
    wrapUp.agentId ? prisma.user.findUnique({ where: { id: wrapUp.agentId }, select: { login: true } }) : null,
    wrapUp.responseId
      ? prisma.questionnaireResponse.findUnique({
          where: { id: wrapUp.responseId },
          select: { answers: true, outcome: true, status: true },
        })
      : null,
    wrapUp.callbackId ? prisma.callback.findUnique({ where: { id: wrapUp.callbackId } }) : null,
    prisma.auditLog.findMany({
      where: { target: id, action: { in: ['wrapup.submit', 'wrapup.correct'] } },
      orderBy: { at: 'asc' },
    }),
    prisma.writeBack.findMany({ where: { wrapUpId: id }, orderBy: { createdAt: 'asc' } }),
    prisma.product.findMany({
      where: { projectId: wrapUp.projectId, active: true },
      orderBy: { code: 'asc' },
      select: { id: true, code: true, name: true, price: true },
    }),
  ]);
  const node = flattenDispositions(rules.dispositions).find((d) => d.code === wrapUp.dispositionCode);
  const path: Disposition['label'][] = node ? [...node.path.map((p) => p.label), node.label] : [];
  return {
    id: wrapUp.id,
    attemptId: wrapUp.attemptId,
    projectName: project.name,
    projectType: project.type,
    hasCrm: !!project.crmInstallationId,
    contact: { name: contact.name, ref: contact.externalId ?? wrapUp.contactId.toString(), phone: contact.phoneMasked },
    agent: agent?.login ?? '',
    dispositionCode: wrapUp.dispositionCode,
    dispositionPath: path,
    outcome: wrapUp.outcome,
    notes: wrapUp.notes,
    answers: (response?.answers ?? null) as Record<string, unknown> | null,
    questionnaireOutcome: response?.outcome ?? null,
    order: wrapUp.order as Record<string, unknown> | null,
    lead: wrapUp.lead as { summary: string; externalId?: string } | null,
    callback: callback ? { dueAt: callback.dueAt.toISOString(), personal: !!callback.agentId, state: callback.state } : null,
    decision: wrapUp.decision as { close: boolean; reason: string; nextAttemptAt: string | null },
    revision: wrapUp.revision,
    submittedAt: wrapUp.submittedAt.toISOString(),
    correctedAt: wrapUp.correctedAt?.toISOString() ?? null,
    revisions: history.map((h) => ({
      action: h.action,
      actor: h.actor,
      at: h.at.toISOString(),
      details: h.details as Record<string, unknown> | null,
    })),
    writeBacks: writeBacks.map((w) => ({
      id: w.id,
      kind: w.kind,
      state: w.state,
      tries: w.tries,
      idempotencyKey: w.idempotencyKey,
      lastError: w.lastError,
      deliveredAt: w.deliveredAt?.toISOString() ?? null,
    })),
    dispositions: rules.dispositions,
    products: project.type === 'sales' ? products : [],
  };
}
