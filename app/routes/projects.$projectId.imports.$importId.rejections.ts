import { z } from 'zod';
import { detectLanguage } from '../i18n/detect.server';
import { createI18n } from '../i18n/i18n';
import { audit } from '../modules/audit/audit.server';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { rejectionReport } from '../modules/lists/imports.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

// The rejected rows of an import, with their original values and what was wrong, in the
// downloader's language; fix them and import the file again.
export const loader = withPermission('lists.import', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  if (!z.string().uuid().safeParse(params.importId).success) throw Response.json({ error: 'not_found' }, { status: 404 });
  const t = createI18n(await detectLanguage(request, user.locale)).t;
  const format = new URL(request.url).searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv';
  const describe = (e: { field: string; code: string; params?: Record<string, string | number> }) =>
    `${e.field}: ${t(`lists.errors.${e.code}`, e.params ?? {})}`;
  const file = await rejectionReport(project.id, params.importId!, describe, format).catch(() => null);
  if (file === null) throw Response.json({ error: 'not_found' }, { status: 404 });
  await audit({ id: user.id, name: user.login, ip: clientIp(request) }, 'lists.import.rejectionsDownload', params.importId);
  return new Response(file.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="rejected-${params.importId}.${file.extension}"`,
    },
  });
});
