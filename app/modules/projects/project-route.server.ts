import { z } from 'zod';
import { getProject, ProjectNotFound } from './projects.server';

/** Route params → the project, or a 404 response (a malformed id is not a server error). */
export async function projectOrNotFound(id: string | undefined) {
  if (!z.string().uuid().safeParse(id).success) throw Response.json({ error: 'not_found' }, { status: 404 });
  try {
    return await getProject(id!);
  } catch (error) {
    if (error instanceof ProjectNotFound) throw Response.json({ error: 'not_found' }, { status: 404 });
    throw error;
  }
}
