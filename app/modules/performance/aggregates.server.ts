import { prisma } from '../../db/prisma.server';
import { Prisma } from '../../generated/prisma/client';
import type { AgentAggregate } from './metrics';

// Per-agent figures over raw CallAttempt and WrapUp rows. Reports' hourly rollups export the same
// function (`app/modules/reports/agent-aggregates.server.ts`); this one file is what to point at
// them. Definitions (docs/performance.md): calls and connects by the attempt's queue time,
// everything from wrap-ups by their submission time; sales count confirmed orders only.

export interface AggregateQuery {
  /** Inclusive start, exclusive end. */
  from: Date;
  to: Date;
  projectId?: string;
  taskId?: string;
  agentIds?: string[];
  /** The zone the caller cut its period in; raw rows need no bucketing, rollups align hours to it. */
  timeZone: string;
}

interface Row {
  agentId: string;
  calls: number;
  connects: number;
  successes: number;
  talkSec: number;
  wrapSec: number;
  salesAmount: number;
  orders: number;
  leads: number;
}

export async function agentAggregates(query: AggregateQuery): Promise<AgentAggregate[]> {
  const { from, to, projectId, taskId, agentIds } = query;
  if (agentIds && agentIds.length === 0) return [];
  const attemptAgent = Prisma.sql`COALESCE("agentId", "requestedBy")`;
  const project = (column: Prisma.Sql) => (projectId ? Prisma.sql`AND ${column} = ${projectId}::uuid` : Prisma.empty);
  const task = (column: Prisma.Sql) => (taskId ? Prisma.sql`AND ${column} = ${taskId}::uuid` : Prisma.empty);
  const agents = (column: Prisma.Sql) => (agentIds ? Prisma.sql`AND ${column} = ANY(${agentIds}::uuid[])` : Prisma.empty);
  const rows = await prisma.$queryRaw<Row[]>`
    WITH a AS (
      SELECT ${attemptAgent} AS agent,
             count(*)::int AS calls,
             count(*) FILTER (WHERE "connectedAt" IS NOT NULL AND "agentId" IS NOT NULL)::int AS connects,
             COALESCE(sum("talkSec") FILTER (WHERE "agentId" IS NOT NULL), 0)::int AS talk
        FROM "CallAttempt"
       WHERE "queuedAt" >= ${from} AND "queuedAt" < ${to}
         AND ${attemptAgent} IS NOT NULL
         AND ("result" IS NULL OR "result" <> 'notPlaced')
         ${project(Prisma.sql`"projectId"`)} ${task(Prisma.sql`"taskId"`)} ${agents(attemptAgent)}
       GROUP BY 1
    ), w AS (
      SELECT "agentId" AS agent,
             count(*) FILTER (WHERE "outcome" = 'success')::int AS successes,
             COALESCE(sum(GREATEST(0, EXTRACT(EPOCH FROM ("submittedAt" - "startedAt")))), 0)::float8 AS wrap,
             COALESCE(sum(("order"->>'amount')::numeric) FILTER (WHERE "order"->>'status' = 'confirmed'), 0)::float8 AS sales,
             count(*) FILTER (WHERE "order"->>'status' = 'confirmed')::int AS orders,
             count(*) FILTER (WHERE "lead" IS NOT NULL AND jsonb_typeof("lead") = 'object')::int AS leads
        FROM "WrapUp"
       WHERE "submittedAt" >= ${from} AND "submittedAt" < ${to}
         AND "agentId" IS NOT NULL
         ${project(Prisma.sql`"projectId"`)} ${task(Prisma.sql`"taskId"`)} ${agents(Prisma.sql`"agentId"`)}
       GROUP BY 1
    )
    SELECT COALESCE(a.agent, w.agent)::text AS "agentId",
           COALESCE(a.calls, 0) AS calls, COALESCE(a.connects, 0) AS connects, COALESCE(a.talk, 0) AS "talkSec",
           COALESCE(w.successes, 0) AS successes, COALESCE(w.wrap, 0) AS "wrapSec",
           COALESCE(w.sales, 0) AS "salesAmount", COALESCE(w.orders, 0) AS orders, COALESCE(w.leads, 0) AS leads
      FROM a FULL JOIN w ON a.agent = w.agent
     ORDER BY 1`;
  return rows.map((r) => ({
    agentId: r.agentId,
    calls: r.calls,
    connects: r.connects,
    successes: r.successes,
    talkSec: r.talkSec,
    wrapSec: Math.round(r.wrapSec),
    pauseSec: null,
    salesAmount: Math.round(r.salesAmount * 100) / 100,
    orders: r.orders,
    leads: r.leads,
    // No quality review is recorded anywhere yet: null, and formulas that read it see null.
    qualityScore: null,
  }));
}
