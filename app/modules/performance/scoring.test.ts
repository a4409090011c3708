import { describe, expect, it } from 'vitest';
import { EMPTY_FIGURES } from './metrics';
import { periodRange } from './periods';
import { defaultConfig, type SchemeConfig, validateScheme, validateTiers } from './scheme-schema';
import { applyTiers, rankByScore, scoreBuiltIn } from './scoring';

const COMMISSION = defaultConfig('sales').tiers; // 0–10 000 at 2 %, 10 000–50 000 at 3 %, above at 4 %
const figures = (over: Partial<typeof EMPTY_FIGURES>) => ({ ...EMPTY_FIGURES, ...over });

describe('tiers', () => {
  it('marginal: each band pays its own rate on the part inside it', () => {
    const { steps, score } = applyTiers(60_000, COMMISSION, 'marginal');
    // 10 000 × 2 % + 40 000 × 3 % + 10 000 × 4 % = 200 + 1 200 + 400
    expect(score).toBe(1800);
    expect(steps.map((s) => [s.amount, s.points])).toEqual([
      [10_000, 200],
      [40_000, 1200],
      [10_000, 400],
    ]);
  });

  it('whole: the band the total reached pays its rate on all of it', () => {
    expect(applyTiers(60_000, COMMISSION, 'whole').score).toBe(2400);
    expect(applyTiers(10_000, COMMISSION, 'whole').score).toBe(300); // a band's start belongs to it
    expect(applyTiers(9_999.99, COMMISSION, 'whole').score).toBe(200);
  });

  it('a total under a band pays nothing there, and zero pays nothing at all', () => {
    expect(applyTiers(5_000, COMMISSION, 'marginal').steps).toHaveLength(1);
    expect(applyTiers(0, COMMISSION, 'marginal')).toEqual({ steps: [], score: 0 });
  });

  it('gaps, overlaps, a wrong start and an open band before the last are refused, each at its tier', () => {
    const problems = validateTiers([
      { from: 100, to: 1000, rate: 1 },
      { from: 1200, to: null, rate: 2 },
      { from: 1100, to: 900, rate: -1 },
    ]);
    expect(problems.map((p) => [p.field, p.key])).toEqual([
      ['tiers.0.from', 'tierStart'],
      ['tiers.1.to', 'tierOpenNotLast'],
      ['tiers.1.from', 'tierGap'],
      ['tiers.2.to', 'tierEmpty'],
      ['tiers.2.rate', 'tierRate'],
    ]);
    expect(problems.find((p) => p.key === 'tierGap')?.params).toMatchObject({ n: 2, prev: 1, from: 1000, to: 1200 });
    expect(
      validateTiers([
        { from: 0, to: 100, rate: 1 },
        { from: 50, to: null, rate: 2 },
      ])[0],
    ).toMatchObject({ field: 'tiers.1.from', key: 'tierOverlap' });
    expect(validateTiers(COMMISSION)).toEqual([]);
  });
});

describe('built-in kinds', () => {
  it('success count: successes × points per success', () => {
    const config: SchemeConfig = { ...defaultConfig('successes'), weight: 5 };
    const b = scoreBuiltIn(config, figures({ successes: 7, calls: 40 }));
    expect(b.terms).toEqual([{ label: 'successes', metric: 'successes', value: 7, weight: 5, points: 35 }]);
    expect(b.score).toBe(35);
  });

  it('talk time: talk minutes × weight', () => {
    const b = scoreBuiltIn({ ...defaultConfig('talkTime'), weight: 2 }, figures({ talkSec: 1530 }));
    expect(b.terms[0]).toMatchObject({ metric: 'talkMinutes', value: 25.5, points: 51 });
    expect(b.score).toBe(51);
  });

  it('sales commission through the bands, marginal and whole', () => {
    const marginal = scoreBuiltIn(defaultConfig('sales'), figures({ salesAmount: 36_000 }));
    expect(marginal.total).toBe(36_000);
    expect(marginal.score).toBe(200 + 780);
    const whole = scoreBuiltIn({ ...defaultConfig('sales'), tierMode: 'whole' }, figures({ salesAmount: 36_000 }));
    expect(whole.score).toBe(1080);
    expect(whole.tiers).toEqual([{ from: 10_000, to: 50_000, rate: 3, amount: 36_000, points: 1080 }]);
  });

  it('tiers apply to the weighted total of a success scheme too (bonus over 20 successes)', () => {
    const config: SchemeConfig = {
      ...defaultConfig('successes'),
      weight: 10,
      tiers: [
        { from: 0, to: 200, rate: 100 },
        { from: 200, to: null, rate: 150 },
      ],
    };
    expect(scoreBuiltIn(config, figures({ successes: 25 })).score).toBe(200 + 75);
  });
});

describe('ranks', () => {
  it('highest score first; equal scores share a rank', () => {
    const ranked = rankByScore([
      { id: 'a', score: 5 },
      { id: 'b', score: 9 },
      { id: 'c', score: 5 },
      { id: 'd', score: 1 },
    ]);
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 2],
      ['d', 4],
    ]);
  });
});

describe('scheme validation', () => {
  const input = {
    name: '综合',
    scopeKind: 'project' as const,
    projectId: '00000000-0000-4000-8000-000000000001',
    skillGroupId: null,
    timeZone: 'Asia/Shanghai',
    active: true,
    config: defaultConfig('formula'),
  };

  it('points at the formula term, line and column of a mistake', () => {
    const config = {
      ...input.config,
      terms: [input.config.terms[0]!, { label: '通话', formula: 'connects / calls + talkSecs', weight: 1 }],
    };
    const problems = validateScheme({ ...input, config });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'terms.1.formula', key: 'formula', params: { n: 2, line: 1, column: 20 } });
    expect(problems[0]!.rule).toMatchObject({ kind: 'unknownVariable', params: { name: 'talkSecs' }, from: 19 });
  });

  it('needs a name, a scope, terms for a formula scheme and a real time zone', () => {
    const problems = validateScheme({
      ...input,
      name: '',
      projectId: null,
      timeZone: 'Mars/Olympus',
      config: { ...input.config, terms: [] },
    });
    expect(problems.map((p) => p.key).sort()).toEqual(['nameRequired', 'projectRequired', 'termsRequired', 'timeZone']);
  });
});

describe('periods', () => {
  it('cut days, ISO weeks and months in the scheme time zone', () => {
    const day = periodRange('day', '2026-11-24', 'Asia/Shanghai');
    expect(day.ok && day.range.from.toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(day.ok && day.range.to.toISOString()).toBe('2026-11-24T16:00:00.000Z');
    const week = periodRange('week', '2026-11-26', 'Asia/Shanghai');
    expect(week.ok && [week.range.first, week.range.last]).toEqual(['2026-11-23', '2026-11-29']);
    const month = periodRange('month', '2026-02-10', 'Europe/Berlin');
    expect(month.ok && [month.range.first, month.range.last, month.range.days.length]).toEqual(['2026-02-01', '2026-02-28', 28]);
    expect(month.ok && month.range.from.toISOString()).toBe('2026-01-31T23:00:00.000Z');
  });

  it('refuses a custom range that runs backwards, is too long or is not a date', () => {
    expect(periodRange('custom', '', 'UTC', { from: '2026-03-02', to: '2026-03-01' })).toEqual({ ok: false, error: 'order' });
    expect(periodRange('custom', '', 'UTC', { from: '2026-01-01', to: '2026-12-31' })).toEqual({ ok: false, error: 'tooLong' });
    expect(periodRange('custom', '', 'UTC', { from: '2026-02-30', to: '2026-03-01' })).toEqual({ ok: false, error: 'date' });
  });
});
