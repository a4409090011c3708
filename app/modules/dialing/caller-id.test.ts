import { describe, expect, it } from 'vitest';
import { callerIdFor } from './caller-id';

const pool = [
  { number: '057188880001', areaCode: '0571' },
  { number: '057188880002', areaCode: '0571' },
  { number: '02166660001', areaCode: '021' },
  { number: '01088880001', areaCode: '010', trunkId: 'gw-bj' },
];
const numbers = pool.map((p) => p.number);

describe('caller ID for a call', () => {
  it('uses a number of the callee area code, rotating among them', () => {
    expect(callerIdFor(numbers, pool, 'gw-hz', '+8657112345678', 0)).toBe('057188880001');
    expect(callerIdFor(numbers, pool, 'gw-hz', '+8657112345678', 1)).toBe('057188880002');
    expect(callerIdFor(numbers, pool, 'gw-hz', '02155550000', 7)).toBe('02166660001');
  });

  it('rotates over all numbers allowed on the trunk for mobiles and areas without a local number', () => {
    expect([0, 1, 2, 3].map((turn) => callerIdFor(numbers, pool, 'gw-hz', '13800138000', turn))).toEqual([
      '057188880001',
      '057188880002',
      '02166660001',
      '057188880001',
    ]);
    expect(callerIdFor(numbers, pool, 'gw-bj', '01055550000', 0)).toBe('01088880001');
  });

  it('only rotates when the carrier gave no pool details, and leaves capped numbers out', () => {
    expect(callerIdFor(['a', 'b'], undefined, 't', '057112345678', 1)).toBe('b');
    expect(callerIdFor(['02166660001'], pool, 'gw-hz', '057112345678', 0)).toBe('02166660001');
  });
});
