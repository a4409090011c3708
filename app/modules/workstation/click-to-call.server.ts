import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import { sendJob } from '../../jobs/boss.server';
import { logger } from '../../utils/logger.server';
import { tasksForAgent } from '../tasks/dispatch.server';
import { type CallRequestResult, manualDial, requestCall } from './agent-dial.server';

// Click-to-call for business systems: with a project API key, a CRM asks Waihu to connect a named
// agent to a contact (or, with the `calls.number` scope, a number). The call goes through the
// same gate and reservation as the agent's own calls; the outcome is POSTed to the caller's
// webhook, signed, by a retried job.

export const ClickToCallSchema = z
  .object({
    /** The agent's login. */
    agent: z.string().trim().min(1).max(60),
    contactId: z
      .string()
      .regex(/^\d{1,18}$/)
      .optional(),
    externalId: z.string().trim().min(1).max(100).optional(),
    phone: z.string().trim().min(3).max(40).optional(),
    /** One of the agent's running tasks of this project; default: the first. */
    taskId: z.string().uuid().optional(),
    webhookUrl: z
      .string()
      .url()
      .regex(/^https?:\/\//)
      .max(500)
      .optional(),
  })
  .refine((b) => [b.contactId, b.externalId, b.phone].filter(Boolean).length === 1, {
    message: 'Give exactly one of contactId, externalId or phone.',
  });
export type ClickToCall = z.infer<typeof ClickToCallSchema>;

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Places the call for the agent; the answer says what happened (202 queued, 4xx and why). */
export async function clickToCall(projectId: string, keyId: string, input: ClickToCall): Promise<ApiAnswer> {
  const key = await prisma.apiKey.findUniqueOrThrow({ where: { id: keyId }, select: { scopes: true, prefix: true } });
  if (input.phone && !key.scopes.includes('calls.number'))
    return { status: 403, body: { error: 'scope_required', message: 'Dialling a number needs the calls.number scope.' } };
  const agent = await prisma.user.findUnique({ where: { login: input.agent }, select: { id: true, role: true, active: true } });
  if (!agent?.active || agent.role !== 'agent') return { status: 404, body: { error: 'agent_not_found' } };
  const tasks = (await tasksForAgent(agent.id)).filter((t) => t.projectId === projectId);
  const task = input.taskId ? tasks.find((t) => t.id === input.taskId) : tasks[0];
  if (!task) return { status: 422, body: { error: 'no_task', message: 'The agent has no running task of this project.' } };
  const actor = { id: agent.id, name: `api:${key.prefix}` };
  let result: CallRequestResult;
  if (input.phone) result = await manualDial(actor, { taskId: task.id, phone: input.phone });
  else {
    const contact = await prisma.contact.findFirst({
      where: {
        projectId,
        deletedAt: null,
        ...(input.contactId ? { id: BigInt(input.contactId) } : { externalId: input.externalId }),
      },
      select: { id: true },
    });
    if (!contact) return { status: 404, body: { error: 'contact_not_found' } };
    result = await requestCall(actor, { taskId: task.id, contactId: contact.id, mode: 'preview' });
  }
  if (!result.ok) {
    if (result.error === 'workstation.notAvailable') return { status: 409, body: { error: 'agent_busy' } };
    if (result.error === 'workstation.badNumber') return { status: 400, body: { error: 'invalid_phone' } };
    return { status: 422, body: { error: 'refused', reason: result.reason ?? result.error } };
  }
  if (input.webhookUrl)
    await prisma.callAttempt.update({
      where: { id: result.attemptId },
      data: { notifyUrl: input.webhookUrl, notifyKeyId: keyId },
    });
  return { status: 202, body: { attemptId: result.attemptId, taskId: task.id, status: 'queued' } };
}

export type CallEvent = 'ended' | 'wrappedUp';

/** Queues the outcome webhook of an attempt that asked for one (best effort; the job retries). */
export async function queueCallNotification(attemptId: string, event: CallEvent): Promise<void> {
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId }, select: { notifyUrl: true } });
  if (!attempt?.notifyUrl) return;
  await sendJob('calls.notify', { attemptId, event }).catch((error) =>
    logger.warn({ err: error, attemptId }, 'click-to-call webhook not queued'),
  );
}

/** The job: POSTs the event, signed with the key's hash; a failure throws so pg-boss retries. */
export async function deliverCallNotification(attemptId: string, event: CallEvent): Promise<void> {
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId } });
  if (!attempt?.notifyUrl || !attempt.notifyKeyId) return;
  const key = await prisma.apiKey.findUnique({ where: { id: attempt.notifyKeyId }, select: { hash: true } });
  if (!key) return;
  const [contact, wrapUp, agent] = await Promise.all([
    prisma.contact.findUnique({ where: { id: attempt.contactId }, select: { externalId: true } }),
    prisma.wrapUp.findUnique({ where: { attemptId }, select: { dispositionCode: true, outcome: true, notes: true } }),
    attempt.requestedBy ? prisma.user.findUnique({ where: { id: attempt.requestedBy }, select: { login: true } }) : null,
  ]);
  const body = JSON.stringify({
    event: `call.${event}`,
    attemptId,
    contactId: String(attempt.contactId),
    externalId: contact?.externalId ?? null,
    agent: agent?.login ?? null,
    result: attempt.result,
    cause: attempt.cause,
    talkSec: attempt.talkSec,
    endedAt: attempt.endedAt?.toISOString() ?? null,
    ...(event === 'wrappedUp' && wrapUp ? { disposition: wrapUp.dispositionCode, outcome: wrapUp.outcome } : {}),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', key.hash).update(`${timestamp}.${body}`).digest('hex');
  const response = await fetch(attempt.notifyUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-waihu-timestamp': timestamp,
      'x-waihu-signature': `sha256=${signature}`,
      'idempotency-key': `${attemptId}:${event}`,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
}
