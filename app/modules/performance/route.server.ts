import type { SessionUser } from '../auth/session.server';
import { type Leaderboard, leaderboard, PerformanceError, schemesFor } from './leaderboard.server';
import { PERIODS, type Period } from './periods';

// What the leaderboard page and its export read from the URL: scheme, period, date or from/to.

export function queryFromUrl(url: URL, fallbackSchemeId: string | undefined) {
  const p = url.searchParams;
  const period = (PERIODS as readonly string[]).includes(p.get('period') ?? '') ? (p.get('period') as Period) : 'day';
  return {
    schemeId: p.get('scheme') ?? fallbackSchemeId ?? '',
    period,
    date: p.get('date') || undefined,
    from: p.get('from') || undefined,
    to: p.get('to') || undefined,
  };
}

/** The page's data; a bad period or an unknown scheme is an error to show, not a crash. */
export async function leaderboardPage(user: SessionUser, url: URL) {
  const viewer = { id: user.id, role: user.role, projects: user.projects };
  const schemes = (await schemesFor(viewer)).map((s) => ({ id: s.id, name: s.name, scopeName: s.scopeName, active: s.active }));
  const query = queryFromUrl(url, schemes.find((s) => s.active)?.id ?? schemes[0]?.id);
  let board: Leaderboard | null = null;
  let error: string | null = null;
  if (query.schemeId) {
    try {
      board = await leaderboard(viewer, query);
    } catch (e) {
      if (!(e instanceof PerformanceError)) throw e;
      error = e.code;
    }
  }
  return { schemes, query, board, error };
}
