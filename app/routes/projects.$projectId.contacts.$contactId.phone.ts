import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { unmaskPhone } from '../modules/lists/contacts.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

// "Show number": POST so that a prefetch or a crawler never unmasks; audited per call.
export const action = withPermission('contacts.unmask', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  if (!/^\d{1,19}$/.test(params.contactId ?? '')) return Response.json({ error: 'not_found' }, { status: 404 });
  const phone = await unmaskPhone(
    { id: user.id, name: user.login, ip: clientIp(request) },
    project.id,
    BigInt(params.contactId!),
  );
  if (!phone) return Response.json({ error: 'not_found' }, { status: 404 });
  return Response.json({ phone }, { headers: { 'Cache-Control': 'no-store' } });
});
