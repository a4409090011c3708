import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../app/db/prisma.server';
import { createSession } from '../../app/modules/auth/session.server';
import { customField, FIXED_FIELDS } from '../../app/modules/lists/field-template';
import { createProject, getProject } from '../../app/modules/projects/projects.server';
import { insertContacts } from '../../app/modules/tasks/test-data.server';
import { formOf } from '../../app/modules/telephony-settings/switch-settings';
import { readSwitchSettings } from '../../app/modules/telephony-settings/switch-settings.server';
import { action as switchAction } from '../../app/routes/_app.config.switch';
import { action as alertRuleAction, loader as alertRuleLoader } from '../../app/routes/_app.monitoring.rules.$ruleId';
import { action as projectAction } from '../../app/routes/_app.projects.$projectId._index';
import { action as newTaskAction, loader as newTaskLoader } from '../../app/routes/_app.tasks.new';
import { action as wrapUpAction } from '../../app/routes/agent.wrapup';
import { action as contactSaveAction } from '../../app/routes/projects.$projectId.contacts.save';
import { insertUser, request } from '../helpers';
import { fuzzOptions, hostileJson, ONE_MB, wrongTypeFor } from './fuzz';

// The main form actions called as the browser calls them, with a valid body damaged by wrong
// types and megabyte strings (or replaced by any JSON, or by no JSON at all): each answers with
// a refusal naming the field (400/422, or 413), never a 500, and writes nothing.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 3).toString('base64');
let projectId = '';
let admin = '';
let agent = '';

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;
interface Target {
  name: string;
  path: string;
  handler: Handler;
  params: () => Record<string, string>;
  cookie: () => string;
  /** A body the action accepts; the damage starts from it. */
  base: () => Promise<unknown>;
  /** False for a base the action refuses by design (a wrap-up needs a live call). */
  baseAccepted?: boolean;
  /** Values of the wrong type for a leaf, when the default would include some the action rightly accepts. */
  wrongType?: (leaf: unknown) => fc.Arbitrary<unknown>;
}

const session = async (role: 'admin' | 'agent') =>
  (await createSession(request('/login'), (await insertUser(role)).id)).split(';')[0]!;

beforeAll(async () => {
  projectId = (
    await createProject(
      { name: 't' },
      { name: '表单', type: 'sales', description: '', fields: [...FIXED_FIELDS, customField('age', 'number')] },
    )
  ).id;
  await insertContacts(projectId, 5);
  admin = await session('admin');
  agent = await session('agent');
});

const TARGETS: Target[] = [
  {
    name: 'tasks: create',
    path: '/tasks/new',
    handler: newTaskAction as unknown as Handler,
    params: () => ({}),
    cookie: () => admin,
    base: async () => {
      const page = await newTaskLoader({
        request: request(`/tasks/new?project=${projectId}`, { cookie: admin }),
        params: {},
        context: {},
      });
      return { intent: 'save', task: { ...page.initial, name: '回访' } };
    },
  },
  {
    name: 'projects: save',
    path: '/projects/x',
    handler: projectAction as unknown as Handler,
    params: () => ({ projectId }),
    cookie: () => admin,
    base: async () => {
      const p = await getProject(projectId);
      return {
        name: p.name,
        type: p.type,
        description: p.description,
        status: p.status,
        dedupPolicy: p.dedupPolicy,
        rules: p.rules,
        fields: p.fields,
      };
    },
  },
  {
    name: 'contacts: save',
    path: '/projects/x/contacts/save',
    handler: contactSaveAction as unknown as Handler,
    params: () => ({ projectId }),
    cookie: () => admin,
    base: async () => ({ values: { name: '陈一', phone: '13800001111', age: 40 } }),
    // A form cell typed as 42 or false is the text "42" or "false", as in a spreadsheet: only
    // lists, objects and oversized text are wrong for a contact value.
    wrongType: () => fc.oneof(fc.constant(ONE_MB), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({})),
  },
  {
    name: 'wrap-up: submit',
    path: '/agent/wrapup',
    handler: wrapUpAction as unknown as Handler,
    params: () => ({}),
    cookie: () => agent,
    base: async () => ({ attemptId: crypto.randomUUID(), dispositionCode: 'success', notes: '客户同意' }),
    baseAccepted: false,
  },
  {
    name: 'alert rules: save',
    path: '/monitoring/rules/new',
    handler: alertRuleAction as unknown as Handler,
    params: () => ({ ruleId: 'new' }),
    cookie: () => admin,
    base: async () => {
      const page = await alertRuleLoader({
        request: request('/monitoring/rules/new', { cookie: admin }),
        params: { ruleId: 'new' },
        context: {},
      });
      return { ...page.rule, name: '放弃率' };
    },
  },
  {
    name: 'switch settings: save',
    path: '/config/switch',
    handler: switchAction as unknown as Handler,
    params: () => ({}),
    cookie: () => admin,
    base: async () => {
      const { eslPasswordStored: _stored, ...form } = formOf(await readSwitchSettings());
      return {
        ...form,
        kind: 'freeswitch',
        eslPassword: 'ClueCon',
        vertoUrl: 'wss://pbx.example.com:8082',
        vertoDomain: 'pbx.example.com',
      };
    },
  },
];

/** Everything these actions could write. */
async function snapshot() {
  const [audits, tasks, contacts, alertRules, settings, projects] = await Promise.all([
    prisma.auditLog.count(),
    prisma.task.count(),
    prisma.contact.count(),
    prisma.alertRule.count(),
    prisma.setting.findMany({ orderBy: { key: 'asc' } }),
    prisma.project.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: 'asc' } }),
  ]);
  return JSON.stringify({ audits, tasks, contacts, alertRules, settings, projects });
}

/** The action's answer as the browser would see it; a thrown non-Response is the 500 we look for. */
async function call(target: Target, body: string) {
  const args = {
    request: request(target.path, {
      method: 'POST',
      cookie: target.cookie(),
      headers: { 'content-type': 'application/json' },
      body,
    }),
    params: target.params(),
    context: {},
  };
  let result: unknown;
  try {
    result = await target.handler(args);
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) {
    const text = await result.text();
    return { status: result.status, location: result.headers.get('location'), data: text ? (JSON.parse(text) as unknown) : null };
  }
  // Remix sends a plain object as fetcher data with status 200.
  return { status: 200, location: null, data: result };
}

/** A refusal: 400/413/422 with what is wrong, or (for actions answering data) ok: false with errors. */
function expectRefusal(answer: Awaited<ReturnType<typeof call>>, body: string) {
  const context = `${answer.status} ${JSON.stringify(answer.data)?.slice(0, 300)} for ${body.slice(0, 300)}`;
  expect(answer.location, context).toBeNull();
  if (answer.status !== 200) expect([400, 413, 422], context).toContain(answer.status);
  const data = answer.data as { ok?: boolean; errors?: unknown; error?: unknown; conditionErrors?: unknown } | null;
  if (answer.status === 200) expect(data?.ok, context).toBe(false);
  expect(data?.errors ?? data?.error ?? data?.conditionErrors, context).toBeTruthy();
}

/** A leaf of `value` chosen by `choices` (a key index per level) and its path. */
function leafAt(value: unknown, choices: number[]): { path: (string | number)[]; leaf: unknown } {
  const path: (string | number)[] = [];
  let node = value;
  for (const choice of choices) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[choice % keys.length]!;
    path.push(Array.isArray(node) ? Number(key) : key);
    node = (node as Record<string, unknown>)[key];
  }
  return { path, leaf: node };
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[key] = setAt(copy[key], rest, replacement);
  return copy;
}

/** A damaged body: one to three values of the wrong type or a megabyte long, any JSON, or no JSON. */
function hostileBody(g: fc.GeneratorValue, base: unknown, wrongType = wrongTypeFor): string {
  const kind = g(fc.constantFrom, 'damage', 'damage', 'damage', 'damage', 'anyJson', 'notJson');
  if (kind === 'anyJson') return JSON.stringify(g(() => hostileJson)) ?? 'null';
  if (kind === 'notJson') return g(fc.constantFrom, 'not json', '{"intent":', ONE_MB, '', '\u0000', '[]'.repeat(1000));
  let body = base;
  const count = g(fc.integer, { min: 1, max: 3 });
  for (let i = 0; i < count; i++) {
    // Wrong for the base's value there: a second hit on the same place must not undo the first.
    const { path, leaf } = leafAt(
      base,
      g(() => fc.array(fc.nat(), { minLength: 1, maxLength: 6 })),
    );
    body = setAt(
      body,
      path,
      g(() => wrongType(leaf)),
    );
  }
  return JSON.stringify(body);
}

describe('form actions under wrong types and oversized values', () => {
  for (const target of TARGETS) {
    it(`${target.name}: every damaged body is refused with an error, nothing is written, never a 500`, async () => {
      const base = await target.base();
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const body = hostileBody(g, base, target.wrongType);
          const before = await snapshot();
          expectRefusal(await call(target, body), body);
          expect(await snapshot()).toBe(before);
        }),
        fuzzOptions(60),
      );
      // The damage is what was refused: the undamaged body goes through.
      const answer = await call(target, JSON.stringify(base));
      if (target.baseAccepted === false) expectRefusal(answer, 'the base body');
      else expect([200, 302]).toContain(answer.status);
      if (target.baseAccepted !== false && answer.status === 200)
        expect((answer.data as { ok?: boolean }).ok, JSON.stringify(answer.data)).not.toBe(false);
    }, 180_000);
  }
});
