import { describe, expect, it } from 'vitest';
import { type CallingHours, CallingHoursSchema, DEFAULT_CALLING_HOURS, isCallable, nextCallableAt } from './calling-hours';
import { type AttemptRecord, ClosingRuleSchema, DEFAULT_RETRY_POLICY, decideCase } from './closing-rules';
import { DEFAULT_DISPOSITIONS, DispositionTreeSchema, findDisposition, flattenDispositions } from './dispositions';

const utc = (iso: string) => new Date(`${iso}Z`);

describe('calling hours', () => {
  it('are judged in the contact time zone', () => {
    // 01:30 UTC is 09:30 in Shanghai and 20:30 (the day before) in New York.
    const at = utc('2026-11-25T01:30:00');
    expect(isCallable(at, 'Asia/Shanghai', DEFAULT_CALLING_HOURS)).toBe(true);
    expect(isCallable(at, 'America/New_York', DEFAULT_CALLING_HOURS)).toBe(false);
    expect(isCallable(at, null, DEFAULT_CALLING_HOURS)).toBe(true);
    // 20:00 sharp is outside a 09:00–20:00 window; 19:59 inside.
    expect(isCallable(utc('2026-11-25T12:00:00'), 'Asia/Shanghai', DEFAULT_CALLING_HOURS)).toBe(false);
    expect(isCallable(utc('2026-11-25T11:59:00'), 'Asia/Shanghai', DEFAULT_CALLING_HOURS)).toBe(true);
  });

  it('respect weekdays, split windows and holidays', () => {
    const hours: CallingHours = CallingHoursSchema.parse({
      weekly: {
        mon: [
          { from: '09:00', to: '12:00' },
          { from: '14:00', to: '18:00' },
        ],
        tue: [{ from: '09:00', to: '18:00' }],
      },
      holidays: ['2026-11-24'],
    });
    expect(isCallable(utc('2026-11-23T05:00:00'), 'Asia/Shanghai', hours)).toBe(false); // Monday 13:00, lunch break
    expect(isCallable(utc('2026-11-23T06:30:00'), 'Asia/Shanghai', hours)).toBe(true); // Monday 14:30
    expect(isCallable(utc('2026-11-24T02:00:00'), 'Asia/Shanghai', hours)).toBe(false); // Tuesday, a holiday
    expect(isCallable(utc('2026-11-25T02:00:00'), 'Asia/Shanghai', hours)).toBe(false); // Wednesday: no window
  });

  it('tell when the next window opens', () => {
    const hours = CallingHoursSchema.parse({
      weekly: {
        mon: [
          { from: '09:00', to: '12:00' },
          { from: '14:00', to: '18:00' },
        ],
      },
    });
    expect(nextCallableAt(utc('2026-11-23T04:10:00'), 'Asia/Shanghai', hours)).toEqual(utc('2026-11-23T06:00:00'));
    expect(nextCallableAt(utc('2026-11-23T10:30:00'), 'Asia/Shanghai', hours)).toEqual(utc('2026-11-30T01:00:00'));
    expect(nextCallableAt(utc('2026-11-23T02:00:00'), 'Asia/Shanghai', hours)).toEqual(utc('2026-11-23T02:00:00'));
    expect(nextCallableAt(utc('2026-11-23T02:00:00'), 'Asia/Shanghai', CallingHoursSchema.parse({ weekly: {} }))).toBeNull();
  });

  it('reject windows that end before they start', () => {
    expect(CallingHoursSchema.safeParse({ weekly: { mon: [{ from: '18:00', to: '09:00' }] } }).success).toBe(false);
    expect(CallingHoursSchema.safeParse({ weekly: { mon: [{ from: '9:00', to: '18:00' }] } }).success).toBe(false);
  });
});

describe('closing rules', () => {
  const day = (n: number, outcome: AttemptRecord['outcome']): AttemptRecord => ({
    at: new Date(Date.UTC(2026, 10, n, 2)),
    outcome,
  });
  const attempts = ClosingRuleSchema.parse({ preset: 'attempts', maxAttempts: 3, withinDays: 10 });

  it('"at most 3 attempts in 10 days": retries by the policy, then closes', () => {
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'noAnswer')])).toEqual({
      close: false,
      reason: 'retry',
      nextAttemptAt: new Date(Date.UTC(2026, 10, 1, 4)),
    });
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'noAnswer'), day(2, 'busy')])).toMatchObject({ close: false });
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'noAnswer'), day(2, 'busy'), day(3, 'machine')])).toEqual({
      close: true,
      reason: 'attemptsExhausted',
    });
    // Attempts older than the window do not count.
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'noAnswer'), day(12, 'busy'), day(13, 'noAnswer')])).toMatchObject({
      close: false,
    });
  });

  it('closes on success, refusal, do-not-call and invalid numbers; keeps callbacks open', () => {
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'success')])).toEqual({ close: true, reason: 'success' });
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'failure')])).toEqual({ close: true, reason: 'failure' });
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'doNotCall')])).toEqual({ close: true, reason: 'doNotCall' });
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'invalidNumber')])).toEqual({
      close: true,
      reason: 'invalidNumber',
    });
    const callbackAt = new Date(Date.UTC(2026, 10, 5, 3));
    expect(decideCase(attempts, DEFAULT_RETRY_POLICY, [day(1, 'callback')], { callbackAt })).toEqual({
      close: false,
      nextAttemptAt: callbackAt,
      reason: 'callback',
    });
  });

  it('"close on success" keeps a refusal open; "close on any connected call" closes on any disposition', () => {
    const onSuccess = ClosingRuleSchema.parse({ preset: 'onSuccess', maxAttempts: 5 });
    expect(decideCase(onSuccess, DEFAULT_RETRY_POLICY, [day(1, 'failure')])).toMatchObject({ close: false, reason: 'retry' });
    const onConnect = ClosingRuleSchema.parse({ preset: 'onConnect' });
    expect(decideCase(onConnect, DEFAULT_RETRY_POLICY, [day(1, 'retry')])).toEqual({ close: true, reason: 'connected' });
    expect(decideCase(onConnect, DEFAULT_RETRY_POLICY, [day(1, 'busy')])).toMatchObject({ close: false });
  });

  it('a custom condition closes when the rule runtime says it matches', () => {
    const custom = ClosingRuleSchema.parse({ preset: 'custom', condition: { combinator: 'and', rules: [] }, maxAttempts: 4 });
    expect(decideCase(custom, DEFAULT_RETRY_POLICY, [day(1, 'retry')], { customMatches: true })).toEqual({
      close: true,
      reason: 'custom',
    });
    expect(decideCase(custom, DEFAULT_RETRY_POLICY, [day(1, 'retry')], { customMatches: false })).toMatchObject({ close: false });
  });
});

describe('disposition codes', () => {
  it('the default tree is valid and every leaf has an outcome class', () => {
    expect(DispositionTreeSchema.safeParse(DEFAULT_DISPOSITIONS).success).toBe(true);
    const leaves = flattenDispositions(DEFAULT_DISPOSITIONS).filter((d) => !d.children?.length);
    expect(leaves.every((d) => d.outcome)).toBe(true);
    expect(findDisposition(DEFAULT_DISPOSITIONS, 'later.callback')).toMatchObject({ outcome: 'callback' });
  });

  it('rejects duplicate codes and leaves without an outcome', () => {
    const bad = DispositionTreeSchema.safeParse([
      { code: 'a', label: { zh: '甲', en: 'A' }, outcome: 'success' },
      { code: 'a', label: { zh: '乙', en: 'B' }, outcome: 'failure' },
      { code: 'c', label: { zh: '丙', en: 'C' } },
    ]);
    expect(bad.error?.issues.map((i) => i.message).sort()).toEqual(['disposition.duplicateCode', 'disposition.leafNeedsOutcome']);
  });
});
