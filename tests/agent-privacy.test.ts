import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { can, type RouteAccess } from '../app/modules/auth/permissions';
import { createSession } from '../app/modules/auth/session.server';
import { startDialer } from '../app/modules/dialing/dialer.server';
import { closeLive } from '../app/modules/dialing/live.server';
import { importFromApi } from '../app/modules/lists/api-import.server';
import { createApiKey } from '../app/modules/lists/api-keys.server';
import { customField, FIXED_FIELDS } from '../app/modules/lists/field-template';
import { AROUND_THE_CLOCK } from '../app/modules/projects/calling-hours';
import { saveProduct } from '../app/modules/projects/products.server';
import { changeProjectRules, createProject } from '../app/modules/projects/projects.server';
import { createQuestionnaire, publish } from '../app/modules/questionnaires/questionnaires.server';
import { TaskInputSchema } from '../app/modules/tasks/task-schema';
import { createTask, transitionTask } from '../app/modules/tasks/tasks.server';
import { createInstallation, saveConfig, setEnabled } from '../app/plugins/installations.server';
import { createSimSwitch } from '../app/telephony/sim/sim-switch';
import { insertUser, request } from './helpers';
import { startNotifyStandIn } from './notify-stand-in';
import { routeFiles, routeUrl } from './route-permissions';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 5).toString('base64');
const PHONES = ['13512340001', '13512340002', '13512340003'];
let projectId = '';

beforeAll(async () => {
  projectId = (await createProject({ name: 't' }, { name: '隐私', type: 'returnVisit', description: '' })).id;
  const { keyId } = { keyId: (await createApiKey({ name: 't' }, projectId, 'k', ['contacts.write'])).prefix };
  await importFromApi(
    projectId,
    keyId,
    PHONES.map((phone, i) => ({ name: `客户${i}`, phone })),
  );
});

/** A response's text; a live stream (server-sent events) is read for a moment, then closed. */
async function responseText(response: Response): Promise<string> {
  if (!response.headers.get('content-type')?.includes('text/event-stream')) return response.clone().text();
  const reader = response.body?.getReader();
  if (!reader) return '';
  let text = '';
  const stop = setTimeout(() => void reader.cancel(), 300);
  for (;;) {
    const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  clearTimeout(stop);
  return text;
}

describe('an agent never receives a full phone number', () => {
  it('through any loader or action of any route', async () => {
    const agent = await insertUser('agent');
    const cookie = (await createSession(request('/login'), agent.id)).split(';')[0]!;
    const seen: string[] = [];
    for (const file of routeFiles(path.resolve('app/routes'))) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, ((a: unknown) => Promise<unknown>) | undefined>;
      for (const kind of ['loader', 'action'] as const) {
        const handler = mod[kind];
        if (!handler) continue;
        const params = {
          projectId,
          contactId: '1',
          importId: crypto.randomUUID(),
          module: 'no-such-module',
          installationId: crypto.randomUUID(),
        };
        const req = request(`/x?full=1`, {
          method: kind === 'action' ? 'POST' : 'GET',
          cookie,
          headers: { 'content-type': 'application/json' },
          body: kind === 'action' ? '{}' : undefined,
        });
        const result = await handler({ request: req, params, context: {} }).catch((thrown: unknown) => thrown);
        const body =
          result instanceof Response
            ? await responseText(result)
            : JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
        seen.push(`${path.basename(file)} ${kind}: ${body ?? ''}`);
      }
    }
    const everything = seen.join('\n');
    for (const phone of PHONES) expect(everything).not.toContain(phone.slice(3));
    expect(seen.length).toBeGreaterThan(20);
  });
});

// Issue 12, item 4: an agent's browser never receives a full phone number or a sensitive value.
// A real call cycle on the sim switch — ready, screen-pop, script, product link (really sent
// through a notify plugin), hold, hang-up, wrap-up with a callback, the callback list, the next
// preview contact — with the agent's live stream open throughout; then every loader and action
// the agent may reach, with the real ids of that call. Everything
// the agent received is scanned for the contacts' phones (national and E.164, with or without
// separators) and the values of every field the template marks sensitive.

const CONTACTS = [
  { name: '周一', phone: '13813570001', secondaryPhone: '13698760001', bankCard: '6222020200112233445', age: 70 },
  { name: '吴二', phone: '13813570002', secondaryPhone: '13698760002', bankCard: '6222020200112233446', age: 71 },
];

/** A number in any form an agent could read it: 13813570001, +86 138 1357 0001, 86-138-…, 138-1357-0001. */
function phonePattern(national: string): RegExp {
  return new RegExp(`(?:\\+?86[\\s-]?)?${national.split('').join('[\\s-]?')}`);
}
const FORBIDDEN: [string, RegExp][] = CONTACTS.flatMap((c) => [
  [`phone ${c.phone}`, phonePattern(c.phone)],
  [`secondary phone ${c.secondaryPhone}`, phonePattern(c.secondaryPhone)],
  [`sensitive bankCard ${c.bankCard}`, new RegExp(c.bankCard.split('').join('[\\s-]?'))],
]);

let callProjectId = '';
let taskId = '';
let agentId = '';
let cookie = '';
let productId = '';
let groupId = '';
let standIn: Awaited<ReturnType<typeof startNotifyStandIn<{ to: string; text: string }>>>;

beforeAll(async () => {
  const actor = { id: null, name: 'supervisor' };
  const created = await createProject(actor, {
    name: '隐私通话',
    type: 'returnVisit',
    description: '',
    fields: [...FIXED_FIELDS, customField('age', 'number'), customField('bankCard', 'text', { sensitive: true })],
  });
  callProjectId = created.id;
  await changeProjectRules(actor, callProjectId, (r) => ({
    ...r,
    callingHours: { ...r.callingHours, weekly: AROUND_THE_CLOCK },
  }));
  const imported = await importFromApi(callProjectId, 'k', CONTACTS);
  expect(imported).toMatchObject({ accepted: CONTACTS.length, rejected: 0 });
  productId = (
    await saveProduct(actor, callProjectId, {
      code: 'CHECKUP',
      name: '体检套餐',
      price: '199',
      description: '',
      link: 'https://shop.example/p/1',
      eligibility: { combinator: 'and', rules: [] },
      rankFormula: '0',
      active: true,
    })
  ).id;
  const agent = await insertUser('agent');
  agentId = agent.id;
  cookie = (await createSession(request('/login'), agentId)).split(';')[0]!;
  // A notify plugin, so the product link is really sent (the gateway, not the agent, gets the number).
  standIn = await startNotifyStandIn('/sms');
  const notify = await createInstallation(actor, 'webhook-notify', 'SMS');
  await saveConfig(actor, notify.id, { url: standIn.url, secret: 'privacy-test-secret-1234' });
  await setEnabled(actor, notify.id, true);
  const group = await prisma.skillGroup.create({
    data: { name: `privacy-${callProjectId}`, members: { create: [{ userId: agentId, proficiency: 3 }] } },
  });
  groupId = group.id;
  const questionnaire = await createQuestionnaire(actor, { projectId: callProjectId, name: '回访', starter: 'sales' });
  const version = await publish(actor, questionnaire.id, { revision: 0 });
  const task = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: callProjectId,
      name: '隐私回访',
      condition: { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 60 }] },
      channel: 'agent',
      dialMode: 'predictive',
      skillGroupIds: [group.id],
      questionnaireVersionId: version.id,
    }),
  );
  taskId = task.id;
  await transitionTask(actor, taskId, 'start');
});

afterAll(async () => {
  await standIn?.close();
  await closeLive();
});

type Handler = ((args: unknown) => Promise<unknown>) & { permission: unknown };
const route = async (file: string) =>
  (await import(pathToFileURL(path.resolve('app/routes', file)).href)) as Record<string, Handler | undefined>;

/** What the agent's browser receives from one loader or action. */
async function receive(file: string, kind: 'loader' | 'action', params: Record<string, string>, body?: unknown, search = '') {
  const handler = (await route(file))[kind];
  if (!handler) throw new Error(`${file} has no ${kind}`);
  const req = request(`${routeUrl(file, params)}${search}`, {
    method: kind === 'action' ? 'POST' : 'GET',
    cookie,
    headers: { 'content-type': 'application/json' },
    body: kind === 'action' ? JSON.stringify(body ?? {}) : undefined,
  });
  const result = await handler({ request: req, params, context: {} }).catch((thrown: unknown) => thrown);
  if (result instanceof Response) {
    if (result.headers.get('content-type')?.includes('text/event-stream')) {
      await result.body?.cancel();
      return '(live stream)';
    }
    return result.text();
  }
  if (result instanceof Error) return `${result.name}: ${result.message}`;
  return JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? '';
}

/** The agent's live stream, read in the background as the workstation reads it. */
async function openLiveStream() {
  const abort = new AbortController();
  const handler = (await route('agent.live.ts')).loader!;
  const response = (await handler({
    request: request('/agent/live', { cookie, signal: abort.signal }),
    params: {},
    context: {},
  })) as Response;
  const reader = response.body!.getReader();
  const live = { text: '' };
  const done = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) break;
      live.text += new TextDecoder().decode(chunk.value);
    }
  })();
  return {
    live,
    close: async () => {
      abort.abort();
      await reader.cancel().catch(() => {});
      await done;
    },
  };
}

describe('an agent never receives a full phone number or a sensitive value', () => {
  it('during a real call cycle (live events included) and from every route the agent may reach', async () => {
    const received: string[] = [];
    const take = async (label: string, text: Promise<string> | string) => received.push(`${label}: ${await text}`);
    const stream = await openLiveStream();
    const dialer = await startDialer({
      dialerId: 'privacy-1',
      autoAgents: false,
      softswitch: createSimSwitch({
        profile: { answer: 1, busy: 0, noAnswer: 0, machine: 0, invalid: 0, ringMeanSec: 2, talkMeanSec: 3600 },
        trunks: [{ id: 'sim-e1-a', capacity: 10 }],
        timeScale: 5,
        seed: 11,
        timings: { patienceMeanSec: 120 },
      }),
    });
    let attemptId = '';
    let contactId = '';
    try {
      await take('agent page', receive('agent.tsx', 'loader', {}));
      await take('ready', receive('agent.state.ts', 'action', {}, { intent: 'ready' }));
      await expect.poll(() => stream.live.text.includes('event: screenPop'), { timeout: 30_000, interval: 200 }).toBe(true);
      const attempt = await prisma.callAttempt.findFirstOrThrow({ where: { agentId }, orderBy: { queuedAt: 'desc' } });
      attemptId = attempt.id;
      contactId = String(attempt.contactId);
      const ids = { attemptId, projectId: callProjectId, contactId, taskId };
      await take('pop again', receive('agent.pop.$attemptId.ts', 'loader', ids));
      await take('page in a call', receive('agent.tsx', 'loader', {}));
      const script = await receive('agent.script.ts', 'action', {}, { intent: 'open', attemptId });
      await take('script', script);
      const responseId = (JSON.parse(script) as { responseId?: string; response?: { id?: string } }).responseId;
      if (responseId) await take('script back', receive('agent.script.ts', 'action', {}, { intent: 'back', responseId }));
      const link = await receive('agent.links.ts', 'action', {}, { attemptId, productId });
      await take('product link', link);
      expect(JSON.parse(link)).toMatchObject({ ok: true });
      expect(standIn.received.at(-1)?.to).toMatch(/13813570\d{3}$/);
      await take('hold', receive('agent.call.ts', 'action', {}, { action: 'hold' }));
      await take('heartbeat', receive('agent.state.ts', 'action', {}, { intent: 'heartbeat' }));
      await take('hang up', receive('agent.call.ts', 'action', {}, { action: 'hangup' }));
      await expect
        .poll(async () => (await prisma.callAttempt.findUniqueOrThrow({ where: { id: attemptId } })).state, { timeout: 15_000 })
        .toBe('ended');
      await take('wrap-up form', receive('agent.wrapup.ts', 'loader', {}, undefined, `?attemptId=${attemptId}`));
      const wrapped = await receive(
        'agent.wrapup.ts',
        'action',
        {},
        {
          attemptId,
          dispositionCode: 'later.callback',
          notes: '客户下午方便',
          callback: { at: new Date(Date.now() + 3_600_000).toISOString(), personal: true },
          pauseAfter: 'break',
        },
      );
      await take('wrap-up', wrapped);
      expect(JSON.parse(wrapped)).toMatchObject({ ok: true });
      const callbacks = await receive('agent.callbacks.ts', 'loader', {});
      await take('callbacks', callbacks);
      expect(callbacks).toContain(contactId);
      // Preview mode shows the next contact's profile before any call: the predictive task pauses,
      // a preview task for the same agents starts.
      await transitionTask({ name: 't' }, taskId, 'pause', '改预览');
      const preview = await createTask(
        { name: 't' },
        TaskInputSchema.parse({
          projectId: callProjectId,
          name: '预览',
          condition: { combinator: 'and', rules: [] },
          channel: 'agent',
          dialMode: 'preview',
          skillGroupIds: [groupId],
        }),
      );
      await transitionTask({ name: 't' }, preview.id, 'start');
      await take('ready again', receive('agent.state.ts', 'action', {}, { intent: 'ready' }));
      const next = await receive('agent.preview.ts', 'loader', {}, undefined, `?taskId=${preview.id}`);
      await take('preview', next);
      expect(next).toContain('"phoneMasked":"138****000');
      // A moment for the last live events (state, callback) to arrive.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await dialer.stop();
      await stream.close();
    }
    const events = stream.live.text;
    for (const topic of ['screenPop', 'agent', 'call']) expect(events, `live event ${topic}`).toContain(`event: ${topic}\n`);
    received.push(`live stream: ${events}`);

    // Then every loader and action the agent may reach, with this call's ids.
    const ids = {
      attemptId,
      projectId: callProjectId,
      contactId,
      taskId,
      importId: crypto.randomUUID(),
      installationId: crypto.randomUUID(),
    };
    let reached = 0;
    for (const file of routeFiles(path.resolve('app/routes'))) {
      const mod = await route(path.basename(file));
      for (const kind of ['loader', 'action'] as const) {
        const declared = mod[kind]?.permission;
        if (typeof declared !== 'string' || !can('agent', declared as RouteAccess)) continue;
        if (file.endsWith('logout.ts')) continue;
        await take(
          `${path.basename(file)} ${kind}`,
          receive(path.basename(file), kind, ids, { attemptId, contactId, taskId }, `?attemptId=${attemptId}`),
        );
        reached++;
      }
    }
    expect(reached).toBeGreaterThan(15);

    const everything = received.join('\n');
    // The scan would see a leak in any of its forms; what the agent gets is the masked number.
    expect(phonePattern('13813570001').test('tel: +86 138-1357-0001')).toBe(true);
    expect(everything).toContain('138****0001');
    expect(everything).toContain('"bankCard","value":"6*****************5"');
    const leaks = FORBIDDEN.filter(([, pattern]) => pattern.test(everything)).map(([what]) => {
      const where = received.find((r) => FORBIDDEN.find(([w]) => w === what)![1].test(r)) ?? '';
      return `${what} in ${where.slice(0, 120)}`;
    });
    expect(leaks).toEqual([]);
  }, 120_000);
});
