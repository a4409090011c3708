import { Prisma } from '../../generated/prisma/client';
import { addDays, type ReportFilters } from './filters';

// SQL fragments shared by the reports (and bench/reports.ts): the UTC instants of a local date
// range, the filters as a WHERE clause over a rollup table, and local-time bucketing.

/** Start of `from` and end of `to` (exclusive) in the zone, as timestamptz expressions. */
export function range(f: Pick<ReportFilters, 'from' | 'to' | 'tz'>) {
  return {
    start: Prisma.sql`((${f.from}::date)::timestamp AT TIME ZONE ${f.tz})`,
    end: Prisma.sql`((${addDays(f.to, 1)}::date)::timestamp AT TIME ZONE ${f.tz})`,
  };
}

/**
 * WHERE clause for a rollup aliased `r` (or a raw table whose columns have the same names, with
 * `timeColumn` its time): the hour bucket in range, project, task, and for per-agent tables agent/team.
 */
export function scopeWhere(
  f: ReportFilters,
  options: { agentColumn?: boolean; timeColumn?: string; alias?: string } = {},
): Prisma.Sql {
  const a = options.alias ?? 'r';
  const time = Prisma.raw(`${a}."${options.timeColumn ?? 'hour'}"`);
  const { start, end } = range(f);
  const parts = [Prisma.sql`${time} >= ${start}`, Prisma.sql`${time} < ${end}`];
  if (f.project) parts.push(Prisma.sql`${Prisma.raw(`${a}."projectId"`)} = ${f.project}::uuid`);
  if (f.visible) parts.push(Prisma.sql`${Prisma.raw(`${a}."projectId"`)} = ANY(${f.visible}::uuid[])`);
  if (f.task) parts.push(Prisma.sql`${Prisma.raw(`${a}."taskId"`)} = ${f.task}::uuid`);
  if (options.agentColumn) {
    const agent = Prisma.raw(`${a}."agentId"`);
    if (f.agent) parts.push(Prisma.sql`${agent} = ${f.agent}::uuid`);
    if (f.team) parts.push(Prisma.sql`${agent} IN (SELECT "userId" FROM "SkillGroupMember" WHERE "groupId" = ${f.team}::uuid)`);
  }
  return Prisma.join(parts, ' AND ');
}

/** The local date / hour of day of an hour bucket. Non-whole-hour zones: the bucket counts where it starts. */
export function localDay(column: string, tz: string): Prisma.Sql {
  return Prisma.sql`to_char(${Prisma.raw(column)} AT TIME ZONE ${tz}, 'YYYY-MM-DD')`;
}
export function localHour(column: string, tz: string): Prisma.Sql {
  return Prisma.sql`extract(hour FROM ${Prisma.raw(column)} AT TIME ZONE ${tz})::int`;
}
