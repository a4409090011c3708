import { json } from '@remix-run/node';
import { withPermission } from '../modules/auth/guard.server';
import { agentLanguage } from '../modules/workstation/route.server';
import { screenPop } from '../modules/workstation/screen-pop.server';

// The screen-pop again (after a reload, or when the live stream reconnected mid-call).
export const loader = withPermission('workstation.use', async ({ request, params, user }) => {
  const pop = await screenPop(params.attemptId ?? '', user.id, await agentLanguage(user, request));
  if (!pop) throw json({ error: 'not_found' }, { status: 404 });
  return Response.json(pop);
});
