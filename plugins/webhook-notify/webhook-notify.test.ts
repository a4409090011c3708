import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugin } from '../../app/plugins/sdk/testing.server';

const SECRET = 'notify-secret-0123456789';
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `n-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(() => server?.close());

describe('webhook-notify', () => {
  it('posts a signed message with the extra header', async () => {
    const config = { url, secret: SECRET, headerName: 'X-Bot-Token', headerValue: 'tok' };
    const plugin = await loadPlugin(import.meta.dirname, { config });
    const out = await plugin.invoke('send', [{ to: 'ops', subject: '中继告警', text: 'down', link: 'https://x.example/a' }]);
    expect(out).toEqual({ id: 'n-1' });
    const [first] = received;
    const timestamp = String(first?.headers['x-waihu-timestamp']);
    const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${first?.body}`).digest('hex')}`;
    expect(first?.headers['x-waihu-signature']).toBe(expected);
    expect(first?.headers['x-bot-token']).toBe('tok');
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({ to: 'ops', subject: '中继告警', link: 'https://x.example/a' });
    expect(await plugin.invoke('healthCheck')).toEqual({ ok: true });
  });
});
