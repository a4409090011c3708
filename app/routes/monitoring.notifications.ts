import { withPermission } from '../modules/auth/guard.server';
import { markNotificationsRead, notificationsFor } from '../modules/monitoring/alerts.server';

// The header bell: unread count and the latest notifications; POST marks them read.
export const loader = withPermission('monitoring.view', async ({ user }) => Response.json(await notificationsFor(user.id)));

export const action = withPermission('monitoring.view', async ({ user }) => {
  await markNotificationsRead(user.id);
  return Response.json({ ok: true });
});
