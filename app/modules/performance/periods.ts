import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

// Periods cut in the scheme's time zone: a day, the ISO week (Monday first), the month, or a
// custom range of whole local days. Client-safe (the page's period picker uses it too).

export const PERIODS = ['day', 'week', 'month', 'custom'] as const;
export type Period = (typeof PERIODS)[number];
export const MAX_CUSTOM_DAYS = 92;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface PeriodRange {
  /** Inclusive start and exclusive end, as instants. */
  from: Date;
  to: Date;
  /** The local dates it covers, in order. */
  days: string[];
  first: string;
  last: string;
}

export type PeriodResult = { ok: true; range: PeriodRange } | { ok: false; error: 'date' | 'order' | 'tooLong' };

export function localToday(timeZone: string, now = new Date()): string {
  return dayjs(now).tz(timeZone).format('YYYY-MM-DD');
}

const startOf = (date: string, timeZone: string) => dayjs.tz(date, timeZone);

function valid(date: string | undefined): date is string {
  return !!date && DATE.test(date) && dayjs(date, 'YYYY-MM-DD').format('YYYY-MM-DD') === date;
}

/** The range of a period around an anchor date (or from..to for custom), in a time zone. */
export function periodRange(
  period: Period,
  anchor: string,
  timeZone: string,
  custom?: { from?: string; to?: string },
): PeriodResult {
  let first: string;
  let last: string;
  if (period === 'custom') {
    if (!valid(custom?.from) || !valid(custom?.to)) return { ok: false, error: 'date' };
    first = custom.from;
    last = custom.to;
    if (first > last) return { ok: false, error: 'order' };
  } else {
    if (!valid(anchor)) return { ok: false, error: 'date' };
    const a = dayjs(anchor);
    if (period === 'day') first = last = anchor;
    else if (period === 'week') {
      const monday = a.subtract((a.day() + 6) % 7, 'day');
      first = monday.format('YYYY-MM-DD');
      last = monday.add(6, 'day').format('YYYY-MM-DD');
    } else {
      first = a.startOf('month').format('YYYY-MM-DD');
      last = a.endOf('month').format('YYYY-MM-DD');
    }
  }
  const days: string[] = [];
  for (let d = dayjs(first); d.format('YYYY-MM-DD') <= last; d = d.add(1, 'day')) {
    days.push(d.format('YYYY-MM-DD'));
    if (days.length > MAX_CUSTOM_DAYS) return { ok: false, error: 'tooLong' };
  }
  return {
    ok: true,
    range: {
      from: startOf(first, timeZone).toDate(),
      to: startOf(dayjs(last).add(1, 'day').format('YYYY-MM-DD'), timeZone).toDate(),
      days,
      first,
      last,
    },
  };
}

/** One local day as an instant range. */
export function dayRange(date: string, timeZone: string): { from: Date; to: Date } {
  return {
    from: startOf(date, timeZone).toDate(),
    to: startOf(dayjs(date).add(1, 'day').format('YYYY-MM-DD'), timeZone).toDate(),
  };
}
