import { z } from 'zod';
import { fieldErrors } from '../../utils/forms';
import type { AuditActor } from '../audit/audit.server';
import { notFound, requireProjectAccess, type ScopedUser } from '../auth/project-access';
import { AssignmentRefused } from './assignment.server';
import { TaskInputSchema } from './task-schema';
import { createTask, getTask, previewCount, TaskInvalid, TaskNotFound, updateTask } from './tasks.server';

// Shared by the task routes: params → task or 404, and the form's count and save intents.

/** A task of another project than the user's is answered like a missing one (ADR 106). */
export async function taskOrNotFound(id: string | undefined, user: ScopedUser) {
  if (!z.string().uuid().safeParse(id).success) notFound();
  try {
    const task = await getTask(id!);
    requireProjectAccess(user, task.projectId);
    return task;
  } catch (error) {
    if (error instanceof TaskNotFound) notFound();
    throw error;
  }
}

export const CountIntent = z.object({ intent: z.literal('count'), projectId: z.string().uuid(), condition: z.unknown() });
export const SaveIntent = z.object({ intent: z.literal('save'), task: z.unknown() });

export async function countIntent(user: ScopedUser, body: z.infer<typeof CountIntent>) {
  requireProjectAccess(user, body.projectId);
  const result = await previewCount(body.projectId, body.condition);
  return result.ok
    ? {
        intent: 'count' as const,
        ok: true as const,
        matching: result.matching,
        eligible: result.eligible,
        errors: {},
        ruleErrors: [],
      }
    : { intent: 'count' as const, ok: false as const, errors: {}, ruleErrors: result.errors };
}

/** Validates and saves the task form (create, or update `id`); field errors as translation keys. */
export async function saveIntent(actor: AuditActor & ScopedUser, body: z.infer<typeof SaveIntent>, id?: string) {
  const parsed = TaskInputSchema.safeParse(body.task);
  if (!parsed.success) return { intent: 'save' as const, ok: false as const, errors: fieldErrors(parsed.error), ruleErrors: [] };
  // A task is created in, or moved to, only a project the user sees.
  requireProjectAccess(actor, parsed.data.projectId);
  try {
    const task = id ? await updateTask(actor, id, parsed.data) : await createTask(actor, parsed.data);
    return { intent: 'save' as const, ok: true as const, id: task.id, errors: {}, ruleErrors: [] };
  } catch (error) {
    if (error instanceof TaskInvalid) {
      return { intent: 'save' as const, ok: false as const, errors: { _form: error.code }, ruleErrors: error.errors };
    }
    throw error;
  }
}

export function refusal(error: unknown) {
  if (error instanceof AssignmentRefused) return error.code;
  throw error;
}
