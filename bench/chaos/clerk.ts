import { prisma } from '../../app/db/prisma.server';
import { submitWrapUp } from '../../app/modules/wrapup/wrapup.server';

// The agents' side of the wrap-up: auto-agents on the sim switch talk and wrap up but submit no
// record, so the harness submits one for every connected call that has ended, as the agent who
// took it — what the agent's browser does through the web role (agent.wrapup.ts). The disposition
// is drawn from the call id: completed, refused, call again later, or do-not-call.

const DISPOSITIONS = ['success.done', 'success.done', 'failure.refused', 'later.busy', 'later.busy', 'dnc'];

function dispositionFor(attemptId: string): string {
  const n = Number.parseInt(attemptId.slice(0, 8), 16);
  return DISPOSITIONS[n % DISPOSITIONS.length] as string;
}

export function startClerk(projectId: string, onError: (error: unknown) => void) {
  let submitted = 0;
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();
  const pending = () =>
    prisma.$queryRaw<{ id: string; agentId: string }[]>`
      SELECT a."id", a."agentId" FROM "CallAttempt" a
       WHERE a."projectId" = ${projectId}::uuid AND a."result" = 'connected' AND a."endedAt" IS NOT NULL
         AND a."agentId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "WrapUp" w WHERE w."attemptId" = a."id")
       LIMIT 100`;
  const round = async () => {
    for (const a of await pending()) {
      const outcome = await submitWrapUp(
        { name: 'chaos clerk', userId: a.agentId },
        { attemptId: a.id, dispositionCode: dispositionFor(a.id), notes: 'chaos' },
      );
      if (outcome.ok) submitted++;
    }
  };
  const timer = setInterval(() => {
    busy = busy.then(() => (stopped ? undefined : round().catch(onError)));
  }, 500);
  return {
    submitted: () => submitted,
    /** Connected calls still without a wrap-up. */
    backlog: async () => (await pending()).length,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
    },
  };
}
