import { prisma } from '../../db/prisma.server';
import { Prisma } from '../../generated/prisma/client';
import { scopeWhere } from './scope.server';

// Per-agent figures over a period, from the RollupAgentHour rollup: what performance schemes and
// the agent productivity report are computed from (docs/reports.md#agent-aggregates).

export interface AgentAggregate {
  agentId: string;
  displayName: string;
  /** Attempts that reached the agent (connected, preview/manual calls the agent placed). */
  calls: number;
  /** Of those, connected to the customer. */
  connects: number;
  /** Wrap-ups whose disposition's outcome class is `success` (after supervisor corrections). */
  successes: number;
  talkSec: number;
  /** Wrap-up time: from the call's end to the wrap-up's submission. */
  wrapSec: number;
  /** Paused time is not recorded per period yet (presence keeps only the current state): null. */
  pauseSec: number | null;
  /** Confirmed orders' amounts, and their count. */
  salesAmount: number;
  orders: number;
  leads: number;
}

export interface AgentAggregateQuery {
  /** Local dates (YYYY-MM-DD) in `timeZone`, both included. */
  from: string;
  to: string;
  timeZone: string;
  projectId?: string;
  /** The projects the viewer may see (absent: all). */
  visible?: string[];
  taskId?: string;
  agentIds?: string[];
  /** A skill group: its members. */
  teamId?: string;
}

/** One row per agent with activity in the period (ordered by calls, most first). */
export async function agentAggregates(q: AgentAggregateQuery): Promise<AgentAggregate[]> {
  const where = scopeWhere(
    {
      report: 'agents',
      from: q.from,
      to: q.to,
      tz: q.timeZone,
      project: q.projectId,
      task: q.taskId,
      team: q.teamId,
      visible: q.visible,
    },
    { agentColumn: true },
  );
  const agents = q.agentIds ? Prisma.sql` AND r."agentId" = ANY(${q.agentIds}::uuid[])` : Prisma.empty;
  const rows = await prisma.$queryRaw<
    {
      agentId: string;
      displayName: string | null;
      calls: number;
      connects: number;
      successes: number;
      talkSec: number;
      wrapSec: number;
      salesAmount: number;
      orders: number;
      leads: number;
    }[]
  >`
    SELECT r."agentId", u."displayName", r.calls, r.connects, r.successes, r."talkSec", r."wrapSec", r."salesAmount", r.orders, r.leads
      FROM (SELECT r."agentId", sum(r.calls)::int AS calls, sum(r.connects)::int AS connects, sum(r.successes)::int AS successes,
                   sum(r."talkSec")::float8 AS "talkSec", sum(r."wrapSec")::float8 AS "wrapSec",
                   sum(r."salesAmount")::float8 AS "salesAmount", sum(r.orders)::int AS orders, sum(r.leads)::int AS leads
              FROM "RollupAgentHour" r WHERE ${where}${agents} GROUP BY r."agentId") r
      LEFT JOIN "User" u ON u.id = r."agentId"
     ORDER BY r.calls DESC, u."displayName"`;
  return rows.map((r) => ({ ...r, displayName: r.displayName ?? r.agentId.slice(0, 8), pauseSec: null }));
}
