import { createHash, randomBytes } from 'node:crypto';
import { createCookie } from '@remix-run/node';
import { prisma } from '../../db/prisma.server';
import { env } from '../../env.server';
import type { Role } from './permissions';
import { type ProjectScope, projectScope } from './project-access';

// The cookie carries a random 256-bit token; the database keeps only its SHA-256, so a leaked
// database cannot be replayed as sessions.
const sessionCookie = createCookie('waihu_session', { httpOnly: true, sameSite: 'lax', path: '/' });

export interface SessionUser {
  id: string;
  login: string;
  displayName: string;
  role: Role;
  locale: string | null;
  timeZone: string;
  sessionId: string;
  /** Read on every request, so a change to a user's projects applies from their next request. */
  projects: ProjectScope;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Set by our HTTP server from the socket (or from X-Forwarded-For when WAIHU_TRUST_PROXY says so). */
export const REMOTE_ADDRESS_HEADER = 'x-waihu-remote-address';

export function clientIp(request: Request): string {
  return request.headers.get(REMOTE_ADDRESS_HEADER) || 'unknown';
}

function secure(request: Request): boolean {
  const flag = env().WAIHU_SECURE_COOKIES;
  if (flag) return flag === 'true';
  return new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}

/** Starts a session and returns the Set-Cookie header value. */
export async function createSession(request: Request, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const hours = env().WAIHU_SESSION_HOURS;
  const expiresAt = new Date(Date.now() + hours * 3600_000);
  await prisma.session.create({
    data: {
      id: tokenHash(token),
      userId,
      ip: clientIp(request),
      userAgent: request.headers.get('user-agent')?.slice(0, 300) ?? null,
      expiresAt,
    },
  });
  return sessionCookie.serialize(token, { expires: expiresAt, secure: secure(request) });
}

async function sessionToken(request: Request): Promise<string | null> {
  const value = await sessionCookie.parse(request.headers.get('cookie'));
  return typeof value === 'string' && value.length > 20 ? value : null;
}

/** The signed-in user, or null when there is no live session (expired, revoked, user deactivated). */
export async function getSessionUser(request: Request): Promise<SessionUser | null> {
  const token = await sessionToken(request);
  if (!token) return null;
  const session = await prisma.session.findUnique({
    where: { id: tokenHash(token) },
    include: { user: { include: { projects: { select: { projectId: true } } } } },
  });
  if (!session) return null;
  if (session.expiresAt <= new Date() || !session.user.active) {
    await prisma.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  // Touch at most once a minute: a page load fans out into several loaders.
  if (Date.now() - session.lastSeenAt.getTime() > 60_000) {
    await prisma.session.update({ where: { id: session.id }, data: { lastSeenAt: new Date() } });
  }
  const { user } = session;
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    role: user.role,
    locale: user.locale,
    timeZone: user.timeZone,
    sessionId: session.id,
    projects: projectScope(
      user.role,
      user.allProjects,
      user.projects.map((p) => p.projectId),
    ),
  };
}

/** Ends the current session and returns a Set-Cookie header that clears the cookie. */
export async function destroySession(request: Request): Promise<string> {
  const token = await sessionToken(request);
  if (token) await prisma.session.deleteMany({ where: { id: tokenHash(token) } });
  return sessionCookie.serialize('', { expires: new Date(0), secure: secure(request) });
}

export async function destroyUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
  await prisma.session.deleteMany({ where: { userId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) } });
}

/** Housekeeping: expired sessions, and login attempts older than a day (far past any limit window). */
export async function purgeAuthRecords(): Promise<{ sessions: number; loginAttempts: number }> {
  const sessions = await prisma.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  const loginAttempts = await prisma.loginAttempt.deleteMany({ where: { at: { lt: new Date(Date.now() - 86_400_000) } } });
  return { sessions: sessions.count, loginAttempts: loginAttempts.count };
}
