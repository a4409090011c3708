import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import { finishAttempt } from '../dialing/attempts.server';
import { checkGate } from '../dialing/compliance';
import { admit, type DialTask, gateFacts } from '../dialing/gate.server';
import { publishDialerCommand, publishLive } from '../dialing/live.server';
import { normalizePhone } from '../lists/phone';
import { phoneHash, sealPhone } from '../lists/phone-vault.server';
import { eligibleContacts, tasksForAgent } from '../tasks/dispatch.server';
import type { SkipReason } from './pause-reasons';
import { contactProfile } from './screen-pop.server';

// Calls in the agent's hands: preview (the next contact, then call or skip), manual (a typed
// number) and callbacks. Each goes through the same compliance gate as the dialer's own calls;
// the attempt row is the dial job, and the agent is reserved for it until it ends.

/** How long a skipped contact stays out of the agent's preview queue. */
const SKIP_MINUTES = 60;

export type AgentActor = AuditActor & { id: string };
type AgentTask = Awaited<ReturnType<typeof tasksForAgent>>[number];

const dialTask = (t: AgentTask): DialTask | null =>
  t.rules && t.rulesVersion
    ? { id: t.id, projectId: t.projectId, rulesVersion: t.rulesVersion, rules: t.rules, running: true, selection: t.condition }
    : null;

/** The running tasks this agent works, with their project's name (the workstation's task list). */
export async function agentTasks(userId: string) {
  const tasks = await tasksForAgent(userId);
  const projects = new Map(
    (
      await prisma.project.findMany({
        where: { id: { in: tasks.map((t) => t.projectId) } },
        select: { id: true, name: true, type: true },
      })
    ).map((p) => [p.id, p]),
  );
  return tasks.map((t) => ({
    id: t.id,
    name: t.name,
    dialMode: t.dialMode,
    projectId: t.projectId,
    projectName: projects.get(t.projectId)?.name ?? '',
    projectType: projects.get(t.projectId)?.type ?? 'returnVisit',
  }));
}

export type CallRequestResult = { ok: true; attemptId: string } | { ok: false; error: string; reason?: string };

/**
 * Dials a contact for this agent: the gate decides, the agent is reserved for the call, and the
 * dialer is told (NOTIFY; its rounds pick up a missed one). Refused when the agent is on a call.
 */
export async function requestCall(
  actor: AgentActor,
  input: { taskId: string; contactId: bigint; mode: 'preview' | 'manual'; callbackId?: string },
): Promise<CallRequestResult> {
  const task = (await tasksForAgent(actor.id)).find((t) => t.id === input.taskId);
  const gateTask = task ? dialTask(task) : null;
  if (!gateTask) return { ok: false, error: 'workstation.taskNotYours' };
  const presence = await prisma.agentPresence.findUnique({ where: { userId: actor.id } });
  if (!presence || !['ready', 'paused'].includes(presence.state)) return { ok: false, error: 'workstation.notAvailable' };
  const admission = await admit(gateTask, input.contactId, input.mode, new Date(), {
    requestedBy: actor.id,
    callbackId: input.callbackId,
    manual: input.mode === 'manual',
  });
  if (!admission.ok) return { ok: false, error: 'workstation.refused', reason: admission.reason };
  const { count } = await prisma.agentPresence.updateMany({
    where: { userId: actor.id, state: { in: ['ready', 'paused'] } },
    // The pause reason stays: a call that does not connect returns the agent to their pause.
    data: { state: 'reserved', attemptId: admission.attemptId, since: new Date() },
  });
  if (!count) {
    // The predictive dialer gave the agent a call meanwhile: this one is not placed.
    await finishAttempt(admission.attemptId, { result: 'notPlaced', cause: 'AGENT_BUSY' });
    return { ok: false, error: 'workstation.notAvailable' };
  }
  await publishLive({ topic: 'agent', data: { userId: actor.id, state: 'reserved', attemptId: admission.attemptId } });
  await publishDialerCommand({ type: 'dial', attemptId: admission.attemptId });
  return { ok: true, attemptId: admission.attemptId };
}

/** Candidates looked at per preview: the first the gate would let through now is offered. */
const PREVIEW_CANDIDATES = 20;

/**
 * The next contact for a preview task of this agent — their assigned contacts first, then the
 * pool — that the compliance gate would let through now (so "call" is not refused for a reason
 * known in advance: retry interval, consent, hours, a call in flight).
 */
export async function previewNext(userId: string, language: string, taskId?: string) {
  const tasks = (await tasksForAgent(userId)).filter((t) => t.dialMode === 'preview' && (!taskId || t.id === taskId));
  const views = new Map((await agentTasks(userId)).map((t) => [t.id, t]));
  const now = new Date();
  for (const task of tasks) {
    const gateTask = dialTask(task);
    const view = views.get(task.id);
    if (!gateTask || !view) continue;
    for (const agentId of [userId, undefined]) {
      const candidates = await eligibleContacts(task.id, { agentId, limit: PREVIEW_CANDIDATES, now });
      const facts = await gateFacts(
        gateTask,
        candidates.map((c) => c.contactId),
        now,
        { requestedBy: userId },
      );
      const next = candidates.find((c) => {
        const f = facts.get(c.contactId);
        return f && checkGate(f).ok;
      });
      const profile = next ? await contactProfile(next.contactId, task.rulesVersion, language) : null;
      if (profile) return { task: view, ...profile };
    }
  }
  return null;
}

/** Skips a previewed contact (with a reason): out of the agent's queue for an hour, audited. */
export async function skipPreview(
  actor: AgentActor,
  input: { taskId: string; contactId: bigint; reason: SkipReason; note?: string },
) {
  const task = (await tasksForAgent(actor.id)).find((t) => t.id === input.taskId);
  if (!task) return { ok: false as const, error: 'workstation.taskNotYours' };
  const { count } = await prisma.contact.updateMany({
    where: { id: input.contactId, projectId: task.projectId, status: 'open' },
    data: { nextAttemptAt: new Date(Date.now() + SKIP_MINUTES * 60_000) },
  });
  if (!count) return { ok: false as const, error: 'workstation.contactGone' };
  await audit(actor, 'workstation.skip', `contact:${input.contactId}`, {
    taskId: task.id,
    reason: input.reason,
    note: input.note ?? '',
  } as Prisma.InputJsonValue);
  return { ok: true as const };
}

/**
 * A number typed on the dial pad: the project's contact with that number, or a new contact for
 * it, then the gate like any call. The number is kept only encrypted and shown back only masked.
 */
export async function manualDial(actor: AgentActor, input: { taskId: string; phone: string }): Promise<CallRequestResult> {
  const phone = normalizePhone(input.phone);
  if (!phone.ok) return { ok: false, error: 'workstation.badNumber' };
  const task = (await tasksForAgent(actor.id)).find((t) => t.id === input.taskId);
  if (!task) return { ok: false, error: 'workstation.taskNotYours' };
  const hash = phoneHash(phone.e164);
  let contact = await prisma.contact.findUnique({
    where: { projectId_phoneHash: { projectId: task.projectId, phoneHash: hash } },
  });
  if (!contact) {
    const sealed = sealPhone(phone.e164);
    contact = await prisma.contact.upsert({
      where: { projectId_phoneHash: { projectId: task.projectId, phoneHash: hash } },
      create: {
        projectId: task.projectId,
        name: `手动拨号 ${sealed.masked}`,
        phoneHash: hash,
        phoneCipher: sealed.cipher,
        phoneMasked: sealed.masked,
        phoneKind: phone.kind,
        tagSources: {},
      },
      update: {},
    });
  }
  await audit(actor, 'workstation.manualDial', `contact:${contact.id}`, { taskId: task.id, phone: contact.phoneMasked });
  return requestCall(actor, { taskId: task.id, contactId: contact.id, mode: 'manual' });
}

/** The agent's callbacks: their personal ones and their tasks' pool callbacks, soonest first. */
export async function callbacksFor(userId: string) {
  const tasks = await agentTasks(userId);
  const rows = await prisma.callback.findMany({
    where: {
      state: 'open',
      OR: [{ agentId: userId }, { agentId: null, taskId: { in: tasks.map((t) => t.id) } }],
    },
    orderBy: { dueAt: 'asc' },
    take: 100,
  });
  const contacts = new Map(
    (
      await prisma.contact.findMany({
        where: { id: { in: rows.map((r) => r.contactId) } },
        select: { id: true, name: true, phoneMasked: true },
      })
    ).map((c) => [c.id, c]),
  );
  const taskNames = new Map(tasks.map((t) => [t.id, t.name]));
  return rows.map((r) => ({
    id: r.id,
    taskId: r.taskId,
    taskName: taskNames.get(r.taskId) ?? '',
    contactId: String(r.contactId),
    name: contacts.get(r.contactId)?.name ?? '',
    phoneMasked: contacts.get(r.contactId)?.phoneMasked ?? '',
    dueAt: r.dueAt.toISOString(),
    personal: r.agentId === userId,
    note: r.note,
  }));
}

/** Calls a callback now (it must be due; the gate checks the rest). */
export async function callCallback(actor: AgentActor, callbackId: string): Promise<CallRequestResult> {
  const callback = await prisma.callback.findUnique({ where: { id: callbackId } });
  if (callback?.state !== 'open' || (callback.agentId && callback.agentId !== actor.id))
    return { ok: false, error: 'workstation.callbackGone' };
  if (callback.dueAt > new Date()) return { ok: false, error: 'workstation.callbackNotDue' };
  return requestCall(actor, { taskId: callback.taskId, contactId: callback.contactId, mode: 'preview', callbackId });
}
