import { withPermission } from '../modules/auth/guard.server';
import { liveResponse } from '../modules/dialing/live.server';

// Server-sent events for the dialing page: attempt, agent and task changes (ids and states only).
export const loader = withPermission('dialing.view', async ({ request }) =>
  liveResponse(request, (event) => event.topic !== 'screenPop'),
);
