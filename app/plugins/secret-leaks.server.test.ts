import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');

// A plugin folder of our own: a CRM whose hooks log their config, fail with the secret in the
// message and report it in the health check — the worst a careless plugin author can do.
vi.mock('./paths.server', async (original) => {
  const [{ tmpdir }, { join }] = await Promise.all([import('node:os'), import('node:path')]);
  const dir = join(tmpdir(), `waihu-leaky-${process.pid}`);
  return { ...(await original<typeof import('./paths.server')>()), pluginsDir: () => dir };
});

import { prisma } from '../db/prisma.server';
import { listAudit } from '../modules/audit/audit.server';
import { logger } from '../utils/logger.server';
import {
  callHook,
  createInstallation,
  installationView,
  listCalls,
  listInstallations,
  runHealthCheck,
  saveConfig,
  setEnabled,
} from './installations.server';
import { pluginsDir } from './paths.server';

const SECRET = 'p@ss/w0rd "quoted" 秘密-7f3a';

const LEAKY = `
import { definePlugin } from '@waihu/sdk';
export default definePlugin({
  id: 'leaky', name: 'Leaky', version: '1.0.0', kind: 'crm',
  configSchema: {
    type: 'object',
    required: ['apiKey'],
    properties: { region: { type: 'string' }, apiKey: { type: 'string', format: 'password' } },
  },
  capabilities: { fetch: [] },
  hooks: {
    async enrich(contacts, ctx) {
      ctx.log.info('my config', ctx.config);
      ctx.log.warn('json ' + JSON.stringify(ctx.config) + ' url ' + encodeURIComponent(ctx.config.apiKey));
      console.log('key=' + ctx.config.apiKey);
      ctx.log.info('x'.repeat(1990) + ctx.config.apiKey); // cut by the sandbox in the middle of the secret
      return [];
    },
    async writeBack(_r, ctx) { throw new Error('auth failed with ' + ctx.config.apiKey); },
    async createLead() { return { externalId: '1' }; },
    async healthCheck(ctx) { return { ok: false, message: 'rejected key ' + ctx.config.apiKey }; },
  },
});
`;

const actor = { name: 'tester', ip: '127.0.0.1' };
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const logged: string[] = [];

const pluginsRoot = pluginsDir();

beforeAll(() => {
  const folder = path.join(pluginsRoot, 'leaky');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'index.ts'), LEAKY);
  fs.writeFileSync(path.join(folder, 'README.md'), '# leaky\n');
  fs.writeFileSync(
    path.join(folder, 'manifest.json'),
    JSON.stringify({ id: 'leaky', name: 'Leaky', version: '1.0.0', kind: 'crm', capabilities: { fetch: [] } }),
  );
  // Everything the server writes to its log goes through the pino logger (or, by mistake, console).
  for (const level of LEVELS) {
    const original = logger[level].bind(logger);
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      logged.push(JSON.stringify(args, (_k, v) => (v instanceof Error ? `${v.message} ${v.stack}` : v)));
      return (original as (...a: unknown[]) => void)(...args);
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(JSON.stringify(args));
    });
  }
});
afterAll(() => {
  vi.restoreAllMocks();
  fs.rmSync(pluginsRoot, { recursive: true, force: true });
});

const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

describe('plugin secrets', () => {
  it('never appear in logs, call logs, views, lists, audit or errors, even when the plugin prints them', async () => {
    const row = await createInstallation(actor, 'leaky', 'Leaky CRM');
    await saveConfig(actor, row.id, { region: 'east', apiKey: SECRET });
    await setEnabled(actor, row.id, true);

    // The hooks do see the secret (otherwise the test proves nothing).
    const enrich = await callHook(row.id, 'enrich', [[{ ref: 'c1' }]]);
    expect(enrich.ok).toBe(true);
    expect(enrich.logs.map((l) => l.message).join('\n')).toContain('••••••••');
    const writeBack = await callHook(row.id, 'writeBack', [{ ref: 'c1' }]);
    expect(writeBack.ok).toBe(false);
    expect(writeBack.error).toContain('auth failed with ••••••••');
    const health = await runHealthCheck(actor, row.id);
    expect(health).toEqual({ ok: false, message: 'rejected key ••••••••' });

    const responses = {
      list: await listInstallations(),
      view: await installationView(row.id),
      calls: await listCalls(row.id),
      audit: await listAudit({ page: 1, pageSize: 100 }),
      outcomes: [enrich, writeBack],
    };
    expect(responses.calls).toHaveLength(3);
    const stored = {
      calls: await prisma.pluginCall.findMany({ where: { installationId: row.id } }),
      installation: await prisma.pluginInstallation.findUniqueOrThrow({ where: { id: row.id } }),
    };
    expect(logged.length).toBeGreaterThan(0); // the failed writeBack was logged by the server
    const forms = [SECRET, JSON.stringify(SECRET).slice(1, -1), encodeURIComponent(SECRET)];
    // The line cut at 2 000 characters keeps no beginning of the secret either.
    const cut = enrich.logs.find((l) => l.message.startsWith('xxxx'))?.message ?? '';
    expect(cut.endsWith('••••••••')).toBe(true);
    expect(json(responses.calls)).not.toContain(SECRET.slice(0, 10));
    for (const [where, text] of Object.entries({ logs: logged.join('\n'), ...mapJson(responses), ...mapJson(stored) })) {
      for (const form of forms) expect({ where, leaked: text.includes(form) }).toEqual({ where, leaked: false });
    }
  });
});

function mapJson(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, json(v)]));
}
