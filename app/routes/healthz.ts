import { withPermission } from '../modules/auth/guard.server';

// Liveness for operators and orchestrators: the process answers HTTP.
export const loader = withPermission('public', () =>
  Response.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }, { headers: { 'Cache-Control': 'no-store' } }),
);
