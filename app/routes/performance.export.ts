import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { exportLeaderboard, PerformanceError } from '../modules/performance/leaderboard.server';
import { queryFromUrl } from '../modules/performance/route.server';

// The leaderboard as CSV or XLSX with exactly what the viewer may see (an agent: their own row); audited.
export const loader = withPermission('performance.view', async ({ request, user }) => {
  const url = new URL(request.url);
  const format = url.searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv';
  try {
    const { file, board } = await exportLeaderboard(
      { id: user.id, name: user.login, ip: clientIp(request) },
      { id: user.id, role: user.role, projects: user.projects },
      queryFromUrl(url, undefined),
      format,
    );
    const name = `performance-${board.range.first}_${board.range.last}.${file.extension}`;
    return new Response(file.body, {
      headers: { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${name}"` },
    });
  } catch (error) {
    if (error instanceof PerformanceError)
      return Response.json({ error: error.code }, { status: error.code === 'notFound' ? 404 : 400 });
    throw error;
  }
});
