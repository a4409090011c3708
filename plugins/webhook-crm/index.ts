import { definePlugin, type FetchResponse, type HookContext, type Json } from '../../app/plugins/sdk';

export interface WebhookCrmConfig {
  baseUrl: string;
  hmacSecret: string;
  /** Waihu field name → the CRM's field name. */
  fieldMapping?: Record<string, string>;
  batchSize?: number;
  retries?: number;
}

type Ctx = HookContext<WebhookCrmConfig>;

const url = (ctx: Ctx, path: string) => `${ctx.config.baseUrl.replace(/\/+$/, '')}${path}`;

/** Rename fields with the mapping (Waihu → CRM), or back (CRM → Waihu) with `reverse`. */
function mapFields(fields: Record<string, Json> | undefined, mapping: Record<string, string> = {}, reverse = false) {
  if (!fields) return undefined;
  const table = reverse ? Object.fromEntries(Object.entries(mapping).map(([w, c]) => [c, w])) : mapping;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [table[k] ?? k, v]));
}

/**
 * POST a signed JSON body. Signature: `X-Waihu-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">` with `X-Waihu-Timestamp: <unix seconds>`. Retries on 5xx, 429 and network
 * errors with the same body and the same Idempotency-Key.
 */
async function post(ctx: Ctx, path: string, payload: unknown, idempotencyKey?: string): Promise<FetchResponse> {
  const body = JSON.stringify(payload);
  const attempts = 1 + Math.max(0, Math.min(ctx.config.retries ?? 2, 5));
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-waihu-timestamp': timestamp,
      'x-waihu-signature': `sha256=${ctx.crypto.hmacSha256Hex(ctx.config.hmacSecret, `${timestamp}.${body}`)}`,
    };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    try {
      const response = await ctx.fetch(url(ctx, path), { method: 'POST', headers, body });
      if (response.ok) return response;
      lastError = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      lastError = (error as Error).message;
      if ((error as Error).name === 'CapabilityError' || /fetch refused/.test(lastError)) break;
    }
    ctx.log.warn(`POST ${path} attempt ${attempt}/${attempts} failed: ${lastError}`);
  }
  throw new Error(`POST ${path} failed: ${lastError}`);
}

export default definePlugin<'crm', WebhookCrmConfig>({
  id: 'webhook-crm',
  name: 'Webhook CRM',
  version: '1.0.0',
  kind: 'crm',
  capabilities: { fetch: ['config:baseUrl'] },
  configSchema: {
    type: 'object',
    required: ['baseUrl', 'hmacSecret'],
    properties: {
      baseUrl: { type: 'string', title: 'Base URL', format: 'uri', pattern: '^https?://' },
      hmacSecret: { type: 'string', title: 'HMAC secret', format: 'password', minLength: 16 },
      fieldMapping: {
        type: 'object',
        title: 'Field mapping (Waihu field → CRM field)',
        additionalProperties: { type: 'string' },
        default: {},
      },
      batchSize: { type: 'integer', title: 'Enrich batch size', minimum: 1, maximum: 500, default: 100 },
      retries: { type: 'integer', title: 'Retries', minimum: 0, maximum: 5, default: 2 },
    },
  },
  uiSchema: { baseUrl: { 'ui:placeholder': 'https://crm.example.com/waihu' } },
  hooks: {
    async enrich(contacts, ctx) {
      const size = ctx.config.batchSize ?? 100;
      const out = new Map(
        contacts.map((c) => [c.ref, { ref: c.ref } as { ref: string; tags?: string[]; fields?: Record<string, Json> }]),
      );
      for (let i = 0; i < contacts.length; i += size) {
        const batch = contacts.slice(i, i + size).map((c) => ({
          ref: c.ref,
          externalId: c.externalId,
          fields: mapFields(c.fields, ctx.config.fieldMapping),
        }));
        const response = await post(ctx, '/enrich', { contacts: batch });
        const { results } = await response.json<{
          results?: { ref: string; tags?: string[]; fields?: Record<string, Json> }[];
        }>();
        for (const r of results ?? []) {
          const target = out.get(r.ref);
          if (!target) continue;
          if (r.tags) target.tags = [...new Set([...(target.tags ?? []), ...r.tags.map(String)])];
          if (r.fields) target.fields = { ...target.fields, ...mapFields(r.fields, ctx.config.fieldMapping, true) };
        }
      }
      ctx.log.info(`enriched ${contacts.length} contacts`);
      return [...out.values()];
    },
    async writeBack(result, ctx) {
      const payload = { ...result, fields: mapFields(result.fields, ctx.config.fieldMapping) };
      const response = await post(ctx, '/results', payload, ctx.idempotencyKey);
      const body = await response.json<{ externalId?: string }>().catch(() => ({}) as { externalId?: string });
      return body.externalId ? { externalId: String(body.externalId) } : {};
    },
    async createLead(order, ctx) {
      const payload = { ...order, fields: mapFields(order.fields, ctx.config.fieldMapping) };
      const response = await post(ctx, '/leads', payload, ctx.idempotencyKey);
      const body = await response.json<{ externalId?: string }>();
      if (!body.externalId) throw new Error('The CRM answered /leads without an externalId');
      return { externalId: String(body.externalId) };
    },
    async resolvePhone(token, ctx) {
      const response = await post(ctx, '/resolve-phone', { token });
      const body = await response.json<{ phone?: string }>();
      if (!body.phone) throw new Error('The CRM answered /resolve-phone without a phone');
      return { phone: String(body.phone) };
    },
    async healthCheck(ctx) {
      try {
        const response = await post(ctx, '/health', { ping: true });
        const previous = await ctx.kv.get<string>('lastHealthyAt');
        await ctx.kv.set('lastHealthyAt', new Date().toISOString());
        return { ok: true, message: `HTTP ${response.status}${previous ? `, previously healthy at ${previous}` : ''}` };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },
  },
});
