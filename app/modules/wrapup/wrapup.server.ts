import { randomUUID } from 'node:crypto';
import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import type { WrapUpResult } from '../../plugins/sdk';
import { type AuditActor, audit } from '../audit/audit.server';
import { attemptHistory } from '../dialing/gate.server';
import { isCallable } from '../projects/calling-hours';
import { type CaseDecision, decideCase, type OutcomeClass } from '../projects/closing-rules';
import { type Disposition, findDisposition } from '../projects/dispositions';
import type { ProjectRules } from '../projects/project-schema';
import { rulesVersion } from '../projects/projects.server';
import type { FlowGraph } from '../questionnaires/graph';
import { answerText } from '../questionnaires/view';
import { enqueueDeliveries } from './outbox.server';
import {
  type FieldError,
  WRAPUP_ERRORS,
  type WrapUpCorrection,
  WrapUpCorrectionSchema,
  type WrapUpInput,
  WrapUpInputSchema,
} from './wrapup-schema';

// The wrap-up (落单): the agent's record of a call. One transaction writes the record, applies the
// project's closing rule to the contact, books a callback or a do-not-call entry, and puts what the
// business system must receive into the write-back outbox (outbox.server.ts delivers it).

type Tx = Prisma.TransactionClient;
type Actor = AuditActor & { userId: string };
type Order = { productId: string; amount: number; quantity: number; status: 'confirmed' | 'linkSent' };
type Product = { id: string; code: string; name: string; price: string };

export interface SubmitOptions {
  /** Send a `wrapup.deliver` job after the commit (default: yes; the sweeper delivers either way). */
  enqueue?: boolean;
}

export type SubmitResult = { ok: true; wrapUpId: string; decision: CaseDecision } | { ok: false; errors: FieldError[] };

// A busy web process may wait seconds for a free connection; Prisma's default (2 s to start, 5 s
// in all) turned an agent's wrap-up into a 500 under bench:load. The wrap-up waits instead.
const WRAPUP_TRANSACTION = { maxWait: 15_000, timeout: 20_000 };

const fail = (field: string, message: string): { ok: false; errors: FieldError[] } => ({
  ok: false,
  errors: [{ field, message }],
});

const zodErrors = (issues: { path: PropertyKey[]; message: string }[]): { ok: false; errors: FieldError[] } => ({
  ok: false,
  errors: issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
});

export async function wrapUpContext(attemptId: string, agentId: string, now = new Date()) {
  if (!/^[0-9a-f-]{36}$/i.test(attemptId)) return null;
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId } });
  if (!attempt || attempt.agentId !== agentId) return null;
  const [rules, project, response, submitted] = await Promise.all([
    rulesVersion(attempt.projectId, attempt.rulesVersion),
    prisma.project.findUniqueOrThrow({ where: { id: attempt.projectId }, select: { type: true } }),
    prisma.questionnaireResponse.findFirst({
      where: { attemptId, agentId },
      orderBy: { startedAt: 'desc' },
      select: { id: true },
    }),
    prisma.wrapUp.findUnique({ where: { attemptId }, select: { id: true } }),
  ]);
  const products =
    project.type === 'sales'
      ? await prisma.product.findMany({
          where: { projectId: attempt.projectId, active: true },
          orderBy: { code: 'asc' },
          select: { id: true, code: true, name: true, price: true },
        })
      : [];
  const wrapUpSeconds = rules.wrapUpSeconds ?? 60;
  return {
    attemptId,
    taskId: attempt.taskId,
    projectId: attempt.projectId,
    projectType: project.type,
    contactId: attempt.contactId.toString(),
    dispositions: rules.dispositions,
    deadlineAt: new Date((attempt.endedAt ?? now).getTime() + wrapUpSeconds * 1000).toISOString(),
    wrapUpSeconds,
    products,
    responseId: response?.id ?? null,
    submitted: !!submitted,
  };
}

/** What is needed to validate a choice of disposition, read before any transaction. */
interface Facts {
  attempt: NonNullable<Awaited<ReturnType<typeof prisma.callAttempt.findUnique>>>;
  rules: ProjectRules;
  project: { id: string; type: string; crmInstallationId: string | null };
  contact: { id: bigint; externalId: string | null; phoneHash: string; phoneMasked: string; timeZone: string | null };
}

async function readFacts(attemptId: string): Promise<Facts | null> {
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId } });
  if (!attempt) return null;
  const [rules, project, contact] = await Promise.all([
    rulesVersion(attempt.projectId, attempt.rulesVersion),
    prisma.project.findUniqueOrThrow({
      where: { id: attempt.projectId },
      select: { id: true, type: true, crmInstallationId: true },
    }),
    prisma.contact.findUniqueOrThrow({
      where: { id: attempt.contactId },
      select: { id: true, externalId: true, phoneHash: true, phoneMasked: true, timeZone: true },
    }),
  ]);
  return { attempt, rules, project, contact };
}

interface Choice {
  disposition: Disposition;
  outcome: OutcomeClass;
  callbackAt: Date | null;
  product: Product | null;
}

/** The checks submit and correction share: a leaf disposition, a valid callback, order and lead. */
async function validateChoice(
  facts: Facts,
  input: {
    dispositionCode: string;
    callback?: { at: string; personal: boolean };
    order?: Order;
    lead?: { summary: string };
  },
  now: Date,
  existingCallbackAt: Date | null = null,
): Promise<{ ok: true; choice: Choice } | { ok: false; errors: FieldError[] }> {
  const disposition = findDisposition(facts.rules.dispositions, input.dispositionCode);
  if (!disposition) return fail('dispositionCode', WRAPUP_ERRORS.unknownDisposition);
  if (disposition.children?.length || !disposition.outcome) return fail('dispositionCode', WRAPUP_ERRORS.notLeaf);
  const outcome = disposition.outcome;
  let callbackAt: Date | null = null;
  if (outcome === 'callback') {
    if (input.callback) {
      callbackAt = new Date(input.callback.at);
      if (!input.callback.at || Number.isNaN(callbackAt.getTime())) return fail('callback.at', WRAPUP_ERRORS.callbackInvalid);
      if (callbackAt.getTime() <= now.getTime()) return fail('callback.at', WRAPUP_ERRORS.callbackPast);
      if (!isCallable(callbackAt, facts.contact.timeZone, facts.rules.callingHours)) {
        return fail('callback.at', WRAPUP_ERRORS.callbackOutsideHours);
      }
    } else if (existingCallbackAt) {
      callbackAt = existingCallbackAt;
    } else {
      return fail('callback.at', WRAPUP_ERRORS.callbackRequired);
    }
  }
  let product: Product | null = null;
  if (input.order) {
    if (facts.project.type !== 'sales') return fail('order', WRAPUP_ERRORS.orderNotSales);
    product = await prisma.product.findFirst({
      where: { id: input.order.productId, projectId: facts.project.id },
      select: { id: true, code: true, name: true, price: true },
    });
    if (!product) return fail('order.productId', WRAPUP_ERRORS.unknownProduct);
  }
  if (input.lead && !facts.project.crmInstallationId) return fail('lead', WRAPUP_ERRORS.leadNoCrm);
  return { ok: true, choice: { disposition, outcome, callbackAt, product } };
}

const orderRecord = (order: Order | undefined, product: Product | null) =>
  order && product
    ? {
        productId: product.id,
        productCode: product.code,
        productName: product.name,
        amount: order.amount,
        quantity: order.quantity,
        status: order.status,
      }
    : null;

/** Applies the closing rule with the disposition's outcome as the attempt's record; updates the contact. */
async function applyDecision(tx: Tx, facts: Facts, choice: Choice, reopen: boolean): Promise<CaseDecision> {
  const { attempt, rules } = facts;
  const previous = await tx.callAttempt.findMany({
    where: {
      contactId: attempt.contactId,
      projectId: attempt.projectId,
      endedAt: { not: null },
      id: { not: attempt.id },
      queuedAt: { lte: attempt.queuedAt },
    },
    orderBy: { queuedAt: 'asc' },
    select: { queuedAt: true, result: true, phoneSlot: true },
  });
  const contact = await tx.contact.findUniqueOrThrow({
    where: { id: attempt.contactId },
    select: { secondaryPhoneCipher: true },
  });
  const history = [
    ...attemptHistory(previous, (rules.secondaryAfterFailures ?? 0) > 0 && !!contact.secondaryPhoneCipher),
    { at: attempt.queuedAt, outcome: choice.outcome },
  ];
  const decision = decideCase(rules.closingRule, rules.retryPolicy, history, {
    callbackAt: choice.callbackAt ?? undefined,
  });
  await tx.contact.update({
    where: { id: attempt.contactId },
    data: {
      lastOutcome: choice.outcome,
      ...(decision.close
        ? { status: 'closed', nextAttemptAt: null }
        : { nextAttemptAt: decision.nextAttemptAt, ...(reopen ? { status: 'open' } : {}) }),
    },
  });
  return decision;
}

const decisionJson = (d: CaseDecision) => ({
  close: d.close,
  reason: d.reason,
  nextAttemptAt: !d.close && d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
});

async function addDnc(tx: Tx, facts: Facts, actor: AuditActor, note: string): Promise<boolean> {
  const created = await tx.dncEntry.createMany({
    data: [
      {
        scope: facts.project.id,
        phoneHash: facts.contact.phoneHash,
        phoneMasked: facts.contact.phoneMasked,
        source: 'wrapup',
        note: note.slice(0, 200) || null,
        createdBy: actor.name,
      },
    ],
    skipDuplicates: true,
  });
  // Asking not to be called withdraws marketing consent too, with the call as its evidence.
  await tx.contact.updateMany({
    where: { projectId: facts.project.id, phoneHash: facts.contact.phoneHash },
    data: {
      dnc: true,
      consentStatus: 'refused',
      consentEvidence: {
        source: 'wrapup',
        at: new Date().toISOString(),
        channel: 'call',
        attemptId: facts.attempt.id,
        by: actor.name,
      },
    },
  });
  return created.count === 1;
}

/** The DNC list's audit row for an entry a wrap-up added (after the commit, like every audit). */
const auditDnc = (actor: AuditActor, facts: Facts, wrapUpId: string, added: boolean) =>
  audit(actor, 'dnc.add', facts.project.id, {
    source: 'wrapup',
    wrapUpId,
    contactId: facts.contact.id.toString(),
    phone: facts.contact.phoneMasked,
    added: added ? 1 : 0,
  });

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

/** The answers as the agent saw them (option labels, 是/否), in Chinese, keyed by node id. */
function answerTexts(answers: unknown, graph: unknown): Record<string, string> {
  const nodes = new Map(((graph as FlowGraph | null)?.nodes ?? []).map((n) => [n.id, n]));
  return Object.fromEntries(
    Object.entries((answers ?? {}) as Record<string, unknown>).map(([nodeId, value]) => [
      nodeId,
      answerText(nodes.get(nodeId), value, 'zh-CN'),
    ]),
  );
}

/** The SDK's WrapUpResult for the business system (callId = the attempt). */
async function resultPayload(
  tx: Tx,
  facts: Facts,
  wrapUp: {
    id: string;
    agentId: string | null;
    dispositionCode: string;
    outcome: string;
    notes: string;
    order: unknown;
    responseId: string | null;
    submittedAt: Date;
    revision: number;
    decision: unknown;
  },
): Promise<WrapUpResult> {
  const { attempt, contact } = facts;
  const [agent, response, counted] = await Promise.all([
    wrapUp.agentId ? tx.user.findUnique({ where: { id: wrapUp.agentId }, select: { login: true } }) : null,
    wrapUp.responseId
      ? tx.questionnaireResponse.findUnique({
          where: { id: wrapUp.responseId },
          select: { answers: true, outcome: true, version: { select: { graph: true } } },
        })
      : null,
    tx.contact.findUniqueOrThrow({ where: { id: contact.id }, select: { attempts: true } }),
  ]);
  return json({
    callId: attempt.id,
    contact: { ref: contact.id.toString(), ...(contact.externalId ? { externalId: contact.externalId } : {}) },
    outcome: wrapUp.outcome,
    disposition: wrapUp.dispositionCode,
    ...(agent ? { agent: agent.login } : {}),
    startedAt: (attempt.connectedAt ?? attempt.dialingAt ?? attempt.queuedAt).toISOString(),
    durationSec: attempt.talkSec ?? 0,
    notes: wrapUp.notes,
    fields: {
      answers: response?.answers ?? {},
      answerTexts: response ? answerTexts(response.answers, response.version.graph) : {},
      questionnaireOutcome: response?.outcome ?? null,
      order: wrapUp.order ?? null,
      // Product links the agent sent during the call (masked number, when, which product).
      linksSent: attempt.linksSent ?? [],
      attempts: counted.attempts,
      wrapUpAt: wrapUp.submittedAt.toISOString(),
      revision: wrapUp.revision,
      decision: wrapUp.decision,
    },
  }) as unknown as WrapUpResult;
}

const leadPayload = (facts: Facts, wrapUpId: string, lead: { summary: string }, order: ReturnType<typeof orderRecord>) =>
  json({
    orderId: wrapUpId,
    contact: { ref: facts.contact.id.toString(), ...(facts.contact.externalId ? { externalId: facts.contact.externalId } : {}) },
    ...(order ? { product: order.productCode, amount: order.amount } : {}),
    fields: { summary: lead.summary, ...(order ? { productName: order.productName, quantity: order.quantity } : {}) },
  });

/** Outbox rows for one revision; returns the ids that wait for delivery. */
async function writeOutbox(
  tx: Tx,
  facts: Facts,
  wrapUpId: string,
  revision: number,
  result: WrapUpResult,
  lead: Prisma.InputJsonValue | null,
): Promise<string[]> {
  const installationId = facts.project.crmInstallationId;
  const pending: string[] = [];
  const row = await tx.writeBack.create({
    data: {
      wrapUpId,
      projectId: facts.project.id,
      installationId,
      kind: 'result',
      idempotencyKey: `${wrapUpId}:result:${revision}`,
      payload: result as unknown as Prisma.InputJsonValue,
      state: installationId ? 'pending' : 'skipped',
    },
  });
  if (installationId) pending.push(row.id);
  if (lead && installationId) {
    const leadRow = await tx.writeBack.create({
      data: {
        wrapUpId,
        projectId: facts.project.id,
        installationId,
        kind: 'lead',
        idempotencyKey: `${wrapUpId}:lead:${revision}`,
        payload: lead,
      },
    });
    pending.push(leadRow.id);
  }
  return pending;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === 'P2002';

export async function submitWrapUp(
  actor: Actor,
  input: WrapUpInput,
  now = new Date(),
  options: SubmitOptions = {},
): Promise<SubmitResult> {
  const parsed = WrapUpInputSchema.safeParse(input);
  if (!parsed.success) return zodErrors(parsed.error.issues);
  const data = parsed.data;
  const facts = await readFacts(data.attemptId);
  if (!facts) return fail('attemptId', WRAPUP_ERRORS.attemptNotFound);
  const { attempt } = facts;
  if (attempt.agentId !== actor.userId) return fail('attemptId', WRAPUP_ERRORS.notYourAttempt);
  if (!attempt.endedAt) return fail('attemptId', WRAPUP_ERRORS.notEnded);
  if (await prisma.wrapUp.findUnique({ where: { attemptId: attempt.id }, select: { id: true } })) {
    return fail('attemptId', WRAPUP_ERRORS.alreadySubmitted);
  }
  const checked = await validateChoice(facts, data, now);
  if (!checked.ok) return checked;
  const { choice } = checked;
  const rules = facts.rules;
  const response = await prisma.questionnaireResponse.findFirst({
    where: { attemptId: attempt.id, agentId: actor.userId },
    orderBy: { startedAt: 'desc' },
    select: { id: true },
  });
  const wrapUpId = randomUUID();
  const order = orderRecord(data.order, choice.product);
  let outcome: { decision: CaseDecision; pending: string[]; dncAdded: boolean };
  try {
    outcome = await prisma.$transaction(async (tx) => {
      const callback =
        choice.outcome === 'callback' && choice.callbackAt
          ? await tx.callback.create({
              data: {
                projectId: attempt.projectId,
                taskId: attempt.taskId,
                contactId: attempt.contactId,
                agentId: data.callback?.personal ? actor.userId : null,
                dueAt: choice.callbackAt,
                note: data.notes,
                wrapUpId,
              },
            })
          : null;
      const decision = await applyDecision(tx, facts, choice, false);
      const wrapUp = await tx.wrapUp.create({
        data: {
          id: wrapUpId,
          attemptId: attempt.id,
          taskId: attempt.taskId,
          projectId: attempt.projectId,
          contactId: attempt.contactId,
          agentId: actor.userId,
          dispositionCode: choice.disposition.code,
          outcome: choice.outcome,
          notes: data.notes,
          responseId: response?.id ?? null,
          order: order ?? undefined,
          lead: data.lead ? { summary: data.lead.summary } : undefined,
          callbackId: callback?.id ?? null,
          decision: decisionJson(decision),
          startedAt: attempt.endedAt ?? now,
          deadlineAt: new Date((attempt.endedAt ?? now).getTime() + (rules.wrapUpSeconds ?? 60) * 1000),
          submittedAt: now,
        },
      });
      const dncAdded = choice.outcome === 'doNotCall' ? await addDnc(tx, facts, actor, data.notes) : false;
      const result = await resultPayload(tx, facts, wrapUp);
      const lead = data.lead ? leadPayload(facts, wrapUpId, data.lead, order) : null;
      const pending = await writeOutbox(tx, facts, wrapUpId, 1, result, lead);
      return { decision, pending, dncAdded };
    }, WRAPUP_TRANSACTION);
  } catch (error) {
    if (isUniqueViolation(error)) return fail('attemptId', WRAPUP_ERRORS.alreadySubmitted);
    throw error;
  }
  await audit(actor, 'wrapup.submit', wrapUpId, {
    attemptId: attempt.id,
    disposition: choice.disposition.code,
    outcome: choice.outcome,
    decision: decisionJson(outcome.decision),
    ...(order ? { order: json(order) } : {}),
    ...(data.lead ? { lead: true } : {}),
  });
  if (choice.outcome === 'doNotCall') await auditDnc(actor, facts, wrapUpId, outcome.dncAdded);
  if (options.enqueue !== false) await enqueueDeliveries(outcome.pending);
  return { ok: true, wrapUpId, decision: outcome.decision };
}

/**
 * A supervisor's correction: validated like a submit, a new revision, the closing decision applied
 * again, audited with before and after, and a new result delivery under the new revision's key.
 */
export async function correctWrapUp(
  actor: Actor,
  wrapUpId: string,
  changes: WrapUpCorrection,
  now = new Date(),
  options: SubmitOptions = {},
): Promise<SubmitResult> {
  const parsed = WrapUpCorrectionSchema.safeParse(changes);
  if (!parsed.success) return zodErrors(parsed.error.issues);
  const data = parsed.data;
  const before = /^[0-9a-f-]{36}$/i.test(wrapUpId) ? await prisma.wrapUp.findUnique({ where: { id: wrapUpId } }) : null;
  if (!before) return fail('wrapUpId', WRAPUP_ERRORS.notFound);
  const facts = await readFacts(before.attemptId);
  if (!facts) return fail('wrapUpId', WRAPUP_ERRORS.notFound);
  const callback = before.callbackId ? await prisma.callback.findUnique({ where: { id: before.callbackId } }) : null;
  const checked = await validateChoice(facts, data, now, callback?.state === 'open' ? callback.dueAt : null);
  if (!checked.ok) return checked;
  const { choice } = checked;
  const order = data.order ? orderRecord(data.order, choice.product) : ((before.order as ReturnType<typeof orderRecord>) ?? null);
  const beforeLead = before.lead as { summary: string; externalId?: string } | null;
  const newLead = data.lead && data.lead.summary !== beforeLead?.summary ? data.lead : null;
  const revision = before.revision + 1;
  const outcome = await prisma.$transaction(async (tx) => {
    // Conditional on the revision read: two corrections at once cannot both apply.
    const { count } = await tx.wrapUp.updateMany({
      where: { id: wrapUpId, revision: before.revision },
      data: { revision },
    });
    if (count === 0) return null;
    if (callback?.state === 'open' && choice.outcome !== 'callback') {
      await tx.callback.update({ where: { id: callback.id }, data: { state: 'cancelled' } });
    }
    const decision = await applyDecision(tx, facts, choice, true);
    const wrapUp = await tx.wrapUp.update({
      where: { id: wrapUpId },
      data: {
        dispositionCode: choice.disposition.code,
        outcome: choice.outcome,
        notes: data.notes,
        order: order ?? undefined,
        ...(newLead ? { lead: { summary: newLead.summary } } : {}),
        decision: decisionJson(decision),
        correctedById: actor.userId,
        correctedAt: now,
      },
    });
    const dncAdded =
      choice.outcome === 'doNotCall' && before.outcome !== 'doNotCall' ? await addDnc(tx, facts, actor, data.notes) : false;
    const result = await resultPayload(tx, facts, wrapUp);
    const lead = newLead ? leadPayload(facts, wrapUpId, newLead, order) : null;
    const pending = await writeOutbox(tx, facts, wrapUpId, revision, result, lead);
    return { decision, pending, dncAdded };
  });
  if (!outcome) return fail('wrapUpId', WRAPUP_ERRORS.stale);
  await audit(actor, 'wrapup.correct', wrapUpId, {
    revision,
    before: json({
      disposition: before.dispositionCode,
      outcome: before.outcome,
      notes: before.notes,
      order: before.order,
      lead: before.lead,
      decision: before.decision,
    }),
    after: json({
      disposition: choice.disposition.code,
      outcome: choice.outcome,
      notes: data.notes,
      order,
      lead: newLead ?? beforeLead,
      decision: decisionJson(outcome.decision),
    }),
  });
  if (choice.outcome === 'doNotCall' && before.outcome !== 'doNotCall') await auditDnc(actor, facts, wrapUpId, outcome.dncAdded);
  if (options.enqueue !== false) await enqueueDeliveries(outcome.pending);
  return { ok: true, wrapUpId, decision: outcome.decision };
}
