import type { CallingHours } from '../projects/calling-hours';
import { localClock, weekdayOf } from './schedule';

// Pure helpers of a task's live progress.

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Minutes left today in which the task may call: the project's calling hours (in their default
 * zone), narrowed to the task's daily windows when it has any, from `now` to midnight.
 */
export function remainingMinutesToday(now: Date, hours: CallingHours, taskWindows: { from: string; to: string }[]): number {
  const { date, minute } = localClock(now, hours.defaultTimeZone);
  if (hours.holidays.includes(date)) return 0;
  const project = hours.weekly[weekdayOf(date)] ?? [];
  const task = taskWindows.length ? taskWindows : [{ from: '00:00', to: '24:00' }];
  let total = 0;
  for (const p of project)
    for (const w of task) {
      const from = Math.max(minutes(p.from), minutes(w.from), minute);
      const to = Math.min(minutes(p.to), minutes(w.to));
      total += Math.max(0, to - from);
    }
  return total;
}

/** Whether a date (YYYY-MM-DD) lies within the task's start and end dates. */
export function withinDates(date: string, schedule: { startDate: string | null; endDate: string | null }): boolean {
  return (!schedule.startDate || date >= schedule.startDate) && (!schedule.endDate || date <= schedule.endDate);
}
