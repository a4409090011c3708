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
  format: z.enum(['csv', 'xlsx']).catch('csv'),
});

// Export of the contacts the browser shows (same filters), as CSV or XLSX. Full numbers only for
// roles that may unmask, and only when asked (`full=1`); always audited.
export const loader = withPermission('lists.export', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const url = new URL(request.url);
  const { format, ...filter } = Query.parse(Object.fromEntries(url.searchParams));
  const full = can(user.role, 'contacts.unmask') && url.searchParams.get('full') === '1';
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  const file = await exportContacts(
    actor,
    project.id,
    { ...filter, condition: parseWhere(url.searchParams.get('where')) },
    full,
    format,
  );
  return new Response(file.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="contacts-${project.id}.${file.extension}"`,
    },
  });
});
