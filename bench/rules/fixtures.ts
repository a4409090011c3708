import type { Condition } from '../../app/rules/condition';
import type { ScopeRow } from '../../app/rules/types';

// Data for the rule benchmark: deterministic, shaped like real contacts and agent aggregates.

export const BENCH_CONDITION: Condition = {
  combinator: 'and',
  rules: [
    { field: 'age', operator: '>=', value: 40 },
    { field: 'city', operator: 'in', value: ['上海', '北京', '广州'] },
    { field: 'tags', operator: 'hasAny', value: ['VIP', 'renewal'] },
    { field: 'policyAmount', operator: 'between', value: [100000, 600000] },
    {
      combinator: 'or',
      rules: [
        { field: 'gender', operator: 'equalsOption', value: 'female' },
        { field: 'tags', operator: 'hasNone', value: ['complaint'] },
      ],
    },
  ],
};

export const BENCH_FORMULA = 'success * 10 + talkMinutes * 0.5 + (connects > 0 ? success / connects * 100 : 0)';

const CITIES = ['上海', '北京', '广州', '深圳', '杭州', '成都'];
const TAGS = ['VIP', 'renewal', 'complaint', 'new', 'dormant'];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function contacts(count: number, seed = 42): ScopeRow[] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, i) => ({
    name: `客户${i}`,
    age: 18 + Math.floor(r() * 70),
    city: CITIES[Math.floor(r() * CITIES.length)],
    gender: r() < 0.5 ? 'male' : 'female',
    birthDate: `19${50 + Math.floor(r() * 50)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`,
    policyAmount: Math.floor(r() * 1_000_000),
    tags: TAGS.filter(() => r() < 0.3),
  }));
}

export function agents(count: number, seed = 7): ScopeRow[] {
  const r = prng(seed);
  return Array.from({ length: count }, () => {
    const calls = Math.floor(r() * 300);
    const connects = Math.floor(calls * r() * 0.6);
    return {
      calls,
      connects,
      success: Math.floor(connects * r() * 0.3),
      talkMinutes: Math.round(r() * 4000) / 10,
      salesAmount: Math.floor(r() * 50_000),
    };
  });
}
