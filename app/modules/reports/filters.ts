import { z } from 'zod';

// A report's filters live in the URL (bookmarkable): ?report=volume&task=…&from=2026-11-01&to=…&tz=…
// Parsed here, without I/O, so the page, the export and the tests read them the same way.

export const REPORTS = ['funnel', 'volume', 'dispositions', 'agents', 'lines', 'questionnaire', 'writeBacks'] as const;
export type ReportName = (typeof REPORTS)[number];

/** Reports whose numbers can be narrowed to an agent or a team (they read the per-agent rollup). */
export const AGENT_SCOPED: ReadonlySet<ReportName> = new Set(['volume', 'dispositions', 'agents']);

export interface ReportFilters {
  report: ReportName;
  project?: string;
  task?: string;
  team?: string;
  agent?: string;
  /** Local dates in `tz`, both included. */
  from: string;
  to: string;
  tz: string;
  /** Not from the URL: the projects the viewer may see (absent: all; ADR 106). */
  visible?: string[];
}

export interface FilterError {
  field: keyof ReportFilters;
  value: string;
  message: 'invalid' | 'range';
}

export const MAX_RANGE_DAYS = 400;

const uuid = z.string().uuid();
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(at: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Filters from URL search params. A bad value is reported (field, value, why) and replaced by its
 * default, so the page still shows a report and says what it ignored.
 */
export function parseFilters(
  params: URLSearchParams,
  defaults: { tz: string; now?: Date },
): { filters: ReportFilters; errors: FilterError[] } {
  const errors: FilterError[] = [];
  const take = <T>(field: keyof ReportFilters, check: (v: string) => T | undefined): T | undefined => {
    const raw = params.get(field);
    if (raw === null || raw === '') return undefined;
    const value = check(raw);
    if (value === undefined) errors.push({ field, value: raw, message: 'invalid' });
    return value;
  };
  const id = (v: string) => (uuid.safeParse(v).success ? v : undefined);
  const report = take('report', (v) => ((REPORTS as readonly string[]).includes(v) ? (v as ReportName) : undefined)) ?? 'funnel';
  const tz = take('tz', (v) => (isTimeZone(v) ? v : undefined)) ?? defaults.tz;
  const today = localDate(defaults.now ?? new Date(), tz);
  let to = take('to', (v) => (date.safeParse(v).success ? v : undefined)) ?? today;
  let from = take('from', (v) => (date.safeParse(v).success ? v : undefined)) ?? addDays(to, -6);
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0 || days >= MAX_RANGE_DAYS) {
    errors.push({ field: 'from', value: `${from}…${to}`, message: 'range' });
    to = today;
    from = addDays(today, -6);
  }
  return {
    filters: {
      report,
      project: take('project', id),
      task: take('task', id),
      team: take('team', id),
      agent: take('agent', id),
      from,
      to,
      tz,
    },
    errors,
  };
}

/** The filters as URL search params (defaults included, so a bookmark keeps its meaning). */
export function filtersToParams(filters: ReportFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, String(v));
  return params;
}
