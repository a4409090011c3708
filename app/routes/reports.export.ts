import { withPermission } from '../modules/auth/guard.server';
import { visibleProjectIds } from '../modules/auth/project-access';
import { requireFilterAccess } from '../modules/auth/project-access.server';
import { clientIp } from '../modules/auth/session.server';
import { exportReport } from '../modules/reports/export.server';
import { parseFilters } from '../modules/reports/filters';

// /reports/export?report=…&<the page's filters>&format=csv|xlsx — the report's main table; audited.
export const loader = withPermission('reports.export', async ({ request, user }) => {
  const url = new URL(request.url);
  const { filters, errors } = parseFilters(url.searchParams, { tz: user.timeZone });
  if (errors.length) return Response.json({ error: 'invalid_filters', errors }, { status: 400 });
  await requireFilterAccess(user, filters);
  const format = url.searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv';
  const file = await exportReport(
    { id: user.id, name: user.login, ip: clientIp(request) },
    { ...filters, visible: visibleProjectIds(user) ?? undefined },
    format,
    user.locale ?? 'zh-CN',
  );
  return new Response(file.body, {
    headers: { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.filename}"` },
  });
});
