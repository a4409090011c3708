import { z } from 'zod';
import { notFound, requireProjectAccess, type ScopedUser } from '../auth/project-access';
import { getProject, ProjectNotFound } from './projects.server';

/**
 * Route params → the project, or a 404 response (a malformed id is not a server error, and a
 * project outside the user's projects is answered like one that does not exist — ADR 106).
 */
export async function projectOrNotFound(id: string | undefined, user: ScopedUser) {
  if (!z.string().uuid().safeParse(id).success) notFound();
  requireProjectAccess(user, id);
  try {
    return await getProject(id!);
  } catch (error) {
    if (error instanceof ProjectNotFound) notFound();
    throw error;
  }
}

/** A contact id from the URL (a positive integer), or a 404. */
export function contactIdOrNotFound(id: string | undefined): bigint {
  if (!/^\d{1,19}$/.test(id ?? '')) notFound();
  return BigInt(id!);
}
