import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { sendProductLink } from '../modules/workstation/product-links.server';
import { agentActor, jsonBody } from '../modules/workstation/route.server';

// A recommended product's link sent to the customer by the notify plugin, recorded on the call.
const Body = z.object({ attemptId: z.string().uuid(), productId: z.string().uuid() });

export const action = withPermission('workstation.use', async ({ request, user }) => {
  const body = Body.safeParse(await jsonBody(request));
  if (!body.success) return Response.json({ ok: false as const, error: 'workstation.badRequest' }, { status: 400 });
  return Response.json(await sendProductLink(agentActor(user, request), body.data.attemptId, body.data.productId));
});
