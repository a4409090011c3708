import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../app/db/prisma.server';
import { createSession } from '../../app/modules/auth/session.server';
import { createInstallation, saveConfig } from '../../app/plugins/installations.server';
import { listPlugins } from '../../app/plugins/registry.server';
import { action } from '../../app/routes/_app.config.plugins.$installationId';
import { insertUser, request } from '../helpers';
import { fuzzOptions, hostileJson, ONE_MB, wrongTypeFor } from './fuzz';

// Every plugin's installation config form (the saveConfig action, as the browser calls it) under
// hostile configs: wrong types, oversized values, deep nesting, unknown keys, prototype keys, odd
// secret values. Each is refused with an error naming the field, never a 500; the installation
// keeps its previous config and secrets, and nothing is audited.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 17).toString('base64');

/** A config each plugin accepts; the damage starts from it. A new plugin must add one here. */
const VALID: Record<string, Record<string, unknown>> = {
  'freeswitch-gateway': {
    auth: 'register',
    username: 'waihu',
    password: 'gateway-password-1',
    transport: 'udp',
    expireSeconds: 600,
    gateways: [{ name: 'gw1', proxy: 'sip.example.com:5060', capacity: 30 }],
    codecs: ['PCMA', 'PCMU'],
    dialPrefix: '9',
    rewrite: [{ match: '^\\+86', replace: '' }],
  },
  'sim-carrier': {
    trunks: [{ id: 't1', name: '中继一', capacity: 30, dialPrefix: '9' }],
    callerIds: [{ number: '02155550000', areaCode: '021', dailyCap: 100 }],
  },
  'webhook-crm': {
    baseUrl: 'http://127.0.0.1:9/crm',
    hmacSecret: 'crm-hmac-secret-0123',
    fieldMapping: { name: 'full_name' },
    batchSize: 10,
    retries: 1,
  },
  'webhook-notify': {
    url: 'http://127.0.0.1:9/notify',
    secret: 'notify-secret-01234',
    headerName: 'X-Token',
    headerValue: 'header-secret-value',
  },
};

let cookie = '';
const installations: Record<string, string> = {};

beforeAll(async () => {
  cookie = (await createSession(request('/login'), (await insertUser('admin')).id)).split(';')[0] as string;
  for (const plugin of listPlugins()) {
    const row = await createInstallation({ name: 'test' }, plugin.manifest.id, plugin.manifest.id);
    installations[plugin.manifest.id] = row.id;
  }
});

type Answer = { status: number; data: unknown };

async function save(id: string, body: string): Promise<Answer> {
  let result: unknown;
  try {
    result = await action({
      request: request(`/config/plugins/${id}`, {
        method: 'POST',
        cookie,
        headers: { 'content-type': 'application/json' },
        body,
      }),
      params: { installationId: id },
      context: {},
    });
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    result = thrown;
  }
  if (result instanceof Response) {
    const text = await result.text();
    return { status: result.status, data: text ? (JSON.parse(text) as unknown) : null };
  }
  return { status: 200, data: result };
}

/** Everything a save could change: the installation row and the audit log. */
async function snapshot(id: string) {
  const row = await prisma.pluginInstallation.findUniqueOrThrow({ where: { id } });
  return JSON.stringify({
    config: row.config,
    secrets: row.secrets,
    updatedAt: row.updatedAt,
    audits: await prisma.auditLog.count(),
  });
}

type Path = (string | number)[];

function leaves(value: unknown, path: Path = []): { path: Path; leaf: unknown }[] {
  if (value === null || typeof value !== 'object') return [{ path, leaf: value }];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

/** Objects of the base whose schema lists its properties (no free-form maps): unknown keys are wrong there. */
function closedObjects(base: Record<string, unknown>): Path[] {
  const out: Path[] = [[]];
  for (const { path } of leaves(base)) {
    for (let i = 1; i < path.length; i++) {
      const prefix = path.slice(0, i);
      if (typeof path[i - 1] === 'number' && !out.some((p) => p.join('.') === prefix.join('.'))) out.push(prefix);
    }
  }
  return out;
}

function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path as [string | number, ...Path];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[key] = setAt(copy[key], rest, replacement);
  return copy;
}

/** JSON text of `config` with `raw` (JSON text) added under `key` in the object at `at`. */
function withRawKey(config: unknown, at: Path, key: string, raw: string): string {
  const marker = `__marker_${Math.random().toString(36).slice(2)}`;
  const text = JSON.stringify(setAt(config, [...at, marker], 0));
  return text.replace(`"${marker}":0`, `${JSON.stringify(key)}:${raw}`);
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

interface Damage {
  config: string;
  /** The field the error must name (dotted), or null when the whole config is wrong. */
  field: string | null;
}

function damage(g: fc.GeneratorValue, base: Record<string, unknown>, secrets: string[]): Damage {
  const kind = g(fc.constantFrom, 'wrongType', 'wrongType', 'oversized', 'unknownKey', 'protoKey', 'deep', 'secret', 'notObject');
  const all = leaves(base);
  if (kind === 'notObject')
    return {
      config:
        JSON.stringify(
          g(() =>
            fc.oneof(
              hostileJson.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
              fc.constant([]),
            ),
          ),
        ) ?? 'null',
      field: 'config',
    };
  if (kind === 'unknownKey' || kind === 'protoKey' || kind === 'deep') {
    const at = g(fc.constantFrom, ...closedObjects(base));
    const key =
      kind === 'protoKey'
        ? g(fc.constantFrom, '__proto__', 'constructor', 'prototype')
        : kind === 'deep'
          ? 'nested'
          : `extra_${g(fc.nat, 99)}`;
    const raw = kind === 'deep' ? nested(g(fc.constantFrom, 100, 5000, 50_000)) : JSON.stringify(g(() => hostileJson));
    return { config: withRawKey(base, at, key, raw), field: [...at, key].join('.') };
  }
  if (kind === 'secret' && secrets.length) {
    const field = g(fc.constantFrom, ...secrets);
    const value = g(
      fc.constantFrom,
      1234567890123456,
      true,
      { a: 1 },
      ['x'.repeat(20)],
      ONE_MB,
      '\u0000'.repeat(20),
      '\uD800'.repeat(20),
      null,
    );
    return { config: JSON.stringify(setAt(base, field.split('.'), value)), field };
  }
  const { path, leaf } = g(fc.constantFrom, ...all);
  if (kind === 'oversized') {
    const big = typeof leaf === 'string' ? ONE_MB : Array.from({ length: 10_001 }, () => leaf);
    return {
      config: JSON.stringify(setAt(base, typeof leaf === 'string' ? path : path.slice(0, -1), big)),
      field: (typeof leaf === 'string' ? path : path.slice(0, -1)).join('.'),
    };
  }
  return {
    config: JSON.stringify(
      setAt(
        base,
        path,
        g(() => wrongTypeFor(leaf)),
      ),
    ),
    field: path.join('.'),
  };
}

function expectNamedRefusal(answer: Answer, d: Damage) {
  const context = `${answer.status} ${JSON.stringify(answer.data)?.slice(0, 400)} for ${d.config.slice(0, 300)}`;
  expect(answer.status, context).toBe(200);
  const data = answer.data as { ok?: boolean; errors?: Record<string, string> };
  expect(data.ok, context).toBe(false);
  const keys = Object.keys(data.errors ?? {});
  expect(keys.length, context).toBeGreaterThan(0);
  for (const message of Object.values(data.errors ?? {})) expect(message.length, context).toBeLessThan(500);
  if (d.field === null) return;
  // The error names the damaged field, or the list/object holding it (a wrong item of a list).
  const named = keys.some(
    (k) => k === d.field || (d.field as string).startsWith(`${k}.`) || k.startsWith(`${d.field}.`) || k === 'config',
  );
  expect(named, `${context}: no error names ${d.field}`).toBe(true);
}

describe('plugin configs under hostile input', () => {
  it('every plugin in plugins/ has a valid config here, and it saves', async () => {
    for (const plugin of listPlugins()) {
      const id = plugin.manifest.id;
      expect(VALID[id], `add a valid config for plugin ${id} to this test`).toBeDefined();
      const answer = await save(installations[id] as string, JSON.stringify({ intent: 'saveConfig', config: VALID[id] }));
      expect(answer.data, id).toMatchObject({ ok: true });
    }
  });

  for (const id of Object.keys(VALID)) {
    it(`${id}: every damaged config is refused naming the field; the saved config and secrets stay`, async () => {
      const installation = installations[id] as string;
      await saveConfig({ name: 'test' }, installation, VALID[id] as Record<string, unknown>);
      const plugin = listPlugins().find((p) => p.manifest.id === id);
      const { secretPaths } = await import('../../app/plugins/secrets.server');
      const { describePlugin } = await import('../../app/plugins/registry.server');
      const secrets = secretPaths((await describePlugin(plugin!)).configSchema);
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (g) => {
          const d = damage(g, VALID[id] as Record<string, unknown>, secrets);
          const before = await snapshot(installation);
          expectNamedRefusal(await save(installation, `{"intent":"saveConfig","config":${d.config}}`), d);
          expect(await snapshot(installation)).toBe(before);
        }),
        fuzzOptions(80),
      );
    });
  }
});

describe('plugin config edge cases, one by one', () => {
  const notify = () => installations['webhook-notify'] as string;
  const saveNotify = (config: string) => save(notify(), `{"intent":"saveConfig","config":${config}}`);

  it('a "__proto__" key is refused by name, not silently dropped', async () => {
    const answer = await saveNotify(
      '{"url":"http://127.0.0.1:9/n","secret":"notify-secret-01234","__proto__":{"url":"http://evil"}}',
    );
    const { ok, errors } = answer.data as { ok: boolean; errors: Record<string, string> };
    expect(ok).toBe(false);
    // An own "__proto__" field of the answer (a literal here would set the prototype instead).
    expect(Object.getOwnPropertyDescriptor(errors, '__proto__')?.value).toContain('not allowed');
  });

  it('a 50 000-deep value is refused as nested too deeply, at its field', async () => {
    const answer = await saveNotify(
      `{"url":"http://127.0.0.1:9/n","secret":"notify-secret-01234","headerValue":${nested(50_000)}}`,
    );
    expect(answer.data).toMatchObject({
      ok: false,
      errors: { 'headerValue.a.a.a.a.a.a.a.a.a.a.a': expect.stringContaining('nested too deeply') },
    });
  });

  it('a secret of a megabyte is refused and the stored secret is kept', async () => {
    await saveConfig({ name: 'test' }, notify(), VALID['webhook-notify'] as Record<string, unknown>);
    const before = await snapshot(notify());
    const answer = await saveNotify(JSON.stringify({ ...VALID['webhook-notify'], secret: ONE_MB }));
    expect(answer.data).toMatchObject({ ok: false, errors: { secret: expect.stringContaining('too long') } });
    expect(await snapshot(notify())).toBe(before);
  });

  it('text PostgreSQL cannot store (NUL) is refused at its field', async () => {
    const answer = await saveNotify(JSON.stringify({ ...VALID['webhook-notify'], headerName: 'X-\u0000' }));
    expect(answer.data).toMatchObject({ ok: false, errors: { headerName: expect.stringContaining('cannot be stored') } });
  });

  it('a field an older plugin version had, still in the stored config, is dropped on save (and audited), not refused', async () => {
    const id = notify();
    await saveConfig({ name: 'test' }, id, VALID['webhook-notify'] as Record<string, unknown>);
    const row = await prisma.pluginInstallation.findUniqueOrThrow({ where: { id } });
    await prisma.pluginInstallation.update({ where: { id }, data: { config: { ...(row.config as object), retired: 5 } } });
    const answer = await saveNotify(JSON.stringify({ ...VALID['webhook-notify'], retired: 5 }));
    expect(answer.data).toMatchObject({ ok: true });
    const saved = await prisma.pluginInstallation.findUniqueOrThrow({ where: { id } });
    expect(saved.config).not.toHaveProperty('retired');
    const entry = await prisma.auditLog.findFirstOrThrow({
      where: { action: 'plugins.configure', target: id },
      orderBy: { at: 'desc' },
    });
    expect(entry.details).toMatchObject({ dropped: ['retired'] });
  });
});

describe('the config form shows the refusal', () => {
  it('errors on "__proto__" or "constructor" fields land at the top of the form, and pollute no prototype', async () => {
    const { toErrorSchema } = await import('../../app/components/SchemaForm');
    // A computed ['__proto__'] key is an own field, as JSON.parse makes it.
    const schema = toErrorSchema({ 'gateways.0.name': 'bad name', constructor: 'not allowed', ['__proto__']: 'not allowed' });
    expect(({} as Record<string, unknown>).__errors).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>).__errors).toBeUndefined();
    expect(schema).toMatchObject({ gateways: { 0: { name: { __errors: ['bad name'] } } } });
    expect((schema as { __errors?: string[] }).__errors).toEqual(['constructor: not allowed', '__proto__: not allowed']);
  });
});
