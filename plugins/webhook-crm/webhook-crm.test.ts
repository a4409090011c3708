import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugin, type TestPlugin } from '../../app/plugins/sdk/testing.server';
import { type FakeCrm, startFakeCrm } from './fake-crm';

const SECRET = 'test-secret-0123456789';
let crm: FakeCrm;
let plugin: TestPlugin;
let config: Record<string, unknown>;

beforeAll(async () => {
  crm = await startFakeCrm(SECRET, {
    'C-1': { tags: ['vip'], fields: { crm_level: 'gold', crm_city: '杭州' } },
    c2: { tags: ['churn-risk'] },
  });
  config = { baseUrl: `${crm.url}/`, hmacSecret: SECRET, fieldMapping: { level: 'crm_level' }, batchSize: 2 };
  plugin = await loadPlugin(import.meta.dirname, { config });
});

afterAll(() => crm?.close());

const result = {
  callId: 'call-42',
  contact: { ref: 'c1', externalId: 'C-1' },
  outcome: 'answered',
  disposition: 'interested',
  startedAt: '2026-11-24T08:00:00Z',
  durationSec: 95,
  fields: { level: 'platinum' },
};

describe('webhook-crm', () => {
  it('enriches in batches and maps CRM fields back to Waihu names', async () => {
    const out = await plugin.invoke('enrich', [
      [{ ref: 'c1', externalId: 'C-1' }, { ref: 'c2' }, { ref: 'c3', fields: { level: 'x' } }],
    ]);
    expect(out).toEqual([
      { ref: 'c1', tags: ['vip'], fields: { level: 'gold', crm_city: '杭州' } },
      { ref: 'c2', tags: ['churn-risk'] },
      { ref: 'c3' },
    ]);
    const enrichCalls = crm.requests.filter((r) => r.path === '/enrich');
    expect(enrichCalls).toHaveLength(2);
    expect(enrichCalls.every((r) => r.verified)).toBe(true);
    expect(JSON.parse(enrichCalls[1]?.body ?? '{}').contacts[0].fields).toEqual({ crm_level: 'x' });
  });

  it('writes back signed, with an Idempotency-Key that is stable across retries', async () => {
    crm.failNext(2);
    const before = crm.requests.length;
    const first = await plugin.invoke<{ externalId: string }>('writeBack', [result], {
      config,
      ctxExtra: { idempotencyKey: 'wb-call-42' },
    });
    const attempts = crm.requests.slice(before).filter((r) => r.path === '/results');
    expect(attempts).toHaveLength(3);
    expect(attempts.map((r) => r.headers['idempotency-key'])).toEqual(['wb-call-42', 'wb-call-42', 'wb-call-42']);
    expect(attempts.every((r) => r.verified)).toBe(true);
    // A retry of the whole job (same key) does not create a second record.
    const again = await plugin.invoke<{ externalId: string }>('writeBack', [result], {
      config,
      ctxExtra: { idempotencyKey: 'wb-call-42' },
    });
    expect(again.externalId).toBe(first.externalId);
    expect(crm.results.size).toBe(1);
    expect((crm.results.get('wb-call-42')?.body as { fields?: unknown } | undefined)?.fields).toEqual({ crm_level: 'platinum' });
  });

  it('is refused by the server when the secret is wrong', async () => {
    const out = await plugin.call('writeBack', [result], {
      config: { ...config, hmacSecret: 'wrong-secret-0123456789' },
      ctxExtra: { idempotencyKey: 'k2' },
    });
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/HTTP 401.*bad signature/);
  });

  it('creates leads and resolves phone tokens', async () => {
    const lead = await plugin.invoke<{ externalId: string }>(
      'createLead',
      [{ orderId: 'o-1', contact: { ref: 'c1' }, product: 'broadband', amount: 199 }],
      { config, ctxExtra: { idempotencyKey: 'lead-o-1' } },
    );
    expect(lead.externalId).toMatch(/^X-/);
    expect(await plugin.invoke('resolvePhone', ['tok-1234'])).toEqual({ phone: '13800001234' });
  });

  it('reports health, and cannot reach anything but its configured base URL', async () => {
    expect(await plugin.invoke('healthCheck')).toMatchObject({ ok: true });
    const down = await plugin.invoke<{ ok: boolean; message: string }>('healthCheck', [], {
      config: { ...config, baseUrl: 'http://127.0.0.1:9' },
    });
    expect(down.ok).toBe(false);
  });
});
