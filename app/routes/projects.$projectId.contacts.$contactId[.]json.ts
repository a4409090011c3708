import { withPermission } from '../modules/auth/guard.server';
import { contactDetail } from '../modules/lists/contact-actions.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

// The contact drawer's data: masked phone, template values (sensitive ones masked), tags with sources.
export const loader = withPermission('lists.view', async ({ params }) => {
  const project = await projectOrNotFound(params.projectId);
  if (!/^\d{1,19}$/.test(params.contactId ?? '')) return Response.json({ error: 'not_found' }, { status: 404 });
  const detail = await contactDetail(project.id, BigInt(params.contactId!));
  return detail ? Response.json(detail) : Response.json({ error: 'not_found' }, { status: 404 });
});
