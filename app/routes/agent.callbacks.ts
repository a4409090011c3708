import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { callbacksFor, callCallback } from '../modules/workstation/agent-dial.server';
import { agentActor, jsonBody } from '../modules/workstation/route.server';

// The agent's callbacks (personal and their tasks' pool), and calling one that is due.
export const loader = withPermission('workstation.use', async ({ user }) =>
  Response.json({ callbacks: await callbacksFor(user.id) }),
);

const Body = z.object({ callbackId: z.string().uuid() });

export const action = withPermission('workstation.use', async ({ request, user }) => {
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return Response.json({ ok: false as const, error: 'workstation.badRequest' }, { status: 400 });
  return Response.json(await callCallback(agentActor(user, request), body.data.callbackId));
});
