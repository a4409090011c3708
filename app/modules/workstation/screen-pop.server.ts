import { prisma } from '../../db/prisma.server';
import { shownFieldValue } from '../lists/stored-contact';
import { tagColors } from '../lists/tags.server';
import { flattenDispositions } from '../projects/dispositions';
import { recommendProducts } from '../projects/products.server';
import { getProject, rulesVersion } from '../projects/projects.server';
import { runnerState } from '../questionnaires/runner.server';

// The screen-pop: everything the agent sees about the customer the moment a call connects, built
// for the agent's eyes — the fields the template shows agents (sensitive ones masked), the masked
// phone, tags, earlier attempts and answers, open callbacks and, for sales, the products to offer.
// Never a full phone number: the contact's phone only exists here as its mask.

const HISTORY = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREVIOUS_RESPONSES = 3;

export type ContactProfile = NonNullable<Awaited<ReturnType<typeof contactProfile>>>;
export type ScreenPop = NonNullable<Awaited<ReturnType<typeof screenPop>>>;

/** The pop for an attempt of this agent (null when the attempt is not theirs). */
export async function screenPop(attemptId: string, agentId: string, language: string) {
  if (!UUID.test(attemptId)) return null;
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId } });
  if (!attempt || (attempt.agentId !== agentId && attempt.requestedBy !== agentId)) return null;
  const task = await prisma.task.findUnique({ where: { id: attempt.taskId } });
  const profile = await contactProfile(attempt.contactId, attempt.rulesVersion, language, attempt);
  if (!task || !profile) return null;
  return {
    attempt: {
      id: attempt.id,
      state: attempt.state,
      mode: attempt.mode,
      result: attempt.result,
      connectedAt: attempt.connectedAt?.toISOString() ?? null,
      endedAt: attempt.endedAt?.toISOString() ?? null,
      talkSec: attempt.talkSec,
    },
    task: { id: task.id, name: task.name, questionnaireVersionId: task.questionnaireVersionId },
    ...profile,
  };
}

/**
 * The customer as the agent may see them (preview card and screen-pop). `attempt`: the call in
 * hand, left out of the history and telling which of the numbers is dialled.
 */
export async function contactProfile(
  contactId: bigint,
  rulesVersionNumber: number | null,
  language: string,
  attempt?: { id: string; phoneSlot: string },
) {
  const contact = await prisma.contact.findUnique({ where: { id: contactId } });
  if (!contact || contact.deletedAt) return null;
  const [project, colors] = await Promise.all([getProject(contact.projectId), tagColors()]);
  const rules = rulesVersionNumber ? await rulesVersion(project.id, rulesVersionNumber) : project.rules;
  const labels = new Map(flattenDispositions(rules.dispositions).map((d) => [d.code, d.label]));
  const [attempts, wrapUps, responses, callbacks, products] = await Promise.all([
    prisma.callAttempt.findMany({
      where: { contactId: contact.id, ...(attempt ? { NOT: { id: attempt.id } } : {}) },
      orderBy: { queuedAt: 'desc' },
      take: HISTORY * 2,
      select: { id: true, queuedAt: true, result: true, talkSec: true, agentId: true, mode: true },
    }),
    prisma.wrapUp.findMany({ where: { contactId: contact.id }, select: { attemptId: true, dispositionCode: true, notes: true } }),
    prisma.questionnaireResponse.findMany({
      where: { contactId: contact.id, ...(attempt ? { NOT: { attemptId: attempt.id } } : {}) },
      orderBy: { startedAt: 'desc' },
      take: PREVIOUS_RESPONSES,
      select: { id: true, startedAt: true, channel: true, status: true, outcome: true },
    }),
    prisma.callback.findMany({
      where: { contactId: contact.id, state: 'open' },
      orderBy: { dueAt: 'asc' },
      select: { id: true, dueAt: true, agentId: true, note: true },
    }),
    project.type === 'sales' ? recommendProducts(project.id, contact.id) : Promise.resolve([]),
  ]);
  const agentIds = [...new Set([...attempts.map((a) => a.agentId), ...callbacks.map((c) => c.agentId)].filter(Boolean))];
  const agents = new Map(
    (await prisma.user.findMany({ where: { id: { in: agentIds as string[] } }, select: { id: true, displayName: true } })).map(
      (u) => [u.id, u.displayName],
    ),
  );
  const wrapByAttempt = new Map(wrapUps.map((w) => [w.attemptId, w]));
  const answers = await Promise.all(
    responses.map(async (r) => ({
      id: r.id,
      at: r.startedAt.toISOString(),
      channel: r.channel,
      status: r.status,
      outcome: r.outcome,
      answered: (await runnerState(r.id, language).catch(() => null))?.answered ?? [],
    })),
  );
  const label = (l: { zh: string; en: string }) => (language === 'en' ? l.en : l.zh);
  return {
    project: { id: project.id, name: project.name, type: project.type },
    contact: {
      id: String(contact.id),
      name: contact.name,
      phoneMasked:
        attempt?.phoneSlot === 'secondary' ? (contact.secondaryPhoneMasked ?? contact.phoneMasked) : contact.phoneMasked,
      status: contact.status,
      attempts: contact.attempts,
      tags: contact.tags.map((tag) => ({ tag, color: colors[tag] ?? 'blue' })),
      fields: project.fields
        .filter((f) => f.visibleToAgents && f.type !== 'phone' && f.key !== 'name')
        .map((f) => {
          const value = shownFieldValue(f.key, contact);
          // An option's label, not its stored code.
          const option = f.type === 'enum' ? f.options?.find((o) => o.value === value) : undefined;
          return { key: f.key, label: label(f.label), value: option ? label(option.label) : value, sensitive: f.sensitive };
        }),
    },
    // Calls the switch never placed are not part of the customer's story.
    history: attempts
      .filter((a) => a.result !== 'notPlaced')
      .slice(0, HISTORY)
      .map((a) => {
        const w = wrapByAttempt.get(a.id);
        const disposition = w ? labels.get(w.dispositionCode) : undefined;
        return {
          id: a.id,
          at: a.queuedAt.toISOString(),
          mode: a.mode,
          result: a.result,
          talkSec: a.talkSec,
          agent: a.agentId ? (agents.get(a.agentId) ?? null) : null,
          disposition: disposition ? label(disposition) : (w?.dispositionCode ?? null),
          notes: w?.notes ?? '',
        };
      }),
    answers,
    callbacks: callbacks.map((c) => ({
      id: c.id,
      dueAt: c.dueAt.toISOString(),
      agent: c.agentId ? (agents.get(c.agentId) ?? null) : null,
      note: c.note,
    })),
    products: products.map((p) => ({
      id: p.id,
      code: p.code,
      name: p.name,
      price: p.price,
      description: p.description,
      link: p.link,
    })),
  };
}
