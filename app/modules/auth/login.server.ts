import { prisma } from '../../db/prisma.server';
import { audit } from '../audit/audit.server';
import { hashPassword, verifyPassword } from './password.server';

// Brute-force protection, counted in the database so every web process shares it.
export const LOGIN_LIMITS = {
  windowMinutes: 15,
  /** Failures for one login within the window before further attempts are refused. */
  perLogin: 5,
  /** Failures from one address (across logins) before it is refused; high, since a call centre signs in from behind one NAT address. */
  perIp: 100,
} as const;

export type LoginResult =
  | { ok: true; userId: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

// Verified against when the login does not exist, so response time does not reveal which logins exist.
let dummyHash: Promise<string> | undefined;

async function retryAfter(where: { login?: string; ip?: string }, limit: number): Promise<number> {
  const since = new Date(Date.now() - LOGIN_LIMITS.windowMinutes * 60_000);
  const failures = await prisma.loginAttempt.findMany({
    where: { ...where, success: false, at: { gte: since } },
    orderBy: { at: 'desc' },
    take: limit,
    select: { at: true },
  });
  if (failures.length < limit) return 0;
  // Open again when the oldest of the last `limit` failures leaves the window.
  const oldest = failures[failures.length - 1]!.at.getTime();
  return Math.max(1, Math.ceil((oldest + LOGIN_LIMITS.windowMinutes * 60_000 - Date.now()) / 1000));
}

export async function attemptLogin(input: { login: string; password: string; ip: string }): Promise<LoginResult> {
  const login = input.login.trim().toLowerCase();
  const wait = Math.max(
    await retryAfter({ login }, LOGIN_LIMITS.perLogin),
    await retryAfter({ ip: input.ip }, LOGIN_LIMITS.perIp),
  );
  if (wait > 0) {
    await audit({ name: login, ip: input.ip }, 'auth.login.throttled', login, { retryAfterSeconds: wait });
    return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
  }
  const user = await prisma.user.findUnique({ where: { login } });
  dummyHash ??= hashPassword(crypto.randomUUID());
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash), input.password);
  const success = Boolean(user?.active && valid);
  await prisma.loginAttempt.create({ data: { login, ip: input.ip, success } });
  if (!success || !user) {
    const why = !user ? 'unknown login' : !user.active ? 'deactivated' : 'wrong password';
    await audit({ id: user?.id, name: login, ip: input.ip }, 'auth.login.failed', login, { why });
    return { ok: false, reason: 'invalid' };
  }
  await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await audit({ id: user.id, name: user.login, ip: input.ip }, 'auth.login', user.login);
  return { ok: true, userId: user.id };
}
