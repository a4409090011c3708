import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The other side of webhook-crm's contract (README.md), for tests: verifies the HMAC signature,
 * answers /enrich from a table, and stores /results and /leads once per Idempotency-Key.
 * Listens on 127.0.0.1 only.
 */
export interface FakeCrm {
  url: string;
  requests: { path: string; headers: http.IncomingHttpHeaders; body: string; verified: boolean }[];
  results: Map<string, { externalId: string; body: unknown }>;
  /** Fail the next N requests with 503, or another status (to exercise retries). */
  failNext(n: number, status?: number): void;
  /** Store the next N /results or /leads, then destroy the socket instead of replying (a lost reply). */
  dropRepliesNext(n: number): void;
  close(): Promise<void>;
}

export function verifySignature(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startFakeCrm(
  secret: string,
  crm: Record<string, { tags?: string[]; fields?: Record<string, unknown> }> = {},
  /** A fixed port (to start the CRM again where it was); 0 picks a free one. */
  port = 0,
): Promise<FakeCrm> {
  const requests: FakeCrm['requests'] = [];
  const results: FakeCrm['results'] = new Map();
  let failures = 0;
  let failStatus = 503;
  let drops = 0;
  let next = 1000;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const timestamp = String(req.headers['x-waihu-timestamp'] ?? '');
      const verified = verifySignature(secret, timestamp, body, String(req.headers['x-waihu-signature'] ?? ''));
      const path = req.url ?? '';
      // For the end-to-end server: what arrived, readable without a signature (a test fake only).
      if (req.method === 'GET' && path === '/_received') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requests, results: [...results] }));
        return;
      }
      if (req.method === 'GET' && path === '/_ready') return void res.writeHead(200).end('ok');
      requests.push({ path, headers: req.headers, body, verified });
      const reply = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (!verified) return reply(401, { error: 'bad signature' });
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return reply(401, { error: 'stale timestamp' });
      if (failures > 0) {
        failures--;
        return reply(failStatus, { error: 'try again' });
      }
      const data = JSON.parse(body || '{}');
      if (path === '/health') return reply(200, { ok: true });
      if (path === '/enrich') {
        return reply(200, {
          results: (data.contacts as { ref: string; externalId?: string }[])
            .filter((c) => crm[c.externalId ?? c.ref])
            .map((c) => ({ ref: c.ref, ...crm[c.externalId ?? c.ref] })),
        });
      }
      if (path === '/results' || path === '/leads') {
        const key = String(req.headers['idempotency-key'] ?? '');
        if (!key) return reply(400, { error: 'Idempotency-Key required' });
        const seen = results.get(key);
        if (seen) return reply(200, { externalId: seen.externalId, duplicate: true });
        const stored = { externalId: `X-${next++}`, body: data };
        results.set(key, stored);
        if (drops > 0) {
          drops--;
          return req.socket.destroy();
        }
        return reply(201, { externalId: stored.externalId });
      }
      // webhook-notify posts its messages here when pointed at this server.
      if (path === '/notify') return reply(200, { id: `M-${next++}` });
      if (path === '/resolve-phone') return reply(200, { phone: `1380000${String(data.token).slice(-4)}` });
      reply(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    results,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    dropRepliesNext(n) {
      drops = n;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
