import { describe, expect, it } from 'vitest';
import { chooseCallerId, DialStringError, dialString, landlineAreaCode, rewriteNumber, ruleProblem } from './carrier';

describe('number rewriting and dial strings', () => {
  const trunk = {
    id: 'ct-hz-1',
    dialPrefix: '9',
    rewrite: [
      { match: '^\\+86', replace: '' },
      { match: '^(0571)?(\\d{8})$', replace: '0571$2' },
    ],
  };

  it('applies the rules in order, then the prefix', () => {
    expect(rewriteNumber('+8613800138000', trunk.rewrite)).toBe('13800138000');
    expect(rewriteNumber('+8657188880001', trunk.rewrite, '9')).toBe('957188880001');
    expect(rewriteNumber('88880001', trunk.rewrite, '9')).toBe('9057188880001');
    expect(rewriteNumber('+8613800138000', [])).toBe('+8613800138000');
  });

  it('builds sofia/gateway/<gateway>/<number> and refuses anything that is not a number', () => {
    expect(dialString(trunk, '+8613800138000')).toBe('sofia/gateway/ct-hz-1/913800138000');
    expect(dialString({ id: 't', gateway: 'gw-b' }, '+12025550100')).toBe('sofia/gateway/gw-b/+12025550100');
    expect(() => dialString({ id: 't', rewrite: [{ match: '$', replace: '}' }] }, '123')).toThrow(DialStringError);
    expect(() => dialString({ id: 't' }, '123,sofia/gateway/x/1')).toThrow(/not a diallable number/);
    expect(() => dialString({ id: 't', gateway: 'a b' }, '123')).toThrow(/gateway name/);
  });

  it('explains unusable rules', () => {
    expect(ruleProblem({ match: '^\\+86', replace: '' })).toBeNull();
    expect(ruleProblem({ match: '^(\\d+)$', replace: '0$1' })).toBeNull();
    expect(ruleProblem({ match: '[', replace: '' })).toMatch(/not a valid regular expression/);
    expect(ruleProblem({ match: '^(\\d)', replace: '$3' })).toBe('the replacement uses $3 but the pattern has 1 group(s)');
    expect(ruleProblem({ match: '^1', replace: 'x' })).toMatch(/only digits/);
  });
});

describe('caller-ID choice', () => {
  const pool = [
    { number: '057188880001', areaCode: '0571', dailyCap: 2 },
    { number: '057188880002', areaCode: '0571', dailyCap: 2 },
    { number: '02166660001', areaCode: '021' },
    { number: '01088880001', areaCode: '010', trunkId: 'gw-bj' },
  ];

  it('prefers the callee area code and the least used number there', () => {
    expect(chooseCallerId(pool, { areaCode: '0571', usedToday: {} })?.number).toBe('057188880001');
    expect(chooseCallerId(pool, { areaCode: '0571', usedToday: { '057188880001': 1 } })?.number).toBe('057188880002');
    expect(chooseCallerId(pool, { areaCode: landlineAreaCode('+86 21 5555 0000'), usedToday: {} })?.number).toBe('02166660001');
  });

  it('never exceeds a daily cap: falls back to other areas, and gives null when all are capped', () => {
    const capped = { '057188880001': 2, '057188880002': 2 };
    expect(chooseCallerId(pool, { areaCode: '0571', usedToday: capped, trunkId: 'gw-hz' })?.number).toBe('02166660001');
    expect(chooseCallerId(pool.slice(0, 2), { areaCode: '0571', usedToday: capped })).toBeNull();
  });

  it('keeps numbers bound to a trunk on that trunk', () => {
    expect(chooseCallerId(pool, { areaCode: '010', usedToday: {}, trunkId: 'gw-hz' })?.areaCode).not.toBe('010');
    expect(chooseCallerId(pool, { areaCode: '010', usedToday: {}, trunkId: 'gw-bj' })?.number).toBe('01088880001');
  });

  it('finds the area code of Chinese fixed lines only', () => {
    expect(landlineAreaCode('057188880001')).toBe('0571');
    expect(landlineAreaCode('01088880001')).toBe('010');
    expect(landlineAreaCode('+862166660001')).toBe('021');
    expect(landlineAreaCode('13800138000')).toBeUndefined();
    expect(landlineAreaCode('+12025550100')).toBeUndefined();
  });
});
