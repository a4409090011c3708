import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { can, type Role } from '../auth/permissions';
import { type ProjectScope, seesProject } from '../auth/project-access';
import { type SheetFormat, sheet } from '../lists/spreadsheet-safety';
import { agentAggregates } from './aggregates.server';
import { type AgentAggregate, EMPTY_FIGURES } from './metrics';
import { dayRange, localToday, type Period, type PeriodRange, periodRange } from './periods';
import { getScheme, listSchemes, type SchemeView, schemeRoster } from './schemes.server';
import { type Breakdown, rankByScore } from './scoring';
import { scoreMany } from './scoring.server';

// The leaderboard: a scheme's agents over a period with their figures, score, breakdown and
// daily trend. Who sees what is decided here, once: managers see everyone; anyone else sees only
// their own row (and their rank if the scheme allows it). Other agents' figures never leave.

export interface Viewer {
  id: string;
  role: Role;
  /** The viewer's projects (ADR 106); absent: all. A project's scheme is shown only within them. */
  projects?: ProjectScope;
}

export interface LeaderboardRow {
  agentId: string;
  login: string;
  displayName: string;
  figures: Omit<AgentAggregate, 'agentId'>;
  breakdown: Breakdown;
  score: number;
  /** Null for an agent when the scheme hides ranks. */
  rank: number | null;
}

export interface Leaderboard {
  scheme: Pick<SchemeView, 'id' | 'name' | 'scopeName' | 'timeZone' | 'version'> & {
    kind: SchemeView['config']['kind'];
    showRank: boolean;
    tierMode: SchemeView['config']['tierMode'];
  };
  range: { first: string; last: string; days: string[] };
  seesAll: boolean;
  /** How many agents are ranked (told to agents only with their rank). */
  ranked: number | null;
  rows: LeaderboardRow[];
  trend: { days: string[]; series: { agentId: string; name: string; scores: number[] }[] };
}

export interface LeaderboardQuery {
  schemeId: string;
  period: Period;
  date?: string;
  from?: string;
  to?: string;
}

export class PerformanceError extends Error {
  constructor(readonly code: 'notFound' | 'date' | 'order' | 'tooLong') {
    super(code);
  }
}

const seesAll = (viewer: Viewer) => can(viewer.role, 'performance.manage');

/** A team's scheme is for everyone who manages performance; a project's, for those who see the project. */
export const inScope = (viewer: Pick<Viewer, 'role' | 'projects'>, s: { scopeKind: string; projectId: string | null }) =>
  s.scopeKind !== 'project' ||
  !s.projectId ||
  seesProject({ role: viewer.role, projects: viewer.projects ?? 'all' }, s.projectId);

/** The schemes a viewer may open: all for managers, those that rank the agent for others. */
export async function schemesFor(viewer: Viewer): Promise<SchemeView[]> {
  const schemes = await listSchemes({ activeOnly: !seesAll(viewer) });
  if (seesAll(viewer)) return schemes.filter((s) => inScope(viewer, s));
  const mine: SchemeView[] = [];
  for (const s of schemes) if ((await schemeRoster(s)).includes(viewer.id)) mine.push(s);
  return mine;
}

/** Scores every agent of the scheme over an instant range. */
async function scored(scheme: SchemeView, range: { from: Date; to: Date }, roster: string[]) {
  const aggregates = await agentAggregates({
    from: range.from,
    to: range.to,
    timeZone: scheme.timeZone,
    ...(scheme.scopeKind === 'project' && scheme.projectId ? { projectId: scheme.projectId } : { agentIds: roster }),
  });
  const byAgent = new Map(aggregates.map((a) => [a.agentId, a]));
  const agentIds = [...new Set([...roster, ...aggregates.map((a) => a.agentId)])];
  const figures = agentIds.map((id) => {
    const { agentId: _, ...rest } = byAgent.get(id) ?? { agentId: id, ...EMPTY_FIGURES };
    return rest;
  });
  const breakdowns = await scoreMany(scheme.config, figures);
  return agentIds.map((agentId, i) => ({
    agentId,
    figures: figures[i]!,
    breakdown: breakdowns[i]!,
    score: breakdowns[i]!.score,
  }));
}

function rangeOf(scheme: SchemeView, query: LeaderboardQuery): PeriodRange {
  const anchor = query.date ?? localToday(scheme.timeZone);
  const result = periodRange(query.period, anchor, scheme.timeZone, { from: query.from, to: query.to });
  if (!result.ok) throw new PerformanceError(result.error);
  return result.range;
}

export async function leaderboard(viewer: Viewer, query: LeaderboardQuery): Promise<Leaderboard> {
  const scheme = await getScheme(query.schemeId);
  if (!scheme || !(await schemesFor(viewer)).some((s) => s.id === scheme.id)) throw new PerformanceError('notFound');
  const range = rangeOf(scheme, query);
  const roster = await schemeRoster(scheme);
  const all = rankByScore(await scored(scheme, range, roster));
  const everyone = seesAll(viewer);
  const visible = everyone ? all : all.filter((r) => r.agentId === viewer.id);

  const users = await prisma.user.findMany({
    where: { id: { in: visible.map((r) => r.agentId) } },
    select: { id: true, login: true, displayName: true },
  });
  const userById = new Map(users.map((u) => [u.id, u]));
  const rows: LeaderboardRow[] = visible.map((r) => ({
    ...r,
    login: userById.get(r.agentId)?.login ?? '—',
    displayName: userById.get(r.agentId)?.displayName ?? '—',
    rank: everyone || scheme.config.showRank ? r.rank : null,
  }));

  // The trend: score per local day over the period (a single day shows the week up to it).
  const trendDays = query.period === 'day' ? lastDays(range.first, 7) : range.days;
  const visibleIds = new Set(rows.map((r) => r.agentId));
  const perDay = await Promise.all(trendDays.map((d) => scored(scheme, dayRange(d, scheme.timeZone), roster)));
  const series = rows.map((r) => ({
    agentId: r.agentId,
    name: r.displayName,
    scores: perDay.map((day) => day.find((x) => x.agentId === r.agentId)?.score ?? 0),
  }));

  return {
    scheme: {
      id: scheme.id,
      name: scheme.name,
      scopeName: scheme.scopeName,
      timeZone: scheme.timeZone,
      version: scheme.version,
      kind: scheme.config.kind,
      showRank: scheme.config.showRank,
      tierMode: scheme.config.tierMode,
    },
    range: { first: range.first, last: range.last, days: range.days },
    seesAll: everyone,
    ranked: everyone || scheme.config.showRank ? all.length : null,
    rows,
    trend: { days: trendDays, series: series.filter((s) => visibleIds.has(s.agentId)) },
  };
}

function lastDays(last: string, n: number): string[] {
  const end = new Date(`${last}T00:00:00Z`).getTime();
  return Array.from({ length: n }, (_, i) => new Date(end - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/** How a breakdown reads in one cell of an export. */
export function breakdownText(b: Breakdown): string {
  const terms = b.terms.map((t) => `${t.label}: ${t.value ?? '—'} × ${t.weight} = ${t.points}`).join('; ');
  const tiers = b.tiers.map((s) => `[${s.from}–${s.to ?? '∞'}) ${s.amount} × ${s.rate}% = ${s.points}`).join('; ');
  return tiers ? `${terms} | ${b.tierMode}: ${tiers}` : terms;
}

/** The leaderboard as CSV or XLSX, with what the viewer may see only; audited. */
export async function exportLeaderboard(actor: AuditActor, viewer: Viewer, query: LeaderboardQuery, format: SheetFormat) {
  const board = await leaderboard(viewer, query);
  const header = [
    'rank',
    'login',
    'name',
    'calls',
    'connects',
    'successes',
    'talkSec',
    'wrapSec',
    'salesAmount',
    'orders',
    'leads',
    'qualityScore',
    'total',
    'score',
    'breakdown',
  ];
  const body = board.rows.map((r) => [
    r.rank ?? '',
    r.login,
    r.displayName,
    r.figures.calls,
    r.figures.connects,
    r.figures.successes,
    r.figures.talkSec,
    r.figures.wrapSec,
    r.figures.salesAmount,
    r.figures.orders,
    r.figures.leads,
    r.figures.qualityScore ?? '',
    r.breakdown.total,
    r.score,
    breakdownText(r.breakdown),
  ]);
  await audit(actor, 'performance.export', board.scheme.id, {
    version: board.scheme.version,
    period: query.period,
    first: board.range.first,
    last: board.range.last,
    rows: body.length,
    format,
  });
  return { file: await sheet(format, header, body), board };
}
