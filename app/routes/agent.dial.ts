import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { manualDial } from '../modules/workstation/agent-dial.server';
import { agentActor, jsonBody } from '../modules/workstation/route.server';

// Manual dialling: a typed number, dialled for one of the agent's tasks through the compliance gate.
const Body = z.object({ taskId: z.string().uuid(), phone: z.string().min(3).max(40) });

export const action = withPermission('workstation.manualDial', async ({ request, user }) => {
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return Response.json({ ok: false as const, error: 'workstation.badNumber' }, { status: 400 });
  return Response.json(await manualDial(agentActor(user, request), body.data));
});
