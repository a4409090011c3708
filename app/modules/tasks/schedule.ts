import { z } from 'zod';
import { localTime, WEEKDAYS, type Weekday } from '../projects/calling-hours';

// Agent shifts (排班): a weekly pattern plus dated exceptions (a day off, or other shifts that day).
// Pure: assignment weighs agents by the hours this yields; the dialer asks `onShift`.

const Time = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { message: 'schedule.time' });
export const ShiftSchema = z
  .object({ from: Time, to: Time })
  .refine((s) => s.from < s.to, { message: 'schedule.fromBeforeTo', path: ['to'] });
export type Shift = z.infer<typeof ShiftSchema>;

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'schedule.date' });

export const ScheduleSchema = z.object({
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(ShiftSchema).max(4)),
  /** A dated exception replaces that day's weekly shifts; no shifts means a day off. */
  exceptions: z
    .array(z.object({ date: DateText, shifts: z.array(ShiftSchema).max(4), note: z.string().max(100).default('') }))
    .max(400)
    .default([]),
});
export type AgentScheduleValue = z.infer<typeof ScheduleSchema>;

export const EMPTY_SCHEDULE: AgentScheduleValue = { weekly: {}, exceptions: [] };

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function shiftMinutes(shifts: Shift[]): number {
  return shifts.reduce((sum, s) => sum + Math.max(0, minutes(s.to) - minutes(s.from)), 0);
}

/** Weekday of a `YYYY-MM-DD` date (calendar arithmetic in UTC, so no time zone can shift it). */
export function weekdayOf(date: string): Weekday {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return WEEKDAYS[(day + 6) % 7]!;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The shifts of one date: its exception if there is one, else the weekly pattern. */
export function shiftsOn(schedule: AgentScheduleValue, date: string): Shift[] {
  const exception = schedule.exceptions.find((e) => e.date === date);
  return exception ? exception.shifts : (schedule.weekly[weekdayOf(date)] ?? []);
}

/** Scheduled hours from `from` to `to` (dates, inclusive). */
export function scheduledHours(schedule: AgentScheduleValue | null | undefined, from: string, to: string): number {
  if (!schedule) return 0;
  let total = 0;
  for (let date = from, i = 0; date <= to && i < 400; date = addDays(date, 1), i++)
    total += shiftMinutes(shiftsOn(schedule, date));
  return total / 60;
}

/** Whether the agent is on shift at a local date and minute of day. */
export function onShift(schedule: AgentScheduleValue | null | undefined, date: string, minuteOfDay: number): boolean {
  if (!schedule) return false;
  return shiftsOn(schedule, date).some((s) => minuteOfDay >= minutes(s.from) && minuteOfDay < minutes(s.to));
}

/** Local date and minute of day in a time zone. */
export function localClock(at: Date, timeZone: string): { date: string; minute: number } {
  const local = localTime(at, timeZone);
  return { date: local.date, minute: local.minutes };
}

/**
 * Reads a schedule grid as imported from a spreadsheet: a header row with the weekdays
 * (mon…sun, 周一…周日 or Monday…) and one row per agent login, cells like `09:00-12:00, 13:00-18:00`
 * (empty or `休` = off). Returns schedules by login, and the problems by row.
 */
const DAY_NAMES: Record<string, Weekday> = Object.fromEntries(
  WEEKDAYS.flatMap((d, i) => [
    [d, d],
    [['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'][i]!, d],
    [['周一', '周二', '周三', '周四', '周五', '周六', '周日'][i]!, d],
    [['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'][i]!, d],
  ]),
);

export interface GridImport {
  schedules: { login: string; weekly: AgentScheduleValue['weekly'] }[];
  problems: { row: number; message: string }[];
}

export function parseScheduleGrid(rows: string[][]): GridImport {
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const days = header.map((h) => DAY_NAMES[h] ?? DAY_NAMES[h.replace(/\s/g, '')]);
  const out: GridImport = { schedules: [], problems: [] };
  if (!days.some(Boolean)) {
    out.problems.push({ row: 1, message: 'schedule.noWeekdays' });
    return out;
  }
  rows.slice(1).forEach((cells, index) => {
    const login = (cells[0] ?? '').trim();
    if (!login) return;
    const weekly: AgentScheduleValue['weekly'] = {};
    for (let col = 1; col < cells.length; col++) {
      const day = days[col];
      const text = (cells[col] ?? '').trim();
      if (!day || !text || /^(休|off|-)$/i.test(text)) continue;
      const shifts: Shift[] = [];
      for (const part of text.split(/[,，;；\s]+/).filter(Boolean)) {
        const m = /^(\d{1,2}):?(\d{2})\s*[-~–至]\s*(\d{1,2}):?(\d{2})$/.exec(part);
        const shift = m ? { from: `${m[1]!.padStart(2, '0')}:${m[2]}`, to: `${m[3]!.padStart(2, '0')}:${m[4]}` } : null;
        if (!shift || !ShiftSchema.safeParse(shift).success) {
          out.problems.push({ row: index + 2, message: `schedule.badShift:${part}` });
          continue;
        }
        shifts.push(shift);
      }
      weekly[day] = shifts;
    }
    out.schedules.push({ login, weekly });
  });
  return out;
}
