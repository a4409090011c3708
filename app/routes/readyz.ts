import { withPermission } from '../modules/auth/guard.server';
import { readiness } from '../modules/system/health.server';

// Readiness: the database and the job queue are reachable. 503 tells a load balancer to wait.
export const loader = withPermission('public', async () => {
  const report = await readiness();
  return Response.json(
    { status: report.ok ? 'ready' : 'not ready', database: report.database, queue: report.queue },
    { status: report.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
});
