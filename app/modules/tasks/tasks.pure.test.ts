import { describe, expect, it } from 'vitest';
import { DEFAULT_CALLING_HOURS } from '../projects/calling-hours';
import { allowedActions, nextStatus } from './lifecycle';
import { remainingMinutesToday } from './progress';
import { quotas, ranges } from './quotas';
import { onShift, parseScheduleGrid, scheduledHours } from './schedule';
import { guidance } from './task-schema';

describe('quotas', () => {
  it('split proportionally to weights and always add up to the total', () => {
    const q = quotas(10, [
      { agentId: 'a', weight: 2 },
      { agentId: 'b', weight: 1 },
      { agentId: 'c', weight: 0 },
    ]);
    expect(Object.fromEntries(q)).toEqual({ a: 7, b: 3, c: 0 });
    for (const total of [0, 1, 7, 1000, 99_999])
      expect(
        [
          ...quotas(
            total,
            [1, 3, 3, 5].map((w, i) => ({ agentId: `x${i}`, weight: w })),
          ).values(),
        ].reduce((s, v) => s + v, 0),
      ).toBe(total);
    expect(ranges(q)).toEqual([
      { agentId: 'a', lo: 1, hi: 7 },
      { agentId: 'b', lo: 8, hi: 10 },
    ]);
    expect([...quotas(5, [{ agentId: 'a', weight: Number.NaN }]).values()]).toEqual([0]);
  });
});

describe('agent schedules', () => {
  const schedule = {
    weekly: {
      mon: [
        { from: '09:00', to: '12:00' },
        { from: '13:00', to: '18:00' },
      ],
      sat: [{ from: '09:00', to: '12:00' }],
    },
    exceptions: [{ date: '2030-01-14', shifts: [], note: '年假' }],
  };
  it('count scheduled hours with exceptions replacing the weekly pattern', () => {
    // 2030-01-07 is a Monday; the next Monday (14th) is a day off.
    expect(scheduledHours(schedule, '2030-01-07', '2030-01-13')).toBe(11);
    expect(scheduledHours(schedule, '2030-01-14', '2030-01-20')).toBe(3);
    expect(onShift(schedule, '2030-01-07', 12 * 60 + 30)).toBe(false);
    expect(onShift(schedule, '2030-01-07', 13 * 60)).toBe(true);
    expect(onShift(schedule, '2030-01-14', 10 * 60)).toBe(false);
  });

  it('import from a spreadsheet grid with Chinese weekday headers, reporting bad cells', () => {
    const grid = parseScheduleGrid([
      ['工号', '周一', '周二', '周六'],
      ['agent01', '09:00-12:00, 13:00-18:00', '休', '9:00-12:00'],
      ['agent02', '25:00-26:00', '', ''],
    ]);
    expect(grid.schedules[0]).toEqual({
      login: 'agent01',
      weekly: {
        mon: [
          { from: '09:00', to: '12:00' },
          { from: '13:00', to: '18:00' },
        ],
        sat: [{ from: '09:00', to: '12:00' }],
      },
    });
    expect(grid.problems).toEqual([{ row: 3, message: 'schedule.badShift:25:00-26:00' }]);
  });
});

describe('task lifecycle and guidance', () => {
  it('allow only the documented transitions', () => {
    expect(allowedActions('draft')).toEqual(['start', 'stop']);
    expect(allowedActions('running')).toEqual(['pause', 'complete', 'stop']);
    expect(nextStatus('paused', 'resume')).toBe('running');
    expect(nextStatus('completed', 'pause')).toBeNull();
  });

  it('warn about robots on sales projects and predictive dialing with fewer than five agents', () => {
    const base = {
      projectType: 'returnVisit',
      channel: 'agent',
      dialMode: 'predictive',
      agents: 5,
      skillGroups: 1,
      questionnaire: true,
    } as const;
    expect(guidance(base)).toEqual([]);
    expect(guidance({ ...base, agents: 4 })).toEqual(['predictiveSmallTeam']);
    expect(guidance({ ...base, projectType: 'sales', channel: 'robot', dialMode: null })).toEqual(['robotSales']);
    expect(guidance({ ...base, projectType: 'survey', channel: 'robot', dialMode: null })).toEqual([]);
  });

  it('count the calling minutes left today within the task windows', () => {
    const at10 = new Date('2030-01-07T02:00:00Z'); // 10:00 Shanghai, window 09–20
    expect(remainingMinutesToday(at10, DEFAULT_CALLING_HOURS, [])).toBe(600);
    expect(remainingMinutesToday(at10, DEFAULT_CALLING_HOURS, [{ from: '14:00', to: '16:00' }])).toBe(120);
    expect(remainingMinutesToday(at10, { ...DEFAULT_CALLING_HOURS, holidays: ['2030-01-07'] }, [])).toBe(0);
  });
});
