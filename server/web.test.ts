import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameOriginMutations } from './web';

let base = '';
let close: () => void;

beforeAll(async () => {
  const app = express();
  app.use(sameOriginMutations);
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
    expect(await byOrigin.text()).toBe('Cross-site request refused');
    expect((await fetch(`${base}/logout`, { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  });

  it('leaves the key-authenticated API to its own checks', async () => {
    expect((await fetch(`${base}/api/v1/anything`, { method: 'POST', headers: { origin: 'https://crm.example' } })).status).toBe(
      200,
    );
  });
});
