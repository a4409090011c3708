import { describe, expect, it } from 'vitest';
import { insertUser, request } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { createSession, destroySession, getSessionUser, purgeAuthRecords } from './session.server';

function cookieOf(setCookie: string): string {
  return setCookie.split(';')[0]!;
}

describe('sessions', () => {
  it('a session cookie identifies the user; the database keeps only a hash of the token', async () => {
    const user = await insertUser('supervisor');
    const setCookie = await createSession(request('/login'), user.id);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = cookieOf(setCookie);
    const signedIn = await getSessionUser(request('/', { cookie }));
    expect(signedIn).toMatchObject({ id: user.id, role: 'supervisor' });
    const token = decodeURIComponent(cookie.split('=')[1]!).replaceAll('"', '');
    expect(await prisma.session.count({ where: { id: { contains: token.slice(1, 12) } } })).toBe(0);
  });

  it('expired sessions and sessions of deactivated users no longer sign anyone in', async () => {
    const user = await insertUser('agent');
    const cookie = cookieOf(await createSession(request('/login'), user.id));
    await prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getSessionUser(request('/', { cookie }))).toBeNull();
    const second = cookieOf(await createSession(request('/login'), user.id));
    await prisma.user.update({ where: { id: user.id }, data: { active: false } });
    expect(await getSessionUser(request('/', { cookie: second }))).toBeNull();
  });

  it('logout ends the session on the server, not only in the browser', async () => {
    const user = await insertUser('auditor');
    const cookie = cookieOf(await createSession(request('/login'), user.id));
    const cleared = await destroySession(request('/logout', { cookie }));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(await getSessionUser(request('/', { cookie }))).toBeNull();
  });

  it('a forged cookie is nobody', async () => {
    expect(await getSessionUser(request('/', { cookie: 'waihu_session=%22not-a-real-session-token-at-all%22' }))).toBeNull();
  });

  it('housekeeping removes expired sessions and old login attempts, and keeps live ones', async () => {
    const user = await insertUser('developer');
    await createSession(request('/login'), user.id);
    await prisma.session.updateMany({ where: { userId: user.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const live = cookieOf(await createSession(request('/login'), user.id));
    await prisma.loginAttempt.create({
      data: { login: 'old', ip: 'x', success: false, at: new Date(Date.now() - 2 * 86_400_000) },
    });
    const purged = await purgeAuthRecords();
    expect(purged.sessions).toBeGreaterThanOrEqual(1);
    expect(purged.loginAttempts).toBeGreaterThanOrEqual(1);
    expect(await getSessionUser(request('/', { cookie: live }))).not.toBeNull();
  });
});
