import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { agentLanguage, jsonBody } from '../modules/workstation/route.server';
import { answerScript, backScript, callScript } from '../modules/workstation/script.server';

// The questionnaire of the call in hand: start or resume it, answer the current question, go back.
const Body = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('open'), attemptId: z.string().uuid() }),
  z.object({ intent: z.literal('answer'), responseId: z.string().uuid(), nodeId: z.string().max(40), value: z.unknown() }),
  z.object({ intent: z.literal('back'), responseId: z.string().uuid() }),
]);

export const action = withPermission('workstation.use', async ({ request, user }) => {
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return Response.json({ ok: false as const, error: 'workstation.badRequest' }, { status: 400 });
  const language = await agentLanguage(user, request);
  const b = body.data;
  if (b.intent === 'open') return Response.json(await callScript(user.id, b.attemptId, language));
  if (b.intent === 'answer') return Response.json(await answerScript(user.id, b.responseId, b.nodeId, b.value, language));
  return Response.json(await backScript(user.id, b.responseId, language));
});
