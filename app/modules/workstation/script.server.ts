import { prisma } from '../../db/prisma.server';
import { goBack, RunnerError, runnerState, startResponse, submitAnswer } from '../questionnaires/runner.server';

// The call's questionnaire in the workstation: the task's pinned version through the same runner
// as the robot and the online page (validation, identity checks and jumps happen on the server).
// An agent works only responses of their own calls.

export type ScriptResult =
  | { ok: true; state: Awaited<ReturnType<typeof runnerState>> }
  | { ok: false; error: string; params?: Record<string, unknown> };

async function guarded(run: () => Promise<Awaited<ReturnType<typeof runnerState>>>): Promise<ScriptResult> {
  try {
    return { ok: true, state: await run() };
  } catch (error) {
    if (error instanceof RunnerError) return { ok: false, error: error.key, params: error.params };
    throw error;
  }
}

/** The response for this call (started on first use), or an error when the call has no questionnaire. */
export async function callScript(userId: string, attemptId: string, language: string): Promise<ScriptResult> {
  const attempt = await prisma.callAttempt.findUnique({ where: { id: attemptId } });
  if (!attempt || (attempt.agentId !== userId && attempt.requestedBy !== userId))
    return { ok: false, error: 'workstation.notYourCall' };
  const task = await prisma.task.findUnique({ where: { id: attempt.taskId }, select: { questionnaireVersionId: true } });
  if (!task?.questionnaireVersionId) return { ok: false, error: 'workstation.noQuestionnaire' };
  const existing = await prisma.questionnaireResponse.findFirst({
    where: { attemptId, agentId: userId },
    orderBy: { startedAt: 'desc' },
  });
  const versionId = task.questionnaireVersionId;
  return guarded(async () => {
    const responseId =
      existing?.id ??
      (await startResponse({
        versionId,
        contactId: attempt.contactId,
        channel: 'agent',
        agentId: userId,
        taskId: attempt.taskId,
        attemptId,
      }));
    // A response left in progress by an earlier call of the same contact continues on this one.
    if (!existing) await prisma.questionnaireResponse.update({ where: { id: responseId }, data: { attemptId, agentId: userId } });
    return runnerState(responseId, language);
  });
}

async function owned(userId: string, responseId: string): Promise<boolean> {
  const response = await prisma.questionnaireResponse.findUnique({ where: { id: responseId }, select: { agentId: true } });
  return response?.agentId === userId;
}

export async function answerScript(userId: string, responseId: string, nodeId: string, value: unknown, language: string) {
  if (!(await owned(userId, responseId))) return { ok: false as const, error: 'workstation.notYourCall' };
  return guarded(() => submitAnswer(responseId, nodeId, value, language));
}

export async function backScript(userId: string, responseId: string, language: string) {
  if (!(await owned(userId, responseId))) return { ok: false as const, error: 'workstation.notYourCall' };
  return guarded(() => goBack(responseId, language));
}
