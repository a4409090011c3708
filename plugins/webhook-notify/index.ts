import { definePlugin } from '../../app/plugins/sdk';

export interface WebhookNotifyConfig {
  url: string;
  secret: string;
  /** Optional extra header, e.g. for a chat bot token. */
  headerName?: string;
  headerValue?: string;
}

export default definePlugin<'notify', WebhookNotifyConfig>({
  id: 'webhook-notify',
  name: 'Webhook notifications',
  version: '1.0.0',
  kind: 'notify',
  capabilities: { fetch: ['config:url'] },
  configSchema: {
    type: 'object',
    required: ['url', 'secret'],
    properties: {
      url: { type: 'string', title: 'URL', format: 'uri', pattern: '^https?://' },
      secret: { type: 'string', title: 'HMAC secret', format: 'password', minLength: 16 },
      headerName: { type: 'string', title: 'Extra header name', pattern: '^[A-Za-z0-9-]*$' },
      headerValue: { type: 'string', title: 'Extra header value', 'x-secret': true },
    },
  },
  hooks: {
    async send(message, ctx) {
      const body = JSON.stringify({ type: 'notification', sentAt: new Date().toISOString(), ...message });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-waihu-timestamp': timestamp,
        'x-waihu-signature': `sha256=${ctx.crypto.hmacSha256Hex(ctx.config.secret, `${timestamp}.${body}`)}`,
      };
      if (ctx.config.headerName && ctx.config.headerValue) headers[ctx.config.headerName] = ctx.config.headerValue;
      const response = await ctx.fetch(ctx.config.url, { method: 'POST', headers, body });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
      ctx.log.info(`sent to ${message.to}`);
      const answer = await response.json<{ id?: string }>().catch(() => ({}) as { id?: string });
      return answer.id ? { id: String(answer.id) } : {};
    },
    async healthCheck(ctx) {
      try {
        await this.send({ to: 'health-check', text: 'Waihu health check' }, ctx);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },
  },
});
