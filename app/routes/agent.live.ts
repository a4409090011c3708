import { withPermission } from '../modules/auth/guard.server';
import { liveResponse } from '../modules/dialing/live.server';
import { agentLanguage } from '../modules/workstation/route.server';
import { screenPop } from '../modules/workstation/screen-pop.server';

// The agent's own live events: their state, their calls' states and the screen-pop, which is sent
// with the customer's profile already built (one message: no round trip before it shows).
export const loader = withPermission('workstation.use', async ({ request, user }) => {
  const language = await agentLanguage(user, request);
  return liveResponse(
    request,
    (event) =>
      event.to === user.id ||
      (event.topic === 'agent' && event.data.userId === user.id) ||
      (event.topic === 'attempt' && event.data.agentId === user.id),
    undefined,
    async (event) => {
      if (event.topic !== 'screenPop') return { topic: event.topic, data: event.data, at: event.at };
      const pop = await screenPop(String(event.data.attemptId), user.id, language);
      return pop ? { topic: 'screenPop', data: pop, at: event.at } : null;
    },
  );
});
