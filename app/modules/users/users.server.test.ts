import { describe, expect, it } from 'vitest';
import { insertUser, request, TEST_PASSWORD } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { attemptLogin } from '../auth/login.server';
import { createSession, getSessionUser } from '../auth/session.server';
import { changeOwnPassword, createUser, resetPassword, UserRuleError, updateUser } from './users.server';

const actor = { id: null, name: 'tester' };

describe('user administration', () => {
  it('creates a user with a generated password that works once given, and audits it', async () => {
    const { user, password } = await createUser(actor, {
      login: 'new.agent',
      displayName: '新坐席',
      role: 'agent',
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
    expect(password.length).toBeGreaterThanOrEqual(10);
    expect(await attemptLogin({ login: 'new.agent', password, ip: '10.0.0.9' })).toMatchObject({ ok: true });
    expect(await prisma.auditLog.count({ where: { action: 'user.create', target: user.login } })).toBe(1);
    await expect(
      createUser(actor, { login: 'new.agent', displayName: 'x', role: 'agent', locale: null, timeZone: 'UTC' }),
    ).rejects.toThrow(UserRuleError);
  });

  it('never leaves the platform without an active administrator', async () => {
    await prisma.user.updateMany({ where: { role: 'admin' }, data: { active: false } });
    const admin = await insertUser('admin');
    const base = { displayName: 'a', locale: null, timeZone: 'UTC' };
    await expect(updateUser(actor, admin.id, { ...base, role: 'agent', active: true })).rejects.toMatchObject({
      code: 'lastAdmin',
    });
    await expect(updateUser(actor, admin.id, { ...base, role: 'admin', active: false })).rejects.toMatchObject({
      code: 'lastAdmin',
    });
    await insertUser('admin');
    await expect(updateUser(actor, admin.id, { ...base, role: 'admin', active: false })).resolves.toMatchObject({
      active: false,
    });
    expect(await prisma.auditLog.count({ where: { action: 'user.deactivate', target: admin.login } })).toBe(1);
  });

  it('deactivating or changing a role signs the user out everywhere', async () => {
    const user = await insertUser('supervisor');
    const cookie = (await createSession(request('/login'), user.id)).split(';')[0]!;
    await updateUser(actor, user.id, {
      displayName: user.displayName,
      role: 'agent',
      locale: null,
      timeZone: 'UTC',
      active: true,
    });
    expect(await getSessionUser(request('/', { cookie }))).toBeNull();
  });

  it('a reset gives a new password and ends sessions; an own change needs the current password', async () => {
    const user = await insertUser('developer');
    const { password } = await resetPassword(actor, user.id);
    expect(await attemptLogin({ login: user.login, password: TEST_PASSWORD, ip: '10.0.0.8' })).toMatchObject({ ok: false });
    expect(await attemptLogin({ login: user.login, password, ip: '10.0.0.8' })).toMatchObject({ ok: true });
    const self = { id: user.id, name: user.login };
    await expect(changeOwnPassword(self, 'none', 'wrong-one-1', 'another-pass-99')).rejects.toMatchObject({
      code: 'password.wrong',
    });
    await changeOwnPassword(self, 'none', password, 'another-pass-99');
    expect(await attemptLogin({ login: user.login, password: 'another-pass-99', ip: '10.0.0.8' })).toMatchObject({ ok: true });
    expect(
      await prisma.auditLog.count({
        where: { target: user.login, action: { in: ['user.passwordReset', 'user.passwordChange'] } },
      }),
    ).toBe(2);
  });
});
