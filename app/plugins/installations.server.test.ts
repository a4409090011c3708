import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');

import { type FakeCrm, startFakeCrm } from '../../plugins/webhook-crm/fake-crm';
import { prisma } from '../db/prisma.server';
import {
  callHook,
  createInstallation,
  deleteInstallation,
  InstallationError,
  idempotencyKey,
  installationView,
  listCalls,
  runHealthCheck,
  saveConfig,
  setEnabled,
} from './installations.server';
import { listPlugins } from './registry.server';

const actor = { name: 'tester', ip: '127.0.0.1' };
const SECRET = 'installation-secret-0123';
let crm: FakeCrm;

beforeAll(async () => {
  crm = await startFakeCrm(SECRET, { c1: { tags: ['vip'] } });
});
afterAll(() => crm?.close());

describe('plugin registry', () => {
  it('finds the first-party plugins with valid manifests', () => {
    expect(listPlugins().map((p) => p.manifest.id)).toEqual(
      expect.arrayContaining(['sim-carrier', 'webhook-crm', 'webhook-notify']),
    );
  });
});

describe('installations', () => {
  it('installs, saves config with an encrypted secret that is never shown, keeps it when left empty', async () => {
    const row = await createInstallation(actor, 'webhook-crm', 'CRM A');
    expect(row.pluginVersion).toBe('1.0.0');
    expect(row.enabled).toBe(false);

    await expect(saveConfig(actor, row.id, { baseUrl: 'not a url', hmacSecret: 'short' })).rejects.toMatchObject({
      code: 'invalid_config',
      fields: expect.objectContaining({ baseUrl: expect.any(String), hmacSecret: expect.any(String) }),
    });

    await saveConfig(actor, row.id, { baseUrl: crm.url, hmacSecret: SECRET, batchSize: 10 });
    const stored = await prisma.pluginInstallation.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored.secrets).toMatch(/^v1:/);
    expect(stored.secrets).not.toContain(SECRET);
    expect(JSON.stringify(stored.config)).not.toContain(SECRET);

    const view = await installationView(row.id);
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view.secretsSet).toEqual(['hmacSecret']);
    expect(view.configSchema?.required).toEqual(['baseUrl']);
    expect(view.allowedOrigins).toEqual([crm.url]);

    // Empty secret: keep the stored one.
    await saveConfig(actor, row.id, { baseUrl: crm.url, hmacSecret: '', batchSize: 20 });
    const health = await runHealthCheck(actor, row.id);
    expect(health).toMatchObject({ ok: true });

    const audits = await prisma.auditLog.findMany({ where: { target: row.id }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => a.action)).toEqual([
      'plugins.install',
      'plugins.configure',
      'plugins.configure',
      'plugins.healthCheck',
    ]);
    expect(audits[1]?.details).toMatchObject({ secretsChanged: ['hmacSecret'] });
    expect(audits[2]?.details).toMatchObject({ secretsChanged: [], changed: ['batchSize'] });
    expect(JSON.stringify(audits.map((x) => x.details))).not.toContain(SECRET);
    // The plugin's own kv store (webhook-crm remembers its last good health check).
    const kv = await prisma.pluginKv.findMany({ where: { installationId: row.id } });
    expect(kv.map((k) => k.key)).toEqual(['lastHealthyAt']);
  });

  it('calls hooks only when enabled, records every call, and gives each installation its own kv', async () => {
    const row = await createInstallation(actor, 'webhook-crm', 'CRM B');
    await expect(setEnabled(actor, row.id, true)).rejects.toMatchObject({ code: 'invalid_config' });
    await saveConfig(actor, row.id, { baseUrl: crm.url, hmacSecret: SECRET });
    await expect(callHook(row.id, 'enrich', [[{ ref: 'c1' }]])).rejects.toBeInstanceOf(InstallationError);
    await setEnabled(actor, row.id, true);

    const enriched = await callHook(row.id, 'enrich', [[{ ref: 'c1' }, { ref: 'c9' }]]);
    expect(enriched).toMatchObject({ ok: true, value: [{ ref: 'c1', tags: ['vip'] }, { ref: 'c9' }] });

    const key = idempotencyKey(row.id, 'writeBack', 'call-1');
    expect(idempotencyKey(row.id, 'writeBack', 'call-1')).toBe(key);
    const result = {
      callId: 'call-1',
      contact: { ref: 'c1' },
      outcome: 'answered',
      startedAt: '2026-11-24T08:00:00Z',
      durationSec: 5,
    };
    const a = await callHook(row.id, 'writeBack', [result], { idempotencyKey: key });
    const b = await callHook(row.id, 'writeBack', [result], { idempotencyKey: key });
    expect(a.value).toEqual(b.value);
    expect(crm.results.has(key)).toBe(true);

    const failed = await callHook(row.id, 'noSuchHook');
    expect(failed.ok).toBe(false);

    const calls = await listCalls(row.id);
    expect(calls.map((c) => c.hook)).toEqual(['noSuchHook', 'writeBack', 'writeBack', 'enrich']);
    expect(calls[0]).toMatchObject({ ok: false, error: expect.stringMatching(/no hook noSuchHook/) });
    expect(calls[3]?.log.some((l) => /enriched 2 contacts/.test(l.message))).toBe(true);

    await setEnabled(actor, row.id, false);
    await deleteInstallation(actor, row.id);
    await expect(installationView(row.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('runs a carrier installation', async () => {
    const row = await createInstallation(actor, 'sim-carrier', 'Sim');
    await setEnabled(actor, row.id, true);
    const out = await callHook(row.id, 'trunks', [{}]);
    expect(out.ok).toBe(true);
    expect(await runHealthCheck(actor, row.id)).toEqual({ ok: true, message: 'simulated' });
  });
});
