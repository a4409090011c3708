import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { jsonBody } from '../modules/workstation/route.server';
import { CALL_ACTIONS, controlCall } from '../modules/workstation/workstation.server';

// The softphone panel's buttons: hang up, hold, mute, DTMF — passed to the dialer holding the call.
const Body = z.object({ action: z.enum(CALL_ACTIONS), digits: z.string().max(32).optional() });

export const action = withPermission('workstation.use', async ({ request, user }) => {
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return Response.json({ ok: false as const, error: 'workstation.badRequest' }, { status: 400 });
  return Response.json(await controlCall(user.id, body.data.action, body.data.digits));
});
