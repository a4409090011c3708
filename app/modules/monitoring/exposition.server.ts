import { timingSafeEqual } from 'node:crypto';
import { prisma } from '../../db/prisma.server';
import { env } from '../../env.server';
import { clientIp } from '../auth/session.server';
import { liveSubscriptions } from '../dialing/live.server';
import { wallboardSnapshot } from './metrics.server';
import { prometheusText } from './prometheus';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** null when the scrape may proceed; otherwise the refusal (401 without a valid bearer token). */
export function metricsAccess(request: Request): Response | null {
  // A reverse proxy on the same host connects from loopback too: a forwarded request is remote.
  const proxied = request.headers.has('x-forwarded-for') || request.headers.has('forwarded');
  if (LOOPBACK.has(clientIp(request)) && !proxied) return null;
  const token = env().WAIHU_METRICS_TOKEN;
  const given = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
  if (token && given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token))) return null;
  return new Response(
    token ? 'a valid bearer token is required\n' : '/metrics answers loopback only (set WAIHU_METRICS_TOKEN)\n',
    {
      status: token ? 401 : 403,
      headers: { 'Content-Type': 'text/plain', ...(token ? { 'WWW-Authenticate': 'Bearer' } : {}) },
    },
  );
}

export async function metricsText(now = new Date()): Promise<string> {
  const [snapshot, alerts] = await Promise.all([
    wallboardSnapshot(now),
    prisma.alert.groupBy({ by: ['severity'], where: { state: { not: 'resolved' } }, _count: { _all: true } }),
  ]);
  // This process's own: the live streams it serves (a number that only grows means a leak).
  const own = [
    '# HELP waihu_live_subscriptions Live-event subscriptions held by this process (server-sent event streams).',
    '# TYPE waihu_live_subscriptions gauge',
    `waihu_live_subscriptions ${liveSubscriptions()}`,
  ];
  return `${prometheusText(
    snapshot,
    alerts.map((a) => ({ severity: a.severity, count: a._count._all })),
  )}${own.join('\n')}\n`;
}
