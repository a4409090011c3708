import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { parseWhere } from '../modules/lists/contact-filter';
import { exportContacts } from '../modules/lists/contacts.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

const Query = z.object({
  search: z.string().max(100).optional().catch(undefined),
  tag: z.string().max(60).optional().catch(undefined),
  status: z.enum(['open', 'closed']).optional().catch(undefined),
});

// Export of the contacts the browser shows (same filters). Full numbers only for roles that may unmask.
export const loader = withPermission('lists.export', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId);
  const query = {
    ...Query.parse(Object.fromEntries(new URL(request.url).searchParams)),
    condition: parseWhere(new URL(request.url).searchParams.get('where')),
  };
  const full = can(user.role, 'contacts.unmask') && new URL(request.url).searchParams.get('full') === '1';
  const csv = await exportContacts({ id: user.id, name: user.login, ip: clientIp(request) }, project.id, query, full);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="contacts-${project.id}.csv"`,
    },
  });
});
