import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { generatePassword, hashPassword, verifyPassword } from '../auth/password.server';
import { destroyUserSessions } from '../auth/session.server';
import type { ProjectAccess, UserCreate, UserUpdate } from './user-schema';

export class UserRuleError extends Error {
  constructor(
    readonly code: 'login.taken' | 'lastAdmin' | 'selfDeactivate' | 'password.wrong' | 'notFound' | 'projects.unknown',
  ) {
    super(code);
  }
}

const publicFields = {
  id: true,
  login: true,
  displayName: true,
  role: true,
  locale: true,
  timeZone: true,
  active: true,
  lastLoginAt: true,
  createdAt: true,
  allProjects: true,
} as const;

export async function listUsers() {
  const users = await prisma.user.findMany({
    select: { ...publicFields, projects: { select: { projectId: true } } },
    orderBy: [{ active: 'desc' }, { login: 'asc' }],
  });
  return users.map(({ projects, ...u }) => ({
    ...u,
    projectIds: projects.map((p) => p.projectId),
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  }));
}

/**
 * Creates a user with the given or a generated password; returns the password once. Without
 * `access` (the seed, the command line) the user sees all projects; the users page always
 * sends the projects the admin picked (ADR 106).
 */
export async function createUser(
  actor: AuditActor,
  input: UserCreate,
  password = generatePassword(),
  access: ProjectAccess = { allProjects: true, projectIds: [] },
) {
  if (await prisma.user.findUnique({ where: { login: input.login } })) throw new UserRuleError('login.taken');
  const projectIds = await knownProjects(access);
  const user = await prisma.user.create({
    data: {
      ...input,
      allProjects: access.allProjects,
      passwordHash: await hashPassword(password),
      projects: { create: projectIds.map((projectId) => ({ projectId })) },
    },
    select: publicFields,
  });
  await audit(actor, 'user.create', user.login, {
    role: user.role,
    displayName: user.displayName,
    allProjects: access.allProjects,
    projectIds,
  });
  return { user, password };
}

/** The chosen projects, all existing (a deleted or made-up id is refused, not silently kept). */
async function knownProjects(access: ProjectAccess): Promise<string[]> {
  const wanted = [...new Set(access.projectIds)];
  if (!wanted.length) return [];
  const found = await prisma.project.count({ where: { id: { in: wanted } } });
  if (found !== wanted.length) throw new UserRuleError('projects.unknown');
  return wanted;
}

/**
 * Changes which projects a user sees. Nothing is ended: the session reads the projects on every
 * request, so the change applies from the user's next request. Audited with what was added and
 * removed.
 */
export async function setProjectAccess(actor: AuditActor, id: string, access: ProjectAccess) {
  const before = await prisma.user.findUnique({ where: { id }, include: { projects: true } });
  if (!before) throw new UserRuleError('notFound');
  const next = await knownProjects(access);
  const had = new Set(before.projects.map((p) => p.projectId));
  const added = next.filter((p) => !had.has(p));
  const removed = [...had].filter((p) => !next.includes(p));
  if (before.allProjects === access.allProjects && !added.length && !removed.length) return;
  await prisma.$transaction([
    prisma.user.update({ where: { id }, data: { allProjects: access.allProjects } }),
    prisma.projectMember.deleteMany({ where: { userId: id, projectId: { in: removed } } }),
    prisma.projectMember.createMany({ data: added.map((projectId) => ({ userId: id, projectId })) }),
  ]);
  await audit(actor, 'user.projects', before.login, {
    allProjects: { from: before.allProjects, to: access.allProjects },
    added,
    removed,
  });
}

async function activeAdmins(exceptId: string): Promise<number> {
  return prisma.user.count({ where: { role: 'admin', active: true, id: { not: exceptId } } });
}

export async function updateUser(actor: AuditActor, id: string, input: UserUpdate) {
  const before = await prisma.user.findUnique({ where: { id } });
  if (!before) throw new UserRuleError('notFound');
  if (actor.id === id && !input.active) throw new UserRuleError('selfDeactivate');
  const losesAdmin = before.role === 'admin' && before.active && (input.role !== 'admin' || !input.active);
  if (losesAdmin && (await activeAdmins(id)) === 0) throw new UserRuleError('lastAdmin');
  const user = await prisma.user.update({ where: { id }, data: input, select: publicFields });
  if (!input.active || input.role !== before.role) await destroyUserSessions(id);
  const changes = Object.fromEntries(
    (Object.keys(input) as (keyof UserUpdate)[])
      .filter((k) => before[k] !== input[k])
      .map((k) => [k, { from: before[k], to: input[k] }]),
  );
  await audit(
    actor,
    input.active === before.active ? 'user.update' : input.active ? 'user.activate' : 'user.deactivate',
    user.login,
    changes,
  );
  return user;
}

/** An administrator's reset: a new random password, all the user's sessions ended. */
export async function resetPassword(actor: AuditActor, id: string) {
  const password = generatePassword();
  const user = await prisma.user.update({
    where: { id },
    data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() },
  });
  await destroyUserSessions(id);
  await audit(actor, 'user.passwordReset', user.login);
  return { login: user.login, password };
}

/** A user's own change: needs the current password; other sessions are ended. */
export async function changeOwnPassword(
  actor: AuditActor & { id: string },
  sessionId: string,
  current: string,
  next: string,
): Promise<void> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: actor.id } });
  if (!(await verifyPassword(user.passwordHash, current))) throw new UserRuleError('password.wrong');
  await prisma.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(next), passwordChangedAt: new Date() },
  });
  await destroyUserSessions(user.id, sessionId);
  await audit(actor, 'user.passwordChange', user.login);
}

export async function savePreferences(actor: AuditActor & { id: string }, prefs: { locale: string; timeZone: string }) {
  await prisma.user.update({ where: { id: actor.id }, data: prefs });
  await audit(actor, 'user.preferences', actor.name, prefs);
}

/** The language switch in the header; not audited (a display preference, changed often). */
export async function setLanguage(userId: string, language: string): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { locale: language } });
}
