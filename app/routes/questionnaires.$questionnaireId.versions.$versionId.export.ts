import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { questionnaireOrNotFound } from '../modules/questionnaires/questionnaires.server';
import { exportResponses } from '../modules/questionnaires/stats.server';

// A version's responses with answers as text, one column per question (CSV or XLSX); audited.
export const loader = withPermission('reports.export', async ({ request, params, user }) => {
  const q = await questionnaireOrNotFound(params.questionnaireId, user);
  const version = q.versions.find((v) => v.id === params.versionId);
  if (!version) throw Response.json({ error: 'not_found' }, { status: 404 });
  const url = new URL(request.url);
  const format = url.searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv';
  const file = await exportResponses(
    { id: user.id, name: user.login, ip: clientIp(request) },
    version.id,
    format,
    user.locale ?? 'zh-CN',
  );
  return new Response(file.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Disposition': `attachment; filename="responses-v${version.version}.${file.extension}"`,
    },
  });
});
