import { z } from 'zod';

// When a contact may be called, in the contact's own time zone: weekly windows plus holidays.
// Pure: the compliance gate asks `isCallable(now, tz, hours)` before every launch.

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'hours.time' });
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WindowSchema = z
  .object({ from: Time, to: Time })
  .refine((w) => w.from < w.to, { message: 'hours.fromBeforeTo', path: ['to'] });

export const CallingHoursSchema = z.object({
  /** Windows per weekday; a day without windows is not called. */
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(WindowSchema).max(6)),
  /** Dates (YYYY-MM-DD, in the contact's zone) on which nobody is called, e.g. 春节. */
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/))
    .max(400)
    .default([]),
  /** Used when a contact has no time zone of its own. */
  defaultTimeZone: z.string().default('Asia/Shanghai'),
});
export type CallingHours = z.infer<typeof CallingHoursSchema>;

const NINE_TO_EIGHT = [{ from: '09:00', to: '20:00' }];

/** Every day, all day: tests, benchmarks and the living demo (never a real project's default). */
export const AROUND_THE_CLOCK: CallingHours['weekly'] = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ from: '00:00', to: '23:59' }]]),
);
export const DEFAULT_CALLING_HOURS: CallingHours = {
  weekly: {
    mon: NINE_TO_EIGHT,
    tue: NINE_TO_EIGHT,
    wed: NINE_TO_EIGHT,
    thu: NINE_TO_EIGHT,
    fri: NINE_TO_EIGHT,
    sat: NINE_TO_EIGHT,
    sun: NINE_TO_EIGHT,
  },
  holidays: [],
  defaultTimeZone: 'Asia/Shanghai',
};

interface LocalTime {
  date: string;
  weekday: Weekday;
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Local date, weekday and minute of day in a time zone (formatters cached per zone). */
export function localTime(at: Date, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(parts.weekday).toLowerCase().slice(0, 3) as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isCallable(at: Date, timeZone: string | null | undefined, hours: CallingHours): boolean {
  const local = localTime(at, timeZone || hours.defaultTimeZone);
  if (hours.holidays.includes(local.date)) return false;
  return (hours.weekly[local.weekday] ?? []).some((w) => local.minutes >= toMinutes(w.from) && local.minutes < toMinutes(w.to));
}

/**
 * When calling next becomes allowed (now, if it already is), searching minute steps within the
 * next two weeks; null when the rules never open (no windows at all).
 */
export function nextCallableAt(at: Date, timeZone: string | null | undefined, hours: CallingHours): Date | null {
  if (isCallable(at, timeZone, hours)) return at;
  const start = Math.ceil(at.getTime() / 60_000) * 60_000;
  // Jump in 15-minute steps, then refine to the minute: windows start on whole minutes.
  for (let t = start; t < start + 14 * 86_400_000; t += 15 * 60_000) {
    if (isCallable(new Date(t), timeZone, hours)) {
      let open = t;
      while (open - 60_000 >= start && isCallable(new Date(open - 60_000), timeZone, hours)) open -= 60_000;
      return new Date(open);
    }
  }
  return null;
}
