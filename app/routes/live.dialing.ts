import { withPermission } from '../modules/auth/guard.server';
import { liveProjectFilter } from '../modules/auth/project-access.server';
import { liveResponse } from '../modules/dialing/live.server';

// Server-sent events for the dialing page: attempt, agent and task changes (ids and states only).
export const loader = withPermission('dialing.view', async ({ request, user }) =>
  // A user limited to some projects gets only their tasks' events (ADR 106).
  liveResponse(request, (event) => event.topic !== 'screenPop', undefined, liveProjectFilter(user)),
);
