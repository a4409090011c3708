import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logContext } from '../app/utils/logger.server';
import { requestIds, sameOriginMutations, trustProxyValue } from './web';

let base = '';
let held: AbortSignal | undefined;
const LOADER_COPY = `${new URL('../app/utils/request-context.server.ts', import.meta.url).pathname}?loader-copy`;
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.use(requestIds);
  app.use(sameOriginMutations);
  // What a handler's log lines would carry, after an await (the id must survive async work).
  app.get('/whoami', async (_req, res) => {
    await new Promise((r) => setTimeout(r, 5));
    res.json(logContext());
  });
  // A long response (a server-sent event stream): what it learns when the browser leaves.
  app.get('/held', async (_req, res) => {
    // A second copy of the module, as the Vite build's loaders have: it must see the same context.
    const copy = (await import(/* @vite-ignore */ `${LOADER_COPY}`)) as typeof import('../app/utils/request-context.server');
    held = copy.connectionClosed();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': open\n\n');
  });
  app.all('*', (_req, res) => res.send('reached'));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

describe('cross-site request forgery guard', () => {
  it('lets reads and same-origin form posts through', async () => {
    expect((await fetch(`${base}/dashboard`, { headers: { origin: 'https://evil.example' } })).status).toBe(200);
    const host = new URL(base).host;
    expect((await fetch(`${base}/login`, { method: 'POST', headers: { origin: `http://${host}` } })).status).toBe(200);
    expect((await fetch(`${base}/login`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
  });

  it('refuses a post from another site, by Origin or by Sec-Fetch-Site', async () => {
    const byOrigin = await fetch(`${base}/config/users`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(byOrigin.status).toBe(403);
    expect(await byOrigin.text()).toMatch(/^Cross-site request refused: /);
    expect((await fetch(`${base}/logout`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('leaves the key-authenticated API to its own checks', async () => {
    expect((await fetch(`${base}/api/v1/anything`, { method: 'POST', headers: { origin: 'https://crm.example' } })).status).toBe(
      200,
    );
  });
});

describe('request ids', () => {
  it('gives each request an id, answers it, and every log line of the request carries it', async () => {
    const one = await fetch(`${base}/whoami`);
    const id = one.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await one.json()).toEqual({ reqId: id });
    const two = await fetch(`${base}/whoami`);
    expect(two.headers.get('x-request-id')).not.toBe(id);
  });

  it("keeps a proxy's well-formed id and replaces one that is unsafe to log", async () => {
    const kept = await fetch(`${base}/whoami`, { headers: { 'x-request-id': 'lb-7f3a.42' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42');
    expect(await kept.json()).toEqual({ reqId: 'lb-7f3a.42' });
    const replaced = await fetch(`${base}/whoami`, { headers: { 'x-request-id': 'x'.repeat(200) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('WAIHU_TRUST_PROXY', () => {
  it('takes true/false and hop counts as Express means them, and addresses as a list', () => {
    expect(trustProxyValue('true')).toBe(true);
    expect(trustProxyValue('false')).toBe(false);
    expect(trustProxyValue('1')).toBe(1);
    expect(trustProxyValue('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
    // The example in docs/operations.md used to stop the server from starting.
    for (const value of ['true', '1', 'loopback'])
      expect(() => express().set('trust proxy', trustProxyValue(value))).not.toThrow();
  });
});

describe('the end of a connection', () => {
  it('reaches a long response (a live stream) when the browser leaves, in every copy of the request context', async () => {
    const browser = new AbortController();
    const response = await fetch(`${base}/held`, { signal: browser.signal });
    expect(response.status).toBe(200);
    expect(held?.aborted).toBe(false);
    browser.abort();
    await expect.poll(() => held?.aborted).toBe(true);
  });
});
