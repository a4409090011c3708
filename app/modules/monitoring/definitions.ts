// Metric definitions (监控指标), pure: the one place that says what each figure means. The server
// (metrics.server.ts) groups finished attempts by subject and window in SQL into `Tally` rows;
// these functions turn tallies into figures. Tests build tallies from hand-written attempt
// histories with `tallyAttempts`, the same classification the SQL groups by. docs/monitoring.md.

/** The windows a figure is computed over; `today` starts at midnight in the project's time zone. */
export const WINDOWS = ['10m', '15m', '1h', 'today', '30d'] as const;
export type MetricWindow = (typeof WINDOWS)[number];
export const WINDOW_MS: Record<Exclude<MetricWindow, 'today'>, number> = {
  '10m': 10 * 60_000,
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '30d': 30 * 86_400_000,
};

/** A human answered (the regulatory denominator of the abandon rate). Machine answers are not in it. */
export const HUMAN_RESULTS = ['connected', 'abandoned', 'robot'] as const;
/** The far end answered (a seizure that was answered): humans and machines. */
export const ANSWERED_RESULTS = [...HUMAN_RESULTS, 'machine'] as const;
/** Never reached the network (no channel, token unresolved, dialer stopped): not a seizure. */
export const NOT_PLACED_RESULTS = ['notPlaced'] as const;
/** A human answer connected to an agent within this many seconds counts toward the service level. */
export const SERVICE_LEVEL_SEC = 2;

/** One finished attempt as the definitions read it. */
export interface AttemptFact {
  taskId: string;
  projectId: string;
  trunk: string | null;
  callerId: string | null;
  result: string | null;
  cause?: string | null;
  talkSec: number | null;
  answeredAt: Date | null;
  connectedAt: Date | null;
  endedAt: Date;
}

/** Finished attempts of one subject in one window, counted by result. */
export interface Tally {
  /** result → attempts. */
  results: Record<string, number>;
  /** Failure cause (Q.850 name) → attempts that never answered. */
  causes: Record<string, number>;
  /** Sum of talk seconds of connected calls. */
  talkSec: number;
  /** Human answers connected to an agent within SERVICE_LEVEL_SEC. */
  withinServiceLevel: number;
}

export const emptyTally = (): Tally => ({ results: {}, causes: {}, talkSec: 0, withinServiceLevel: 0 });

export function addToTally(t: Tally, result: string, n: number, talkSec = 0, withinSl = 0, cause?: string | null) {
  t.results[result] = (t.results[result] ?? 0) + n;
  t.talkSec += talkSec;
  t.withinServiceLevel += withinSl;
  if (cause && !(ANSWERED_RESULTS as readonly string[]).includes(result)) t.causes[cause] = (t.causes[cause] ?? 0) + n;
}

/** Whether a human answer reached an agent within the service level. */
export function withinServiceLevel(a: Pick<AttemptFact, 'answeredAt' | 'connectedAt'>): boolean {
  return !!a.answeredAt && !!a.connectedAt && a.connectedAt.getTime() - a.answeredAt.getTime() <= SERVICE_LEVEL_SEC * 1000;
}

/** Tallies attempts that ended at or after `since` (tests and small sets; the server groups in SQL). */
export function tallyAttempts(attempts: AttemptFact[], since: Date, filter: (a: AttemptFact) => boolean = () => true) {
  const t = emptyTally();
  for (const a of attempts) {
    if (!a.result || a.endedAt < since || !filter(a)) continue;
    const connected = a.result === 'connected';
    addToTally(t, a.result, 1, connected ? (a.talkSec ?? 0) : 0, connected && withinServiceLevel(a) ? 1 : 0, a.cause);
  }
  return t;
}

const sum = (t: Tally, results: readonly string[]) => results.reduce((n, r) => n + (t.results[r] ?? 0), 0);

/** Calls that reached the network (seizures): every finished attempt except those never placed. */
export const placed = (t: Tally) =>
  Object.entries(t.results).reduce((n, [r, c]) => n + ((NOT_PLACED_RESULTS as readonly string[]).includes(r) ? 0 : c), 0);
export const answered = (t: Tally) => sum(t, ANSWERED_RESULTS);
export const humanAnswered = (t: Tally) => sum(t, HUMAN_RESULTS);
export const abandoned = (t: Tally) => t.results.abandoned ?? 0;
export const connected = (t: Tally) => t.results.connected ?? 0;

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/** Answer rate: answered (human or machine) / placed. */
export const answerRate = (t: Tally) => ratio(answered(t), placed(t));
/** Abandon rate (regulatory): abandoned / answered by a live person — the pacing contract's definition. */
export const abandonRate = (t: Tally) => ratio(abandoned(t), humanAnswered(t));
/** ASR, answer-seizure ratio: answered / seizures, reported per trunk and per caller ID. */
export const asr = (t: Tally) => ratio(answered(t), placed(t));
/** Average talk time (seconds) of calls connected to an agent. */
export const averageTalkSec = (t: Tally) => ratio(t.talkSec, connected(t));
/** Service level: human answers connected to an agent within SERVICE_LEVEL_SEC / human answers. */
export const serviceLevel = (t: Tally) => ratio(t.withinServiceLevel, humanAnswered(t));

/** Occupancy now: agents busy (reserved, talking, wrap-up) / agents staffed (logged in and not paused). */
export function occupancy(states: string[]): number | null {
  const busy = states.filter((s) => s === 'reserved' || s === 'talking' || s === 'wrapUp').length;
  const staffed = busy + states.filter((s) => s === 'ready').length;
  return ratio(busy, staffed);
}

/** The metrics an alert rule may watch, with the scopes they exist for and their `sample` (denominator). */
export const ALERT_METRICS = {
  abandonRate: { scopes: ['task', 'project', 'system'], unit: 'percent' },
  answerRate: { scopes: ['task', 'project', 'trunk', 'callerId', 'system'], unit: 'percent' },
  asr: { scopes: ['trunk', 'callerId'], unit: 'percent' },
  serviceLevel: { scopes: ['task', 'project', 'system'], unit: 'percent' },
  averageTalkSec: { scopes: ['task', 'project', 'system'], unit: 'seconds' },
  failedCalls: { scopes: ['task', 'project', 'trunk', 'callerId', 'system'], unit: 'count' },
  writeBackFailures: { scopes: ['project', 'system'], unit: 'count' },
  writeBackBacklog: { scopes: ['project', 'system'], unit: 'count' },
  occupancy: { scopes: ['system'], unit: 'percent' },
} as const;
export type AlertMetric = keyof typeof ALERT_METRICS;
export const ALERT_SCOPES = ['task', 'project', 'trunk', 'callerId', 'system'] as const;
export type AlertScope = (typeof ALERT_SCOPES)[number];

/** Failed seizures: placed but never answered (busy, no answer, invalid, failed). */
export const failedCalls = (t: Tally) => placed(t) - answered(t);

/**
 * A metric's value and sample from a tally, as alert conditions read them: percentages as 0–100,
 * `sample` the denominator (so "over 100 calls" is `sample >= 100`). null value: nothing to judge.
 */
export function metricOfTally(metric: AlertMetric, t: Tally): { value: number | null; sample: number } {
  const pct = (r: number | null) => (r === null ? null : Math.round(r * 10_000) / 100);
  switch (metric) {
    case 'abandonRate':
      return { value: pct(abandonRate(t)), sample: humanAnswered(t) };
    case 'answerRate':
    case 'asr':
      return { value: pct(asr(t)), sample: placed(t) };
    case 'serviceLevel':
      return { value: pct(serviceLevel(t)), sample: humanAnswered(t) };
    case 'averageTalkSec': {
      const v = averageTalkSec(t);
      return { value: v === null ? null : Math.round(v * 10) / 10, sample: connected(t) };
    }
    case 'failedCalls':
      return { value: failedCalls(t), sample: placed(t) };
    default:
      return { value: null, sample: 0 };
  }
}

/** Start of the local day containing `now` in a time zone (IANA), as an instant. */
export function startOfDay(now: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const localAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const offset = localAsUtc - Math.floor(now.getTime() / 1000) * 1000;
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day')) - offset);
}

/** When a window starts; `today` needs the time zone. */
export function windowStart(window: MetricWindow, now: Date, timeZone: string): Date {
  return window === 'today' ? startOfDay(now, timeZone) : new Date(now.getTime() - WINDOW_MS[window]);
}
