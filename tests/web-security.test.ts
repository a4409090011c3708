import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { withPermission } from '../app/modules/auth/guard.server';
import { createSession } from '../app/modules/auth/session.server';
import { createApiKey } from '../app/modules/lists/api-keys.server';
import { createProject } from '../app/modules/projects/projects.server';
import * as apiContacts from '../app/routes/api.v1.projects.$projectId.contacts';
import * as logout from '../app/routes/logout';
import * as upload from '../app/routes/projects.$projectId.upload';
import { insertUser, request } from './helpers';
import { postChunked, postDeclared, startTestServer } from './http-server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 3).toString('base64');
const MiB = 1024 * 1024;

// A form action as every page has: reads its body, answers what it read and who asked.
const echo = {
  action: withPermission('signedIn', async ({ request, user }) =>
    Response.json({ bytes: (await request.arrayBuffer()).byteLength, login: user.login }),
  ),
};
const publicEcho = {
  action: withPermission('public', async ({ request }) => Response.json({ bytes: (await request.arrayBuffer()).byteLength })),
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let cookie = '';
let login = '';
let projectId = '';
let key = '';

beforeAll(async () => {
  server = await startTestServer({
    echo,
    'public-echo': publicEcho,
    logout,
    'projects/:projectId/upload': upload,
    'api/v1/projects/:projectId/contacts': apiContacts,
  });
  const user = await insertUser('supervisor');
  login = user.login;
  cookie = (await createSession(request('/login'), user.id)).split(';')[0]!;
  projectId = (await createProject({ name: 't' }, { name: 'Body', type: 'reminder', description: '' })).id;
  key = (await createApiKey({ name: 't' }, projectId, 'CRM', ['contacts.write'])).key;
});
afterAll(() => server.close());

const post = (path: string, headers: Record<string, string>, body: BodyInit = 'x=1') =>
  fetch(`${server.base}${path}`, { method: 'POST', headers: { cookie, ...headers }, body, redirect: 'manual' });

describe('cross-site request forgery (real HTTP, the real middleware stack)', () => {
  it('a signed-in form post from our own page works: by Origin, by Sec-Fetch-Site, or by Referer alone', async () => {
    const cases: Record<string, string>[] = [
      { origin: server.base },
      { 'sec-fetch-site': 'same-origin' },
      { referer: `${server.base}/config/users?tab=1` },
    ];
    for (const headers of cases) {
      const response = await post('/echo', headers);
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(await response.json()).toEqual({ bytes: 3, login });
    }
  });

  it('a post from another site is refused with 403 and says why, whichever header betrays it', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:1` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { referer: 'https://evil.example/page' },
    ];
    for (const headers of cases) {
      const response = await post('/echo', headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.text()).toMatch(/^Cross-site request refused: this form was not sent from a page of this site/);
    }
    // The forged sign-out did not end the session.
    expect((await post('/logout', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/echo', { origin: server.base })).status).toBe(200);
  });

  it('no Origin and no Referer: refused when the session cookie rides along, let through without one', async () => {
    const withCookie = await post('/echo', {});
    expect(withCookie.status).toBe(403);
    expect(await withCookie.text()).toMatch(/did not say which site sent it/);
    const without = await fetch(`${server.base}/public-echo`, { method: 'POST', body: 'abc' });
    expect(without.status).toBe(200);
  });

  it('reads are never blocked, and the key-authenticated API is judged by its key, not its origin', async () => {
    expect(
      (await fetch(`${server.base}/logout`, { headers: { cookie, origin: 'https://evil.example' }, redirect: 'manual' })).status,
    ).toBe(302);
    const api = await fetch(`${server.base}/api/v1/projects/${projectId}/contacts`, {
      method: 'POST',
      headers: { origin: 'https://crm.example', authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contacts: [{ name: '甲', phone: '13800001111' }] }),
    });
    expect(api.status).toBe(200);
  });

  it('behind a trusted proxy the browser-facing host (X-Forwarded-Host) is our origin; an untrusted one is ignored', async () => {
    const forwarded = { 'x-forwarded-host': 'waihu.example.com', origin: 'https://waihu.example.com' };
    expect((await post('/echo', forwarded)).status).toBe(403);
    process.env.WAIHU_TRUST_PROXY = 'loopback';
    const { resetEnvCache } = await import('../app/env.server');
    resetEnvCache();
    const proxied = await startTestServer({ echo });
    try {
      const response = await fetch(`${proxied.base}/echo`, { method: 'POST', headers: { cookie, ...forwarded }, body: 'x' });
      expect(response.status).toBe(200);
      const forged = await fetch(`${proxied.base}/echo`, {
        method: 'POST',
        headers: { cookie, 'x-forwarded-host': 'waihu.example.com', origin: 'https://evil.example' },
        body: 'x',
      });
      expect(forged.status).toBe(403);
    } finally {
      delete process.env.WAIHU_TRUST_PROXY;
      resetEnvCache();
      await proxied.close();
    }
  });
});

describe('request body size limit (real HTTP)', () => {
  const own = () => ({ origin: server.base });

  it('a form post within 2 MiB is read whole', async () => {
    const response = await post('/echo', own(), 'a'.repeat(2 * MiB));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: 2 * MiB, login });
  });

  it('a larger one is refused with 413 before the route reads it, by its Content-Length', async () => {
    const response = await post('/echo', own(), 'a'.repeat(2 * MiB + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      ok: false,
      error: 'body_too_large',
      limitBytes: 2 * MiB,
      message: `The request body is larger than ${2 * MiB} bytes, the most POST /echo accepts.`,
    });
  });

  it('a chunked body without Content-Length is counted as it streams and refused at the limit', async () => {
    const over = await postChunked(`${server.base}/echo`, 3 * MiB, { cookie, ...own() });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text)).toMatchObject({ error: 'body_too_large', limitBytes: 2 * MiB });
    const within = await postChunked(`${server.base}/echo`, MiB, { cookie, ...own() });
    expect(within.status).toBe(200);
    expect(JSON.parse(within.text)).toEqual({ bytes: MiB, login });
    // The server is fine afterwards.
    expect((await post('/echo', own())).status).toBe(200);
  });

  it('an import upload keeps its own 200 MiB limit: 3 MiB of CSV arrives and is previewed', async () => {
    const csv = `name,phone\n${Array.from({ length: 90_000 }, (_, i) => `客户${i},1380000${String(i).padStart(4, '0')}`).join('\n')}\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(2 * MiB);
    const response = await post(`/projects/${projectId}/upload?fileName=big.csv`, own(), csv);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, fileName: 'big.csv' });
    // Over 200 MiB is refused up front, with the error the import page already translates.
    const over = await postDeclared(`${server.base}/projects/${projectId}/upload?fileName=huge.csv`, 200 * MiB + 1, {
      cookie,
      ...own(),
    });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text)).toMatchObject({ ok: false, error: 'upload.tooLarge', limitBytes: 200 * MiB });
  });

  it('a 10 000-contact API batch (over 2 MiB) still passes; the API refuses over 64 MiB with its own error, chunked too', async () => {
    const contacts = Array.from({ length: 10_000 }, (_, i) => ({
      externalId: `E-${i}`,
      name: `批量客户${i}`,
      phone: `139${String(i).padStart(8, '0')}`,
      note: 'x'.repeat(200),
    }));
    const body = JSON.stringify({ contacts });
    expect(Buffer.byteLength(body)).toBeGreaterThan(2 * MiB);
    const response = await fetch(`${server.base}/api/v1/projects/${projectId}/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 10_000, rejected: 0 });
    expect(await prisma.contact.count({ where: { projectId } })).toBeGreaterThanOrEqual(10_000);
    const over = await postChunked(`${server.base}/api/v1/projects/${projectId}/contacts`, 64 * MiB + 1, {
      authorization: `Bearer ${key}`,
    });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text)).toMatchObject({ error: 'body_too_large', limitBytes: 64 * MiB });
  });
});
