import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { heartbeat } from '../modules/dialing/presence.server';
import { jsonBody } from '../modules/workstation/route.server';
import { changeState } from '../modules/workstation/workstation.server';

// The state bar: ready, pause (with a reason), logout; and the workstation's heartbeat.
const Body = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('ready') }),
  z.object({ intent: z.literal('pause'), reason: z.string().max(40) }),
  z.object({ intent: z.literal('logout') }),
  z.object({ intent: z.literal('heartbeat') }),
]);

export const action = withPermission('workstation.use', async ({ request, user }) => {
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return Response.json({ ok: false as const, error: 'workstation.badRequest' }, { status: 400 });
  if (body.data.intent === 'heartbeat') {
    await heartbeat(user.id);
    return Response.json({ ok: true, state: null });
  }
  return Response.json(await changeState(user.id, body.data.intent, body.data.intent === 'pause' ? body.data.reason : undefined));
});
