import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCrm, startFakeCrm } from '../../../plugins/webhook-crm/fake-crm';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import type { FlowGraph } from '../questionnaires/graph';
import { createQuestionnaire, publish } from '../questionnaires/questionnaires.server';
import { answerText } from '../questionnaires/view';
import {
  backoffMs,
  deliverWriteBack,
  MAX_TRIES,
  retryWriteBack,
  shortError,
  sweepWriteBacks,
  writeBackPage,
} from './outbox.server';
import { listWrapUps, wrapUpDetail } from './reviews.server';
import { crmInstallation, endedCall, wrapUpProject } from './testing.server';
import { correctWrapUp, submitWrapUp, wrapUpContext } from './wrapup.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 21).toString('base64');
const SECRET = 'wrapup-secret-0123456';
const NO_JOB = { enqueue: false };
let crm: FakeCrm;
let fixture: Awaited<ReturnType<typeof wrapUpProject>>;

beforeAll(async () => {
  crm = await startFakeCrm(SECRET);
  fixture = await wrapUpProject({ crmInstallationId: await crmInstallation(crm.url, SECRET) });
});
afterAll(() => crm.close());

const later = (days: number, utcHour: number) => {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCHours(utcHour, 0, 0, 0);
  return d.toISOString();
};

/** Tries one item at the moment it is next due, until it is delivered or dead (no sleeping). */
async function driveUntilSettled(id: string, sweep = false) {
  for (let i = 0; i < 20; i++) {
    const row = await prisma.writeBack.findUniqueOrThrow({ where: { id } });
    if (row.state !== 'pending') return row;
    if (sweep) await sweepWriteBacks(row.nextTryAt);
    else await deliverWriteBack(id, row.nextTryAt);
  }
  throw new Error('not settled');
}

/** A call wrapped up with a disposition, and its result write-back (not yet tried). */
async function wrappedUp(project: typeof fixture, dispositionCode: string) {
  const call = await endedCall(project);
  const result = await submitWrapUp(project.actor, { attemptId: call.attemptId, dispositionCode }, new Date(), NO_JOB);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const row = await prisma.writeBack.findFirstOrThrow({ where: { wrapUpId: result.wrapUpId, kind: 'result' } });
  return { call, result, row };
}

const storedFor = (key: string) => [...crm.results.keys()].filter((k) => k === key).length;

describe('wrap-up submit', () => {
  it('closes the contact by the closing rule, writes one wrap-up and one pending write-back; a second submit changes nothing', async () => {
    const call = await endedCall(fixture);
    const context = await wrapUpContext(call.attemptId, fixture.agent.id);
    expect(context).toMatchObject({ attemptId: call.attemptId, projectType: 'returnVisit', wrapUpSeconds: 60, submitted: false });
    expect(await wrapUpContext(call.attemptId, (await insertUser('agent')).id)).toBeNull();

    const result = await submitWrapUp(
      fixture.actor,
      { attemptId: call.attemptId, dispositionCode: 'success.done', notes: '已核实' },
      new Date(),
      NO_JOB,
    );
    expect(result).toMatchObject({ ok: true, decision: { close: true, reason: 'success' } });
    if (!result.ok) throw new Error('refused');
    expect(await prisma.contact.findUniqueOrThrow({ where: { id: call.contactId } })).toMatchObject({
      status: 'closed',
      lastOutcome: 'success',
      nextAttemptAt: null,
    });
    const rows = await prisma.writeBack.findMany({ where: { wrapUpId: result.wrapUpId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'result', state: 'pending', idempotencyKey: `${result.wrapUpId}:result:1` });
    expect(rows[0]?.payload).toMatchObject({
      callId: call.attemptId,
      contact: { ref: call.contactId.toString(), externalId: call.externalId },
      outcome: 'success',
      disposition: 'success.done',
      agent: fixture.agent.login,
      durationSec: 90,
      notes: '已核实',
      fields: { attempts: 1 },
    });
    expect((await wrapUpContext(call.attemptId, fixture.agent.id))?.submitted).toBe(true);

    const again = await submitWrapUp(
      fixture.actor,
      { attemptId: call.attemptId, dispositionCode: 'failure.refused' },
      new Date(),
      NO_JOB,
    );
    expect(again).toEqual({ ok: false, errors: [{ field: 'attemptId', message: 'wrapup.errors.alreadySubmitted' }] });
    expect(await prisma.wrapUp.count({ where: { attemptId: call.attemptId } })).toBe(1);
    expect(await prisma.writeBack.count({ where: { wrapUpId: result.wrapUpId } })).toBe(1);
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: call.contactId } })).lastOutcome).toBe('success');
    expect(await prisma.auditLog.count({ where: { action: 'wrapup.submit', target: result.wrapUpId } })).toBe(1);
  });

  it('refuses an unknown or non-leaf disposition and a callback in the past or outside calling hours, writing nothing', async () => {
    const call = await endedCall(fixture);
    const before = await prisma.writeBack.count();
    const submit = (dispositionCode: string, at?: string) =>
      submitWrapUp(
        fixture.actor,
        { attemptId: call.attemptId, dispositionCode, ...(at ? { callback: { at, personal: true } } : {}) },
        new Date(),
        NO_JOB,
      );
    const field = async (r: ReturnType<typeof submit>) => {
      const out = await r;
      return out.ok ? null : out.errors[0];
    };
    expect(await field(submit('no.such.code'))).toEqual({
      field: 'dispositionCode',
      message: 'wrapup.errors.unknownDisposition',
    });
    expect(await field(submit('failure'))).toEqual({ field: 'dispositionCode', message: 'wrapup.errors.notLeaf' });
    // 02:00 in Shanghai (the project calls 09:00–20:00).
    expect(await field(submit('later.callback', later(2, 18)))).toEqual({
      field: 'callback.at',
      message: 'wrapup.errors.callbackOutsideHours',
    });
    expect(await field(submit('later.callback', later(-2, 3)))).toEqual({
      field: 'callback.at',
      message: 'wrapup.errors.callbackPast',
    });
    expect(await field(submit('later.callback'))).toEqual({ field: 'callback.at', message: 'wrapup.errors.callbackRequired' });
    expect(await field(submit('success.done', undefined).then((r) => r))).toBeNull();
    expect(await prisma.wrapUp.count({ where: { attemptId: call.attemptId } })).toBe(1);
    expect(await prisma.writeBack.count()).toBe(before + 1);

    // A personal callback at 11:00 in Shanghai: booked, and the case waits for it.
    const other = await endedCall(fixture);
    const at = later(2, 3);
    const booked = await submitWrapUp(
      fixture.actor,
      { attemptId: other.attemptId, dispositionCode: 'later.callback', callback: { at, personal: true } },
      new Date(),
      NO_JOB,
    );
    expect(booked).toMatchObject({ ok: true, decision: { close: false, reason: 'callback' } });
    const callback = await prisma.callback.findFirstOrThrow({ where: { contactId: other.contactId } });
    expect(callback).toMatchObject({ agentId: fixture.agent.id, taskId: fixture.taskId, state: 'open' });
    expect(callback.dueAt.toISOString()).toBe(at);
    expect((await prisma.contact.findUniqueOrThrow({ where: { id: other.contactId } })).nextAttemptAt?.toISOString()).toBe(at);
  });

  it('a project without a CRM keeps its result as skipped', async () => {
    const bare = await wrapUpProject();
    const call = await endedCall(bare);
    const result = await submitWrapUp(
      bare.actor,
      { attemptId: call.attemptId, dispositionCode: 'later.busy' },
      new Date(),
      NO_JOB,
    );
    expect(result).toMatchObject({ ok: true, decision: { close: false, reason: 'retry' } });
    if (!result.ok) return;
    expect(await prisma.writeBack.findMany({ where: { wrapUpId: result.wrapUpId } })).toMatchObject([
      { state: 'skipped', installationId: null },
    ]);
    const lead = await submitWrapUp(
      bare.actor,
      { attemptId: (await endedCall(bare)).attemptId, dispositionCode: 'success.done', lead: { summary: '想了解' } },
      new Date(),
      NO_JOB,
    );
    expect(lead).toEqual({ ok: false, errors: [{ field: 'lead', message: 'wrapup.errors.leadNoCrm' }] });
  });
});

describe('write-back delivery', () => {
  it('the CRM returning 500 five times then 200 gives exactly one effective delivery', async () => {
    const { row } = await wrappedUp(fixture, 'failure.refused');
    crm.failNext(5, 500);
    const first = await prisma.writeBack.findUniqueOrThrow({ where: { id: row.id } });
    expect(await deliverWriteBack(row.id, first.nextTryAt)).toBe('retry');
    const waiting = await prisma.writeBack.findUniqueOrThrow({ where: { id: row.id } });
    expect(waiting.lastError).toMatch(/HTTP 500/);
    // Backoff is honoured: not due a second before its time.
    expect(await deliverWriteBack(row.id, new Date(waiting.nextTryAt.getTime() - 1000))).toBe('notDue');
    const done = await driveUntilSettled(row.id);
    expect(done).toMatchObject({ state: 'delivered', tries: 6, lastError: null });
    expect(done.externalId).toMatch(/^X-/);
    expect(storedFor(row.idempotencyKey)).toBe(1);
    const sent = crm.requests.filter((r) => r.path === '/results' && r.headers['idempotency-key'] === row.idempotencyKey);
    expect(sent).toHaveLength(6);
    expect(sent.every((r) => r.verified)).toBe(true);
  });

  it('the CRM down for the whole test leaves the item in dead letters, visible, and retryable', async () => {
    const down = await startFakeCrm(SECRET);
    const port = Number(new URL(down.url).port);
    const project = await wrapUpProject({ crmInstallationId: await crmInstallation(down.url, SECRET) });
    await down.close();
    const { call, row } = await wrappedUp(project, 'success.done');
    const dead = await driveUntilSettled(row.id, true);
    expect(dead).toMatchObject({ state: 'dead', tries: MAX_TRIES });
    expect(dead.lastError).toBeTruthy();
    const page = await writeBackPage({ state: 'dead', projectId: project.projectId });
    expect(page.counts.dead).toBe(1);
    expect(page.rows).toMatchObject([
      { id: row.id, state: 'dead', tries: MAX_TRIES, contactRef: call.externalId, kind: 'result' },
    ]);
    expect(page.rows[0]?.lastError).toBe(dead.lastError);
    // A dead letter is not swept again.
    expect(await deliverWriteBack(row.id, new Date(Date.now() + 86_400_000))).toBe('notDue');

    const up = await startFakeCrm(SECRET, {}, port);
    try {
      const supervisor = await insertUser('supervisor');
      const badEdit = await retryWriteBack({ id: supervisor.id, name: supervisor.login }, row.id, '[1, 2]', new Date(), NO_JOB);
      expect(badEdit).toEqual({ ok: false, errors: [{ field: 'payload', message: 'wrapup.errors.payloadNotObject' }] });
      const edited = { ...(row.payload as Record<string, unknown>), notes: '主管补充' };
      const now = new Date();
      expect(
        await retryWriteBack({ id: supervisor.id, name: supervisor.login }, row.id, JSON.stringify(edited), now, NO_JOB),
      ).toEqual({ ok: true });
      expect(await deliverWriteBack(row.id, now)).toBe('delivered');
      expect(up.results.get(row.idempotencyKey)?.body).toMatchObject({ notes: '主管补充' });
      expect(await prisma.auditLog.count({ where: { action: 'wrapup.writeBack.editRetry', target: row.id } })).toBe(1);
      const after = await writeBackPage({ projectId: project.projectId });
      expect(after.counts).toMatchObject({ dead: 0, delivered: 1 });
      expect(after.latency.p50Ms).not.toBeNull();
    } finally {
      await up.close();
    }
  });

  it('killing the worker between wrap-up and delivery still delivers, once', async () => {
    const call = await endedCall(fixture);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tests/fixtures/wrapup-submit-and-die.ts',
        JSON.stringify([fixture.actor, { attemptId: call.attemptId, dispositionCode: 'success.done' }]),
      ],
      { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, s) => resolve(s)));
    expect(signal, err).toBe('SIGKILL');
    const submitted = JSON.parse(out.trim()) as { ok: boolean; wrapUpId: string };
    expect(submitted.ok).toBe(true);
    const row = await prisma.writeBack.findFirstOrThrow({ where: { wrapUpId: submitted.wrapUpId } });
    expect(row).toMatchObject({ state: 'pending', tries: 0 });

    // The next sweep (the worker's cron) delivers it; later sweeps send nothing more.
    await sweepWriteBacks(new Date(row.nextTryAt.getTime() + 1));
    await sweepWriteBacks(new Date(row.nextTryAt.getTime() + 3_600_000));
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'delivered', tries: 1 });
    expect(crm.requests.filter((r) => r.headers['idempotency-key'] === row.idempotencyKey)).toHaveLength(1);
    expect(storedFor(row.idempotencyKey)).toBe(1);
  });

  it('a CRM that stored the result but whose reply was lost gets the same key again and applies it once', async () => {
    const { row } = await wrappedUp(fixture, 'success.done');
    crm.dropRepliesNext(1);
    expect(await deliverWriteBack(row.id, row.nextTryAt)).toBe('retry');
    expect(storedFor(row.idempotencyKey)).toBe(1);
    const done = await driveUntilSettled(row.id);
    expect(done).toMatchObject({ state: 'delivered', tries: 2 });
    expect(crm.requests.filter((r) => r.headers['idempotency-key'] === row.idempotencyKey)).toHaveLength(2);
    expect(crm.results.size).toBe(new Set(crm.results.keys()).size);
    expect(storedFor(row.idempotencyKey)).toBe(1);
    expect(done.externalId).toBe(crm.results.get(row.idempotencyKey)?.externalId);
  });

  it('a lead reaches the CRM once through createLead, and its external id is written back onto the wrap-up', async () => {
    const sales = await wrapUpProject({
      type: 'sales',
      crmInstallationId: (await prisma.project.findUniqueOrThrow({ where: { id: fixture.projectId } })).crmInstallationId,
    });
    const product = await prisma.product.create({
      data: { projectId: sales.projectId, code: 'P-01', name: '百万医疗', price: '299.00', eligibility: {} },
    });
    const call = await endedCall(sales);
    // The agent ran the project's sales script on this call.
    const questionnaire = await createQuestionnaire(
      { name: 'supervisor' },
      { projectId: sales.projectId, name: '话术', starter: 'sales' },
    );
    await publish({ name: 'supervisor' }, questionnaire.id, { revision: 0 });
    const version = await prisma.questionnaireVersion.findFirstOrThrow({ where: { questionnaireId: questionnaire.id } });
    const node = (version.graph as unknown as FlowGraph).nodes.find((n) => n.question?.content.options?.length);
    if (!node) throw new Error('the sales starter has no choice question');
    const answer =
      node.question?.type === 'multiple' ? [node.question.content.options?.[0]?.code] : node.question?.content.options?.[0]?.code;
    const response = await prisma.questionnaireResponse.create({
      data: {
        versionId: version.id,
        projectId: sales.projectId,
        contactId: call.contactId,
        channel: 'agent',
        status: 'completed',
        outcome: 'interested',
        answers: { [node.id]: answer } as never,
        attemptId: call.attemptId,
        agentId: sales.agent.id,
      },
    });
    const context = await wrapUpContext(call.attemptId, sales.agent.id);
    expect(context?.products).toEqual([{ id: product.id, code: 'P-01', name: '百万医疗', price: '299.00' }]);
    expect(context).toMatchObject({ projectType: 'sales', responseId: response.id });
    const result = await submitWrapUp(
      sales.actor,
      {
        attemptId: call.attemptId,
        dispositionCode: 'success.done',
        order: { productId: product.id, amount: 299, quantity: 1, status: 'linkSent' },
        lead: { summary: '客户想了解家庭版' },
      },
      new Date(),
      NO_JOB,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const resultRow = await prisma.writeBack.findFirstOrThrow({ where: { wrapUpId: result.wrapUpId, kind: 'result' } });
    expect(resultRow.payload).toMatchObject({
      fields: {
        answers: { [node.id]: answer },
        answerTexts: { [node.id]: answerText(node, answer, 'zh-CN') },
        questionnaireOutcome: 'interested',
        order: { productCode: 'P-01', amount: 299, quantity: 1, status: 'linkSent' },
      },
    });
    expect(answerText(node, answer, 'zh-CN')).not.toBe(String(answer));
    const lead = await prisma.writeBack.findFirstOrThrow({ where: { wrapUpId: result.wrapUpId, kind: 'lead' } });
    expect(lead.idempotencyKey).toBe(`${result.wrapUpId}:lead:1`);
    await sweepWriteBacks(new Date(lead.nextTryAt.getTime() + 1));
    const delivered = await prisma.writeBack.findUniqueOrThrow({ where: { id: lead.id } });
    expect(delivered.state).toBe('delivered');
    expect(crm.requests.filter((r) => r.path === '/leads' && r.headers['idempotency-key'] === lead.idempotencyKey)).toHaveLength(
      1,
    );
    expect(crm.results.get(lead.idempotencyKey)?.body).toMatchObject({
      orderId: result.wrapUpId,
      product: 'P-01',
      amount: 299,
      fields: { summary: '客户想了解家庭版' },
    });
    const wrapUp = await prisma.wrapUp.findUniqueOrThrow({ where: { id: result.wrapUpId } });
    expect(wrapUp.lead).toEqual({ summary: '客户想了解家庭版', externalId: delivered.externalId });
    expect(wrapUp.order).toMatchObject({ productCode: 'P-01', amount: 299, status: 'linkSent' });

    // An order on a project that is not a sales project, or for another project's product, is refused.
    const other = await endedCall(fixture);
    expect(
      await submitWrapUp(
        fixture.actor,
        { attemptId: other.attemptId, dispositionCode: 'success.done', order: { productId: product.id, amount: 1 } },
        new Date(),
        NO_JOB,
      ),
    ).toEqual({ ok: false, errors: [{ field: 'order', message: 'wrapup.errors.orderNotSales' }] });
  });

  it('a supervisor corrects a wrap-up: revision 2, audited, re-delivered under a new key', async () => {
    const call = await endedCall(fixture);
    const result = await submitWrapUp(
      fixture.actor,
      { attemptId: call.attemptId, dispositionCode: 'success.done' },
      new Date(),
      NO_JOB,
    );
    if (!result.ok) throw new Error('refused');
    const supervisor = await insertUser('supervisor');
    const corrected = await correctWrapUp(
      { id: supervisor.id, userId: supervisor.id, name: supervisor.login },
      result.wrapUpId,
      { dispositionCode: 'later.busy', notes: '客户说在开会' },
      new Date(),
      NO_JOB,
    );
    expect(corrected).toMatchObject({ ok: true, decision: { close: false, reason: 'retry' } });
    const wrapUp = await prisma.wrapUp.findUniqueOrThrow({ where: { id: result.wrapUpId } });
    expect(wrapUp).toMatchObject({ revision: 2, dispositionCode: 'later.busy', outcome: 'retry', correctedById: supervisor.id });
    const contact = await prisma.contact.findUniqueOrThrow({ where: { id: call.contactId } });
    expect(contact).toMatchObject({ status: 'open', lastOutcome: 'retry' });
    expect(contact.nextAttemptAt).not.toBeNull();
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'wrapup.correct', target: result.wrapUpId } });
    expect(audit.details).toMatchObject({
      revision: 2,
      before: { disposition: 'success.done' },
      after: { disposition: 'later.busy' },
    });
    const second = await prisma.writeBack.findFirstOrThrow({ where: { idempotencyKey: `${result.wrapUpId}:result:2` } });
    expect(second.payload).toMatchObject({ disposition: 'later.busy', notes: '客户说在开会', fields: { revision: 2 } });
    await sweepWriteBacks(new Date(second.nextTryAt.getTime() + 1));
    expect((await prisma.writeBack.findUniqueOrThrow({ where: { id: second.id } })).state).toBe('delivered');
    expect(storedFor(`${result.wrapUpId}:result:1`)).toBe(1);
    expect(storedFor(`${result.wrapUpId}:result:2`)).toBe(1);

    // The review page shows it with its path, decision, revisions and both deliveries.
    const listed = await listWrapUps({ projectId: fixture.projectId, outcome: 'retry' });
    expect(listed.map((r) => r.id)).toContain(result.wrapUpId);
    const detail = await wrapUpDetail(result.wrapUpId);
    expect(detail).toMatchObject({
      revision: 2,
      dispositionPath: [{ zh: '再联系' }, { zh: '客户在忙' }],
      decision: { close: false, reason: 'retry' },
      agent: fixture.agent.login,
    });
    expect(detail?.revisions.map((r) => r.action)).toEqual(['wrapup.submit', 'wrapup.correct']);
    expect(detail?.writeBacks.map((w) => [w.idempotencyKey, w.state])).toEqual([
      [`${result.wrapUpId}:result:1`, 'delivered'],
      [`${result.wrapUpId}:result:2`, 'delivered'],
    ]);
  });

  it('do-not-call adds the number to the project DNC list, marks the contact, and is audited', async () => {
    const call = await endedCall(fixture);
    const result = await submitWrapUp(
      fixture.actor,
      { attemptId: call.attemptId, dispositionCode: 'dnc', notes: '客户要求' },
      new Date(),
      NO_JOB,
    );
    expect(result).toMatchObject({ ok: true, decision: { close: true, reason: 'doNotCall' } });
    const contact = await prisma.contact.findUniqueOrThrow({ where: { id: call.contactId } });
    expect(contact).toMatchObject({ dnc: true, status: 'closed', lastOutcome: 'doNotCall', consentStatus: 'refused' });
    expect(
      await prisma.dncEntry.findUnique({
        where: { scope_phoneHash: { scope: fixture.projectId, phoneHash: contact.phoneHash } },
      }),
    ).toMatchObject({
      source: 'wrapup',
      createdBy: fixture.agent.login,
    });
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: 'dnc.add', target: fixture.projectId } });
    expect(audit.details).toMatchObject({ source: 'wrapup', added: 1 });
  });
});

describe('outbox timing and errors', () => {
  it('backs off exponentially from 10 s, capped at one hour', () => {
    expect([1, 2, 3, 4, 7].map((n) => backoffMs(n))).toEqual([10_000, 20_000, 40_000, 80_000, 640_000]);
    expect(backoffMs(20)).toBe(3_600_000);
    expect(backoffMs(2, { baseMs: 1, capMs: 10, leaseMs: 5 })).toBe(2);
  });

  it('keeps errors short and without credentials or query strings', () => {
    expect(shortError('POST https://user:pa55@crm.example.com/results?token=abc failed: HTTP 500')).toBe(
      'POST https://***@crm.example.com/results?… failed: HTTP 500',
    );
    expect(shortError('x'.repeat(1000))).toHaveLength(300);
  });

  it('two workers trying the same item at once send it once', async () => {
    const { row } = await wrappedUp(fixture, 'success.done');
    const outcomes = await Promise.all([1, 2, 3].map(() => deliverWriteBack(row.id, row.nextTryAt)));
    expect(outcomes.sort()).toEqual(['delivered', 'notDue', 'notDue']);
    expect(await prisma.writeBack.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: 'delivered', tries: 1 });
    expect(crm.requests.filter((r) => r.headers['idempotency-key'] === row.idempotencyKey)).toHaveLength(1);
  });
});
