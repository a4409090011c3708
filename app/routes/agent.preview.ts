import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { previewNext, requestCall, skipPreview } from '../modules/workstation/agent-dial.server';
import { SKIP_REASONS } from '../modules/workstation/pause-reasons';
import { agentActor, agentLanguage, jsonBody } from '../modules/workstation/route.server';

// Preview mode: the next contact with its profile; call it, or skip it with a reason.
export const loader = withPermission('workstation.use', async ({ request, user }) => {
  const taskId = new URL(request.url).searchParams.get('taskId') ?? undefined;
  return Response.json({ next: await previewNext(user.id, await agentLanguage(user, request), taskId) });
});

const Body = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('call'), taskId: z.string().uuid(), contactId: z.string().regex(/^\d{1,18}$/) }),
  z.object({
    intent: z.literal('skip'),
    taskId: z.string().uuid(),
    contactId: z.string().regex(/^\d{1,18}$/),
    reason: z.enum(SKIP_REASONS),
    note: z.string().max(200).optional(),
  }),
]);

export const action = withPermission('workstation.use', async ({ request, user }) => {
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return Response.json({ ok: false as const, error: 'workstation.badRequest' }, { status: 400 });
  const actor = agentActor(user, request);
  const contactId = BigInt(body.data.contactId);
  if (body.data.intent === 'call')
    return Response.json(await requestCall(actor, { taskId: body.data.taskId, contactId, mode: 'preview' }));
  return Response.json(
    await skipPreview(actor, { taskId: body.data.taskId, contactId, reason: body.data.reason, note: body.data.note }),
  );
});
