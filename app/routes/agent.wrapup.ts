import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { queueCallNotification } from '../modules/workstation/click-to-call.server';
import { agentActor, jsonBody } from '../modules/workstation/route.server';
import { afterWrapUp, pauseReasons } from '../modules/workstation/workstation.server';
import { submitWrapUp, wrapUpContext } from '../modules/wrapup/wrapup.server';
import { WrapUpInputSchema } from '../modules/wrapup/wrapup-schema';

// 落单 from the workstation: the form's context for the call just ended, and its submission —
// validated and decided by the wrap-up module; the agent is then ready for the next call.
export const loader = withPermission('workstation.use', async ({ request, user }) => {
  const attemptId = new URL(request.url).searchParams.get('attemptId') ?? '';
  const context = await wrapUpContext(attemptId, user.id);
  const project = context
    ? await prisma.project.findUnique({ where: { id: context.projectId }, select: { crmInstallationId: true } })
    : null;
  return Response.json({ context: context ? { ...context, hasCrm: !!project?.crmInstallationId } : null });
});

export const action = withPermission('workstation.use', async ({ request, user }) => {
  const body = (await jsonBody(request)) as { pauseAfter?: unknown } | null;
  const parsed = WrapUpInputSchema.safeParse(body);
  if (!parsed.success)
    return Response.json(
      {
        ok: false,
        errors: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '_form', message: 'wrapup.errors.invalid' })),
      },
      { status: 400 },
    );
  const result = await submitWrapUp({ ...agentActor(user, request), userId: user.id }, parsed.data);
  // "Submit, then pause": the agent takes a break instead of the next call.
  const pauseAfter = typeof body?.pauseAfter === 'string' ? body.pauseAfter : null;
  const valid = pauseAfter && (await pauseReasons()).some((r) => r.code === pauseAfter) ? pauseAfter : null;
  if (result.ok) {
    await afterWrapUp(user.id, parsed.data.attemptId, valid);
    await queueCallNotification(parsed.data.attemptId, 'wrappedUp');
  }
  return Response.json(result, { status: result.ok ? 200 : 422 });
});
