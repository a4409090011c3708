import { describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { createSession, getSessionUser } from '../app/modules/auth/session.server';
import { updateUser } from '../app/modules/users/users.server';
import { action as accountAction } from '../app/routes/_app.account';
import { action as loginAction } from '../app/routes/login';
import { action as logoutAction } from '../app/routes/logout';
import { insertUser, request, TEST_PASSWORD } from './helpers';

// Sessions through the real sign-in, sign-out and account actions, as a browser meets them.

const cookieOf = (setCookie: string | null) => setCookie?.split(';')[0] ?? '';

async function signIn(login: string, cookie?: string, headers: Record<string, string> = {}) {
  const response = (await loginAction({
    request: request('/login', {
      method: 'POST',
      cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ login, password: TEST_PASSWORD }).toString(),
    }),
    params: {},
    context: {},
  })) as Response;
  expect(response.status).toBe(302);
  return response.headers.get('set-cookie') ?? '';
}

const whoIs = async (cookie: string) => (await getSessionUser(request('/', { cookie })))?.login ?? null;

describe('session fixation and session lifetime', () => {
  it('signing in issues a new session id: a planted cookie is not the one signed in', async () => {
    const user = await insertUser('supervisor');
    const planted = 'waihu_session=%22attacker-chose-this-token-0123456789%22';
    const setCookie = await signIn(user.login, planted);
    const issued = cookieOf(setCookie);
    expect(issued).not.toBe(planted);
    expect(await whoIs(issued)).toBe(user.login);
    expect(await whoIs(planted)).toBeNull();
  });

  it("an attacker's own live session planted in the victim's browser ends at the victim's sign-in", async () => {
    const attacker = await insertUser('agent');
    const victim = await insertUser('admin');
    const attackerCookie = cookieOf(await createSession(request('/login'), attacker.id));
    const victimCookie = cookieOf(await signIn(victim.login, attackerCookie));
    expect(victimCookie).not.toBe(attackerCookie);
    expect(await whoIs(victimCookie)).toBe(victim.login);
    // The planted session neither became the victim's nor lives on.
    expect(await whoIs(attackerCookie)).toBeNull();
  });

  it('the session cookie is HttpOnly and SameSite=Lax, and Secure over HTTPS or when configured', async () => {
    const user = await insertUser('auditor');
    const plain = await signIn(user.login);
    expect(plain).toMatch(/; HttpOnly/i);
    expect(plain).toMatch(/; SameSite=Lax/i);
    expect(plain).not.toMatch(/; Secure/i);
    expect(await signIn(user.login, undefined, { 'x-forwarded-proto': 'https' })).toMatch(/; Secure/i);
    process.env.WAIHU_SECURE_COOKIES = 'true';
    const { resetEnvCache } = await import('../app/env.server');
    resetEnvCache();
    try {
      expect(await signIn(user.login)).toMatch(/; Secure/i);
    } finally {
      delete process.env.WAIHU_SECURE_COOKIES;
      resetEnvCache();
    }
  });

  it('signing out ends the session on the server: a copy of the cookie stops working', async () => {
    const user = await insertUser('developer');
    const cookie = cookieOf(await signIn(user.login));
    const copy = cookie;
    const response = (await logoutAction({
      request: request('/logout', { method: 'POST', cookie }),
      params: {},
      context: {},
    })) as Response;
    expect(response.headers.get('set-cookie')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await whoIs(copy)).toBeNull();
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it('changing one’s password ends every other session and keeps the one that changed it', async () => {
    const user = await insertUser('supervisor');
    const laptop = cookieOf(await signIn(user.login));
    const phone = cookieOf(await signIn(user.login));
    const result = await accountAction({
      request: request('/account', {
        method: 'POST',
        cookie: laptop,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ intent: 'password', values: { current: TEST_PASSWORD, next: 'another-Secret-77' } }),
      }),
      params: {},
      context: {},
    });
    expect(result).toEqual({ ok: true, intent: 'password' });
    expect(await whoIs(laptop)).toBe(user.login);
    expect(await whoIs(phone)).toBeNull();
  });

  it('deactivating a user ends their sessions at once, and they cannot sign in again', async () => {
    const user = await insertUser('agent');
    const cookie = cookieOf(await signIn(user.login));
    await updateUser({ name: 'admin' }, user.id, {
      displayName: user.displayName,
      role: 'agent',
      active: false,
      locale: null,
      timeZone: 'Asia/Shanghai',
    });
    expect(await whoIs(cookie)).toBeNull();
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
    const again = (await loginAction({
      request: request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: user.login, password: TEST_PASSWORD }).toString(),
      }),
      params: {},
      context: {},
    })) as { error: string };
    expect(again.error).toBe('invalid');
  });
});
