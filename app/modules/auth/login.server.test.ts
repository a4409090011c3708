import { describe, expect, it } from 'vitest';
import { insertUser, TEST_PASSWORD } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { attemptLogin, LOGIN_LIMITS } from './login.server';

describe('login', () => {
  it('accepts the right password, records the sign-in and the audit entry', async () => {
    const user = await insertUser('supervisor');
    const result = await attemptLogin({ login: user.login.toUpperCase(), password: TEST_PASSWORD, ip: '10.1.1.1' });
    expect(result).toEqual({ ok: true, userId: user.id });
    const entry = await prisma.auditLog.findFirst({ where: { action: 'auth.login', target: user.login } });
    expect(entry?.ip).toBe('10.1.1.1');
  });

  it('refuses a wrong password, an unknown login and a deactivated user alike', async () => {
    const user = await insertUser('agent');
    expect(await attemptLogin({ login: user.login, password: 'wrong', ip: '10.1.1.2' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await attemptLogin({ login: 'no-such-user', password: TEST_PASSWORD, ip: '10.1.1.2' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    await prisma.user.update({ where: { id: user.id }, data: { active: false } });
    expect(await attemptLogin({ login: user.login, password: TEST_PASSWORD, ip: '10.1.1.2' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('ten failed logins in a row: after the limit, attempts are refused with a wait, even with the right password', async () => {
    const user = await insertUser('admin');
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await attemptLogin({ login: user.login, password: `guess-${i}`, ip: '10.2.2.2' }));
    expect(results.slice(0, LOGIN_LIMITS.perLogin).every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
    for (const r of results.slice(LOGIN_LIMITS.perLogin)) {
      expect(r).toMatchObject({ ok: false, reason: 'throttled' });
      if (!r.ok && r.reason === 'throttled') {
        expect(r.retryAfterSeconds).toBeGreaterThan(0);
        expect(r.retryAfterSeconds).toBeLessThanOrEqual(LOGIN_LIMITS.windowMinutes * 60);
      }
    }
    expect(await attemptLogin({ login: user.login, password: TEST_PASSWORD, ip: '10.9.9.9' })).toMatchObject({
      reason: 'throttled',
    });
    // Every attempt is in the audit log.
    const failed = await prisma.auditLog.count({ where: { action: 'auth.login.failed', target: user.login } });
    const throttled = await prisma.auditLog.count({ where: { action: 'auth.login.throttled', target: user.login } });
    expect(failed).toBe(LOGIN_LIMITS.perLogin);
    expect(throttled).toBe(10 - LOGIN_LIMITS.perLogin + 1);
  });

  it('opens again once the failures leave the window', async () => {
    const user = await insertUser('auditor');
    for (let i = 0; i < LOGIN_LIMITS.perLogin; i++) await attemptLogin({ login: user.login, password: 'x', ip: '10.3.3.3' });
    const longAgo = new Date(Date.now() - (LOGIN_LIMITS.windowMinutes + 1) * 60_000);
    await prisma.loginAttempt.updateMany({ where: { login: user.login }, data: { at: longAgo } });
    expect(await attemptLogin({ login: user.login, password: TEST_PASSWORD, ip: '10.3.3.3' })).toMatchObject({ ok: true });
  });

  it('limits one address that tries many logins', async () => {
    const ip = '10.4.4.4';
    await prisma.loginAttempt.createMany({
      data: Array.from({ length: LOGIN_LIMITS.perIp }, (_, i) => ({ login: `spray-${i}`, ip, success: false })),
    });
    const user = await insertUser('developer');
    expect(await attemptLogin({ login: user.login, password: TEST_PASSWORD, ip })).toMatchObject({ reason: 'throttled' });
    expect(await attemptLogin({ login: user.login, password: TEST_PASSWORD, ip: '10.4.4.5' })).toMatchObject({ ok: true });
  });
});
