import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { boss, stopBoss } from '../app/jobs/boss.server';
import { startDialer } from '../app/modules/dialing/dialer.server';
import { closeLive, type LiveEvent, subscribeLive } from '../app/modules/dialing/live.server';
import { dialableTask } from '../app/modules/dialing/testing.server';
import { createApiKey } from '../app/modules/lists/api-keys.server';
import { deliverCallNotification } from '../app/modules/workstation/click-to-call.server';
import { changeState, controlCall, workstationState } from '../app/modules/workstation/workstation.server';
import { action as placeCall } from '../app/routes/api.v1.projects.$projectId.calls';
import { createSimSwitch } from '../app/telephony/sim/sim-switch';

// Click-to-call: a business system with a project API key connects a named agent to a contact; the
// call goes through the gate, rings through to that agent, and the outcome reaches the caller's
// webhook signed with the hash of its key. Real HTTP on 127.0.0.1, a real dialer on the sim switch.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 23).toString('base64');
let projectId = '';
let agentLogin = '';
let agentId = '';
let callKey = '';
let numberKey = '';
const events: LiveEvent[] = [];
const hooks: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let webhook: http.Server;
let webhookUrl = '';
let unsubscribe = () => {};

beforeAll(async () => {
  const fixture = await dialableTask(8, '1371357');
  projectId = fixture.projectId;
  const task = await prisma.task.findUniqueOrThrow({ where: { id: fixture.taskId } });
  const member = await prisma.skillGroupMember.findFirstOrThrow({ where: { groupId: task.skillGroupIds[0] } });
  const agent = await prisma.user.findUniqueOrThrow({ where: { id: member.userId } });
  agentId = agent.id;
  agentLogin = agent.login;
  callKey = (await createApiKey({ name: 't' }, projectId, 'CRM', ['calls.create'])).key;
  numberKey = (await createApiKey({ name: 't' }, projectId, 'CRM numbers', ['calls.create', 'calls.number'])).key;
  webhook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      hooks.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/waihu-calls`;
  unsubscribe = await subscribeLive((e) => events.push(e));
});

afterAll(async () => {
  unsubscribe();
  await closeLive();
  await stopBoss();
  await new Promise((resolve) => webhook.close(resolve));
});

async function post(body: unknown, key = callKey) {
  const request = new Request(`http://localhost/api/v1/projects/${projectId}/calls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
  const response = (await placeCall({ request, params: { projectId }, context: {} })) as Response;
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/v1/projects/{id}/calls', () => {
  it('validates the caller, the body and the agent', async () => {
    const contact = await prisma.contact.findFirstOrThrow({ where: { projectId, dnc: false } });
    expect((await post({ agent: agentLogin, contactId: String(contact.id) }, '')).status).toBe(401);
    expect((await post({ agent: agentLogin, contactId: '1', phone: '13900000000' })).status).toBe(400);
    expect((await post({ agent: agentLogin, phone: '13900000000' })).body).toMatchObject({ error: 'scope_required' });
    expect((await post({ agent: 'nobody', contactId: String(contact.id) })).status).toBe(404);
    // Signed out (offline): not available for a call.
    expect((await post({ agent: agentLogin, contactId: String(contact.id) })).status).toBe(409);
    const dnc = await prisma.contact.findFirstOrThrow({ where: { projectId, dnc: true } });
    await changeState(agentId, 'pause', 'break');
    expect(await post({ agent: agentLogin, contactId: String(dnc.id) })).toEqual({
      status: 422,
      body: { error: 'refused', reason: 'dnc' },
    });
    expect((await post({ agent: agentLogin, phone: '12' }, numberKey)).status).toBe(400);
  });

  it('rings the named agent through and reports the outcome to the signed webhook', async () => {
    const dialer = await startDialer({
      dialerId: 'c2c',
      autoAgents: false,
      softswitch: createSimSwitch({
        profile: { answer: 1, busy: 0, noAnswer: 0, machine: 0, invalid: 0, ringMeanSec: 2, talkMeanSec: 3600 },
        trunks: [{ id: 'sim-e1-a', capacity: 10 }],
        timeScale: 5,
        seed: 3,
        timings: { patienceMeanSec: 120 },
      }),
    });
    try {
      await changeState(agentId, 'pause', 'break');
      const contact = await prisma.contact.findFirstOrThrow({ where: { projectId, dnc: false, status: 'open' } });
      const placed = await post({ agent: agentLogin, contactId: String(contact.id), webhookUrl });
      expect(placed.status).toBe(202);
      const attemptId = String(placed.body.attemptId);
      // A second request while the first call is in hand: the agent is busy.
      expect((await post({ agent: agentLogin, contactId: String(contact.id) })).status).toBe(409);
      await expect
        .poll(() => events.some((e) => e.topic === 'screenPop' && e.to === agentId && e.data.attemptId === attemptId), {
          timeout: 20_000,
        })
        .toBe(true);
      expect(await prisma.callAttempt.findUniqueOrThrow({ where: { id: attemptId } })).toMatchObject({
        requestedBy: agentId,
        agentId,
        notifyUrl: webhookUrl,
      });
      await controlCall(agentId, 'hangup');
      await expect.poll(async () => (await workstationState(agentId)).state, { timeout: 10_000 }).toBe('wrapUp');
      // The ended attempt queued its notification; the job's handler delivers it.
      // (The agent is in wrap-up a moment before the attempt's end is written: poll.)
      await expect
        .poll(
          async () => (await (await boss()).findJobs('calls.notify', { data: { attemptId } })).map((j) => payloadOf(j.data)),
          {
            timeout: 10_000,
          },
        )
        .toEqual([{ attemptId, event: 'ended' }]);
      await deliverCallNotification(attemptId, 'ended');
      expect(hooks).toHaveLength(1);
      const hook = hooks[0]!;
      expect(JSON.parse(hook.body)).toMatchObject({ event: 'call.ended', attemptId, result: 'connected', agent: agentLogin });
      const secret = createHash('sha256').update(callKey).digest('hex');
      const expected = createHmac('sha256', secret).update(`${hook.headers['x-waihu-timestamp']}.${hook.body}`).digest('hex');
      expect(hook.headers['x-waihu-signature']).toBe(`sha256=${expected}`);
      expect(hook.body).not.toMatch(/1371357\d{4}/);
    } finally {
      await dialer.stop();
    }
  }, 60_000);
});

/** A job's payload without the request id it may carry (`_requestId`, for the worker's logs). */
function payloadOf(data: unknown) {
  const { _requestId: _, ...payload } = data as Record<string, unknown>;
  return payload;
}
