import { withPermission } from '../modules/auth/guard.server';
import { liveProjectFilter } from '../modules/auth/project-access.server';
import { liveResponse } from '../modules/dialing/live.server';

// Server-sent events for the wallboard and the bell: attempt, agent, task and alert changes (ids
// and states only); the page reloads its snapshot from them.
export const loader = withPermission('monitoring.view', async ({ request, user }) =>
  // A user limited to some projects gets only their tasks' events (ADR 106).
  liveResponse(request, (event) => event.topic !== 'screenPop' && event.topic !== 'call', undefined, liveProjectFilter(user)),
);
