import { describe, expect, it } from 'vitest';
import { defaultRules } from '../projects/project-schema';
import { checkGate, type GateFacts } from './compliance';

// 2026-11-25 10:00 in Shanghai is a Wednesday inside the default 09:00–20:00 window.
const NOON_SHANGHAI = new Date('2026-11-25T02:00:00Z');

function facts(overrides: Partial<GateFacts> = {}, contact: Partial<GateFacts['contact']> = {}): GateFacts {
  return {
    now: NOON_SHANGHAI,
    rules: defaultRules('returnVisit'),
    taskRunning: true,
    inSelection: true,
    activeAttempt: false,
    abandonCooldownHours: 0,
    ...overrides,
    contact: {
      status: 'open',
      deleted: false,
      dnc: false,
      consent: null,
      timeZone: 'Asia/Shanghai',
      hasNumber: true,
      history: [],
      nextAttemptAt: null,
      lastAbandonAt: null,
      ...contact,
    },
  };
}

describe('compliance gate', () => {
  it('lets a fresh contact through inside calling hours', () => {
    expect(checkGate(facts())).toEqual({ ok: true });
  });

  it('refuses outside the contact’s local hours and says when the window opens', () => {
    // 10:00 in Shanghai is 21:00 the day before in New York: outside the window there.
    const decision = checkGate(facts({}, { timeZone: 'America/New_York' }));
    expect(decision).toMatchObject({ ok: false, reason: 'outsideHours' });
    expect(decision.ok === false && decision.until?.toISOString()).toBe('2026-11-25T14:00:00.000Z');
  });

  it('refuses DNC, deleted, closed, out-of-selection contacts and a stopped task', () => {
    expect(checkGate(facts({}, { dnc: true }))).toMatchObject({ reason: 'dnc' });
    expect(checkGate(facts({}, { deleted: true }))).toMatchObject({ reason: 'deleted' });
    expect(checkGate(facts({}, { status: 'closed' }))).toMatchObject({ reason: 'closed' });
    expect(checkGate(facts({ inSelection: false }))).toMatchObject({ reason: 'notInSelection' });
    expect(checkGate(facts({ taskRunning: false }))).toMatchObject({ reason: 'taskNotRunning' });
  });

  it('refuses sales calls without consent when the project requires it', () => {
    const rules = { ...defaultRules('sales'), requireConsent: true };
    expect(checkGate(facts({ rules }))).toMatchObject({ reason: 'noConsent' });
    expect(checkGate(facts({ rules }, { consent: 'granted' }))).toEqual({ ok: true });
  });

  it('enforces attempt limits (3 in 10 days) and retry intervals by result', () => {
    const hour = 3_600_000;
    const at = (h: number) => new Date(NOON_SHANGHAI.getTime() - h * hour);
    const busyRecently = [{ at: at(0.25), outcome: 'busy' as const }];
    const decision = checkGate(facts({}, { history: busyRecently }));
    expect(decision).toMatchObject({ ok: false, reason: 'retryWait' });
    expect(decision.ok === false && decision.until?.getTime()).toBe(at(0.25).getTime() + 30 * 60_000);
    expect(checkGate(facts({}, { history: [{ at: at(1), outcome: 'busy' }] }))).toEqual({ ok: true });
    const three = [at(50), at(30), at(5)].map((a) => ({ at: a, outcome: 'noAnswer' as const }));
    expect(checkGate(facts({}, { history: three }))).toMatchObject({ reason: 'attemptLimit' });
  });

  it('honours a scheduled callback, the abandon cooldown, and an attempt already in flight', () => {
    const later = new Date(NOON_SHANGHAI.getTime() + 3_600_000);
    expect(checkGate(facts({}, { nextAttemptAt: later }))).toMatchObject({ reason: 'retryWait', until: later });
    const abandoned = new Date(NOON_SHANGHAI.getTime() - 3_600_000);
    expect(checkGate(facts({ abandonCooldownHours: 72 }, { lastAbandonAt: abandoned }))).toMatchObject({
      reason: 'abandonCooldown',
    });
    expect(checkGate(facts({}, { lastAbandonAt: abandoned }))).toEqual({ ok: true });
    // UK rule's exception: an agent reserved for the call (preview, callback) may call again.
    expect(checkGate(facts({ abandonCooldownHours: 72, agentReserved: true }, { lastAbandonAt: abandoned }))).toEqual({
      ok: true,
    });
    expect(checkGate(facts({ activeAttempt: true }))).toMatchObject({ reason: 'activeAttempt' });
  });
});
