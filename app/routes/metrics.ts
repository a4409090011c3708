import { withPermission } from '../modules/auth/guard.server';
import { metricsAccess, metricsText } from '../modules/monitoring/exposition.server';

// Prometheus scrape endpoint for operators: loopback without a token, other hosts with the bearer
// token WAIHU_METRICS_TOKEN (docs/monitoring.md). Not a browser page; no session needed.
export const loader = withPermission('public', async ({ request }) => {
  const denied = metricsAccess(request);
  if (denied) return denied;
  return new Response(await metricsText(), {
    headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' },
  });
});
