import { z } from 'zod';
import { detectLanguage } from '../i18n/detect.server';
import { createI18n } from '../i18n/i18n';
import { audit } from '../modules/audit/audit.server';
import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { rejectionReport } from '../modules/lists/imports.server';

// The rejected rows of an import, with their original values and what was wrong, in the
// downloader's language; fix them and import the file again.
export const loader = withPermission('lists.import', async ({ request, params, user }) => {
  if (!z.string().uuid().safeParse(params.importId).success) throw Response.json({ error: 'not_found' }, { status: 404 });
  const t = createI18n(await detectLanguage(request, user.locale)).t;
  const csv = await rejectionReport(params.importId!, (e) => `${e.field}: ${t(`lists.errors.${e.code}`, e.params ?? {})}`).catch(
    () => null,
  );
  if (csv === null) throw Response.json({ error: 'not_found' }, { status: 404 });
  await audit({ id: user.id, name: user.login, ip: clientIp(request) }, 'lists.import.rejectionsDownload', params.importId);
  return new Response(csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="rejected-${params.importId}.csv"`,
    },
  });
});
