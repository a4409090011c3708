import { prisma } from '../../db/prisma.server';
import { Prisma } from '../../generated/prisma/client';
import { versionStats } from '../questionnaires/stats.server';
import { agentAggregates } from './agent-aggregates.server';
import { dispositionLabels } from './disposition-labels.server';
import { AGENT_SCOPED, type ReportFilters, type ReportName } from './filters';
import type { ReportResult, ReportTable } from './report-types';
import { localDay, localHour, scopeWhere } from './scope.server';

// The standard reports (docs/reports.md), each one or two queries over the rollups.

const rate = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const byAgent = (f: ReportFilters) => !!(f.agent || f.team);

function ignoredAgentNote(f: ReportFilters): string[] {
  return byAgent(f) && !AGENT_SCOPED.has(f.report) ? ['agentFilterIgnored'] : [];
}

async function funnel(f: ReportFilters): Promise<ReportResult> {
  const [totals] = await prisma.$queryRaw<
    { attempts: number; connected: number; successes: number; first: number; firstConnect: number; firstSuccess: number }[]
  >`
    SELECT coalesce(sum(attempts), 0)::int AS attempts, coalesce(sum(connected), 0)::int AS connected,
           coalesce(sum(successes), 0)::int AS successes, coalesce(sum("firstAttempts"), 0)::int AS first,
           coalesce(sum("firstConnects"), 0)::int AS "firstConnect", coalesce(sum("firstSuccesses"), 0)::int AS "firstSuccess"
      FROM "RollupTaskHour" r WHERE ${scopeWhere(f)}`;
  const projectId = f.task ? (await prisma.task.findUnique({ where: { id: f.task } }))?.projectId : f.project;
  const contacts = await prisma.contact.count({
    where: { AND: [projectId ? { projectId } : {}, f.visible ? { projectId: { in: f.visible } } : {}] },
  });
  const t = totals ?? { attempts: 0, connected: 0, successes: 0, first: 0, firstConnect: 0, firstSuccess: 0 };
  const stages = [
    { stage: 'contacts', contacts, calls: null },
    { stage: 'attempted', contacts: t.first, calls: t.attempts },
    { stage: 'connected', contacts: t.firstConnect, calls: t.connected },
    { stage: 'success', contacts: t.firstSuccess, calls: t.successes },
  ];
  return {
    name: 'funnel',
    notes: ignoredAgentNote(f),
    tables: [
      {
        key: 'funnel',
        columns: [
          { key: 'stage', kind: 'text' },
          { key: 'contacts', kind: 'int' },
          { key: 'ofPrevious', kind: 'pct' },
          { key: 'calls', kind: 'int' },
        ],
        rows: stages.map((s, i) => ({ ...s, ofPrevious: i ? rate(s.contacts, stages[i - 1]!.contacts) : null })),
      },
    ],
  };
}

async function volume(f: ReportFilters): Promise<ReportResult> {
  const agentRows = byAgent(f);
  const measures = agentRows
    ? Prisma.sql`sum(calls)::int AS attempts, sum(connects)::int AS connected, sum(successes)::int AS successes`
    : Prisma.sql`sum(attempts)::int AS attempts, sum(answered)::int AS answered, sum(connected)::int AS connected,
                 sum(abandoned)::int AS abandoned, sum(successes)::int AS successes`;
  const from = Prisma.raw(agentRows ? '"RollupAgentHour"' : '"RollupTaskHour"');
  const where = scopeWhere(f, { agentColumn: agentRows });
  type Row = { attempts: number; answered?: number; connected: number; abandoned?: number; successes: number };
  const [days, hours] = await Promise.all([
    prisma.$queryRaw<(Row & { day: string })[]>`
      SELECT ${localDay('r.hour', f.tz)} AS day, ${measures} FROM ${from} r WHERE ${where} GROUP BY 1 ORDER BY 1`,
    prisma.$queryRaw<(Row & { hourOfDay: number })[]>`
      SELECT ${localHour('r.hour', f.tz)} AS "hourOfDay", ${measures} FROM ${from} r WHERE ${where} GROUP BY 1 ORDER BY 1`,
  ]);
  const columns = agentRows
    ? (['attempts', 'connected', 'successes'] as const)
    : (['attempts', 'answered', 'connected', 'abandoned', 'successes'] as const);
  const table = (key: string, first: string, rows: (Row & Record<string, unknown>)[]): ReportTable => ({
    key,
    columns: [
      { key: first, kind: first === 'day' ? 'text' : 'int' },
      ...columns.map((c) => ({ key: c, kind: 'int' as const })),
      { key: 'answerRate', kind: 'pct' },
    ],
    rows: rows.map((r) => ({
      [first]: r[first] as string | number,
      ...Object.fromEntries(columns.map((c) => [c, r[c] ?? 0])),
      answerRate: rate(agentRows ? r.connected : (r.answered ?? 0), r.attempts),
    })),
  });
  // Every hour of the day appears, so the chart's axis is the same whatever the data.
  const byHour = Array.from(
    { length: 24 },
    (_, h) => hours.find((r) => r.hourOfDay === h) ?? { hourOfDay: h, attempts: 0, connected: 0, successes: 0 },
  );
  return { name: 'volume', notes: [], tables: [table('byDay', 'day', days), table('byHour', 'hourOfDay', byHour)] };
}

async function dispositions(f: ReportFilters, language: string): Promise<ReportResult> {
  const agentRows = byAgent(f);
  const count = Prisma.raw(agentRows ? 'sum(calls)' : 'sum(attempts)');
  const from = Prisma.raw(agentRows ? '"RollupAgentHour"' : '"RollupTaskHour"');
  const perProject = await prisma.$queryRaw<{ projectId: string; disposition: string; outcome: string; count: number }[]>`
    SELECT r."projectId"::text AS "projectId", r."dispositionCode" AS disposition, r.outcome, ${count}::int AS count
      FROM ${from} r WHERE ${scopeWhere(f, { agentColumn: agentRows })} AND r."dispositionCode" <> ''
     GROUP BY 1, 2, 3`;
  const label = await dispositionLabels([...new Set(perProject.map((r) => r.projectId))], language);
  // One row per code, label and outcome class: projects that share a code and its label share a row.
  const merged = new Map<string, { disposition: string; label: string; outcome: string; count: number }>();
  for (const r of perProject) {
    const row = { disposition: r.disposition, label: label(r.projectId, r.disposition), outcome: r.outcome, count: 0 };
    const key = JSON.stringify([row.disposition, row.label, row.outcome]);
    const into = merged.get(key) ?? row;
    into.count += r.count;
    merged.set(key, into);
  }
  const rows = [...merged.values()].sort((a, b) => b.count - a.count || a.disposition.localeCompare(b.disposition));
  const total = rows.reduce((s, r) => s + r.count, 0);
  return {
    name: 'dispositions',
    notes: [],
    tables: [
      {
        key: 'dispositions',
        columns: [
          { key: 'label', kind: 'text' },
          { key: 'disposition', kind: 'text' },
          { key: 'outcome', kind: 'text' },
          { key: 'count', kind: 'int' },
          { key: 'share', kind: 'pct' },
        ],
        rows: rows.map((r) => ({ ...r, share: rate(r.count, total) })),
      },
    ],
  };
}

async function agents(f: ReportFilters): Promise<ReportResult> {
  const rows = await agentAggregates({
    from: f.from,
    to: f.to,
    timeZone: f.tz,
    projectId: f.project,
    visible: f.visible,
    taskId: f.task,
    teamId: f.team,
    agentIds: f.agent ? [f.agent] : undefined,
  });
  return {
    name: 'agents',
    notes: ['pauseNotRecorded'],
    tables: [
      {
        key: 'agents',
        columns: [
          { key: 'agent', kind: 'text' },
          { key: 'calls', kind: 'int' },
          { key: 'connects', kind: 'int' },
          { key: 'successes', kind: 'int' },
          { key: 'talkSec', kind: 'sec' },
          { key: 'avgTalkSec', kind: 'sec' },
          { key: 'wrapSec', kind: 'sec' },
          { key: 'pauseSec', kind: 'sec' },
          { key: 'salesAmount', kind: 'money' },
          { key: 'orders', kind: 'int' },
          { key: 'leads', kind: 'int' },
        ],
        rows: rows.map((r) => ({
          agent: r.displayName,
          calls: r.calls,
          connects: r.connects,
          successes: r.successes,
          talkSec: r.talkSec,
          avgTalkSec: r.connects ? Math.round(r.talkSec / r.connects) : null,
          wrapSec: r.wrapSec,
          pauseSec: r.pauseSec,
          salesAmount: r.salesAmount,
          orders: r.orders,
          leads: r.leads,
        })),
      },
    ],
  };
}

async function lines(f: ReportFilters): Promise<ReportResult> {
  const where = scopeWhere(f);
  const [byLine, byCause] = await Promise.all([
    prisma.$queryRaw<
      {
        trunk: string;
        callerId: string;
        attempts: number;
        answered: number;
        connected: number;
        failed: number;
        ringSec: number;
      }[]
    >`
      SELECT trunk, "callerId", sum(attempts)::int AS attempts, sum(answered)::int AS answered, sum(connected)::int AS connected,
             sum(failed)::int AS failed, sum("ringSec")::float8 AS "ringSec"
        FROM "RollupLineHour" r WHERE ${where} GROUP BY 1, 2 ORDER BY 3 DESC`,
    prisma.$queryRaw<{ cause: string; result: string; attempts: number }[]>`
      SELECT cause, result, sum(attempts)::int AS attempts FROM "RollupCauseHour" r WHERE ${where} GROUP BY 1, 2 ORDER BY 3 DESC`,
  ]);
  return {
    name: 'lines',
    notes: ignoredAgentNote(f),
    tables: [
      {
        key: 'lines',
        columns: [
          { key: 'trunk', kind: 'text' },
          { key: 'callerId', kind: 'text' },
          { key: 'attempts', kind: 'int' },
          { key: 'answered', kind: 'int' },
          { key: 'asr', kind: 'pct' },
          { key: 'connected', kind: 'int' },
          { key: 'failed', kind: 'int' },
          { key: 'avgRingSec', kind: 'sec' },
        ],
        rows: byLine.map((r) => ({
          trunk: r.trunk || '—',
          callerId: r.callerId || '—',
          attempts: r.attempts,
          answered: r.answered,
          asr: rate(r.answered, r.attempts),
          connected: r.connected,
          failed: r.failed,
          avgRingSec: r.attempts ? Math.round(r.ringSec / r.attempts) : null,
        })),
      },
      {
        key: 'causes',
        columns: [
          { key: 'cause', kind: 'text' },
          { key: 'result', kind: 'text' },
          { key: 'attempts', kind: 'int' },
        ],
        rows: byCause.map((r) => ({ cause: r.cause || '—', result: r.result || '—', attempts: r.attempts })),
      },
    ],
  };
}

/** The questionnaire versions the tasks in scope run, summarised by the questionnaire module's own statistics. */
async function questionnaire(f: ReportFilters, language: string): Promise<ReportResult> {
  const tasks = await prisma.task.findMany({
    where: {
      questionnaireVersionId: { not: null },
      ...(f.task ? { id: f.task } : {}),
      AND: [f.project ? { projectId: f.project } : {}, f.visible ? { projectId: { in: f.visible } } : {}],
    },
    select: { questionnaireVersionId: true },
  });
  const versionIds = [...new Set(tasks.map((t) => t.questionnaireVersionId!))].slice(0, 20);
  const versions = await prisma.questionnaireVersion.findMany({
    where: { id: { in: versionIds } },
    include: { questionnaire: { select: { id: true, name: true } } },
  });
  const stats = await Promise.all(versions.map((v) => versionStats(v.id, language)));
  const single = stats.length === 1 ? stats[0] : undefined;
  return {
    name: 'questionnaire',
    notes: ['questionnaireWholeVersion', ...ignoredAgentNote(f)],
    links: versions.map((v) => ({
      label: `${v.questionnaire.name} v${v.version}`,
      href: `/questionnaires/${v.questionnaire.id}/stats?version=${v.id}`,
    })),
    tables: [
      {
        key: 'versions',
        columns: [
          { key: 'questionnaire', kind: 'text' },
          { key: 'version', kind: 'int' },
          { key: 'responses', kind: 'int' },
          { key: 'completed', kind: 'int' },
          { key: 'completionRate', kind: 'pct' },
        ],
        rows: versions.map((v, i) => ({
          questionnaire: v.questionnaire.name,
          version: v.version,
          responses: stats[i]!.responses,
          completed: stats[i]!.completed,
          completionRate: rate(stats[i]!.completed, stats[i]!.responses),
        })),
      },
      ...(single
        ? [
            {
              key: 'answers',
              columns: [
                { key: 'question', kind: 'text' as const },
                { key: 'reached', kind: 'int' as const },
                { key: 'stoppedHere', kind: 'int' as const },
                { key: 'answers', kind: 'text' as const },
              ],
              rows: single.questions.map((q) => ({
                question: q.text,
                reached: q.reached,
                stoppedHere: q.stoppedHere,
                answers: q.distribution.map((d) => `${d.answer}: ${d.count}`).join(' · '),
              })),
            },
          ]
        : []),
    ],
  };
}

async function writeBacks(f: ReportFilters): Promise<ReportResult> {
  const rows = await prisma.$queryRaw<
    { day: string; delivered: number; pending: number; dead: number; skipped: number; retried: number; tries: number }[]
  >`
    SELECT ${localDay('r.hour', f.tz)} AS day,
           coalesce(sum(items) FILTER (WHERE state = 'delivered'), 0)::int AS delivered,
           coalesce(sum(items) FILTER (WHERE state = 'pending'), 0)::int AS pending,
           coalesce(sum(items) FILTER (WHERE state = 'dead'), 0)::int AS dead,
           coalesce(sum(items) FILTER (WHERE state = 'skipped'), 0)::int AS skipped,
           sum(retried)::int AS retried, sum(tries)::int AS tries
      FROM "RollupWriteBackHour" r WHERE ${scopeWhere({ ...f, task: undefined })} GROUP BY 1 ORDER BY 1`;
  return {
    name: 'writeBacks',
    notes: [...(f.task ? ['taskFilterIgnored'] : []), ...ignoredAgentNote(f)],
    tables: [
      {
        key: 'writeBacks',
        columns: [
          { key: 'day', kind: 'text' },
          { key: 'delivered', kind: 'int' },
          { key: 'pending', kind: 'int' },
          { key: 'dead', kind: 'int' },
          { key: 'skipped', kind: 'int' },
          { key: 'retried', kind: 'int' },
          { key: 'tries', kind: 'int' },
        ],
        rows,
      },
    ],
  };
}

/** Run one standard report. */
export function runReport(f: ReportFilters, language = 'zh-CN'): Promise<ReportResult> {
  const reports: Record<ReportName, () => Promise<ReportResult>> = {
    funnel: () => funnel(f),
    volume: () => volume(f),
    dispositions: () => dispositions(f, language),
    agents: () => agents(f),
    lines: () => lines(f),
    questionnaire: () => questionnaire(f, language),
    writeBacks: () => writeBacks(f),
  };
  return reports[f.report]();
}
