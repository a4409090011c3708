// Which projects a signed-in user may see (ADR 106): the one place that decides it. Routes never
// compare project ids themselves; they go through `requireProjectAccess`/`visibleProjectIds`
// here, or through the `…OrNotFound(id, user)` look-ups that call them.
import type { Role } from './permissions';

/** 'all', or the ids of the projects the user was given. Admins always see all. */
export type ProjectScope = 'all' | readonly string[];

export interface ScopedUser {
  role: Role;
  projects: ProjectScope;
}

export function projectScope(role: Role, allProjects: boolean, memberOf: readonly string[]): ProjectScope {
  return role === 'admin' || allProjects ? 'all' : memberOf;
}

export function seesProject(user: ScopedUser, projectId: string): boolean {
  return user.projects === 'all' || user.projects.includes(projectId);
}

/** null when the user sees every project; otherwise the ids to filter a listing by. */
export function visibleProjectIds(user: ScopedUser): string[] | null {
  return user.projects === 'all' ? null : [...user.projects];
}

/** A Prisma `where` fragment for rows that carry a projectId: nothing when all are visible. */
export function projectWhere(user: ScopedUser): { projectId?: { in: string[] } } {
  const ids = visibleProjectIds(user);
  return ids ? { projectId: { in: ids } } : {};
}

/**
 * A denial is answered exactly like a missing record (404 `not_found`), so that probing ids
 * tells nothing about other projects (ADR 106).
 */
export function notFound(): never {
  throw Response.json({ error: 'not_found' }, { status: 404 });
}

export function requireProjectAccess(user: ScopedUser, projectId: string | null | undefined): void {
  if (!projectId || !seesProject(user, projectId)) notFound();
}

/** A Prisma `where` fragment for the Project table itself. */
export function visibleProjectsWhere(user: ScopedUser): { id?: { in: string[] } } {
  const ids = visibleProjectIds(user);
  return ids ? { id: { in: ids } } : {};
}
