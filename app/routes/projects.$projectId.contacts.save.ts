import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { ContactInputSchema, saveContact } from '../modules/lists/contact-form.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

// The contact form (add, or edit with an id): validated against the template, field errors back.
export const action = withPermission('lists.import', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const parsed = ContactInputSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success)
    return Response.json({ ok: false, errors: [{ field: '_form', code: 'request.invalid' }] }, { status: 400 });
  const result = await saveContact({ id: user.id, name: user.login, ip: clientIp(request) }, project.id, parsed.data);
  return Response.json(result, { status: result.ok ? 200 : 422 });
});
