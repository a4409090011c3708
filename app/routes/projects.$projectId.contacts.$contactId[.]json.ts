import { detectLanguage } from '../i18n/detect.server';
import { withPermission } from '../modules/auth/guard.server';
import { contactDetail } from '../modules/lists/contact-actions.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';
import { contactProfile } from '../modules/workstation/screen-pop.server';

// The contact drawer's data: masked phone, template values (sensitive ones masked), tags with sources,
// and the contact's calls, answers and callbacks.
export const loader = withPermission('lists.view', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  if (!/^\d{1,19}$/.test(params.contactId ?? '')) return Response.json({ error: 'not_found' }, { status: 404 });
  const detail = await contactDetail(project.id, BigInt(params.contactId!));
  if (!detail) return Response.json({ error: 'not_found' }, { status: 404 });
  const profile = await contactProfile(BigInt(detail.id), null, await detectLanguage(request, user.locale));
  const story = profile ? { history: profile.history, answers: profile.answers, callbacks: profile.callbacks } : null;
  return Response.json({ ...detail, story });
});
