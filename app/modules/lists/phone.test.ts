import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhoneByLibrary, normalizePhone, normalizePhoneByLibrary } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '+8613812345678'],
    ['138 1234 5678', '+8613812345678'],
    ['138-1234-5678', '+8613812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['+86-138-1234-5678', '+8613812345678'],
    ['0086 13812345678', '+8613812345678'],
    ['8613812345678', '+8613812345678'],
    ['１３８１２３４５６７８', '+8613812345678'],
    [' (138) 1234.5678 ', '+8613812345678'],
  ])('reads %j as the mobile %s', (raw, e164) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, e164, kind: 'mobile', country: 'CN' });
  });

  it('reads spreadsheet numbers and Beijing landlines', () => {
    expect(normalizePhone(13812345678)).toMatchObject({ ok: true, e164: '+8613812345678' });
    expect(normalizePhone('010-62345678')).toEqual({ ok: true, e164: '+861062345678', kind: 'landline', country: 'CN' });
    expect(normalizePhone('+852 9123 4567')).toMatchObject({ ok: true, e164: '+85291234567', country: 'HK' });
  });

  it('rejects what cannot be dialled, saying why', () => {
    expect(normalizePhone('')).toEqual({ ok: false, reason: 'phone.empty' });
    expect(normalizePhone(null)).toEqual({ ok: false, reason: 'phone.empty' });
    expect(normalizePhone('138abc45678')).toEqual({ ok: false, reason: 'phone.notANumber' });
    expect(normalizePhone('1381234567')).toEqual({ ok: false, reason: 'phone.invalid' });
    expect(normalizePhone('12345678901')).toEqual({ ok: false, reason: 'phone.invalid' });
    expect(normalizePhone(1.38e10 + 0.5)).toEqual({ ok: false, reason: 'phone.empty' });
  });
});

describe('maskPhone', () => {
  it('hides the middle of the number', () => {
    expect(maskPhone('+8613812345678')).toBe('138****5678');
    expect(maskPhone('+861062345678')).toBe('010****5678');
    expect(maskPhone('+85291234567')).toBe('****4567');
    expect(maskPhone('not a number 1234')).toBe('****');
  });
});

describe('the CN mobile fast path', () => {
  // A small deterministic generator, so a failure names an input that reproduces.
  let seed = 42;
  const digits = (n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      out += String(seed % 10);
    }
    return out;
  };
  const FULL = '０１２３４５６７８９';
  const notations = (n: string): unknown[] => [
    n,
    `+86${n}`,
    `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
    `0086-${n}`,
    `86${n}`,
    `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
    `＋86${[...n].map((d) => FULL[Number(d)]).join('')}`,
    ` (${n.slice(0, 3)}) ${n.slice(3)} `,
    Number(n),
  ];

  it('gives exactly what libphonenumber gives, on every 5-digit prefix of 1 in every notation', () => {
    const mismatches: unknown[] = [];
    let mobiles = 0;
    for (let prefix = 10_000; prefix <= 19_999; prefix++) {
      const numbers = [`${prefix}${digits(6)}`, `${prefix}${digits(6)}`, `${prefix}${digits(5)}`, `${prefix}${digits(7)}`];
      const inputs = [...notations(numbers[0]!), numbers[1], `+86${numbers[1]}`, numbers[2], `+86${numbers[3]}`, numbers[3]];
      for (const raw of inputs) {
        const fast = normalizePhone(raw);
        const reference = normalizePhoneByLibrary(raw);
        if (JSON.stringify(fast) !== JSON.stringify(reference)) mismatches.push({ raw, fast, reference });
        if (fast.ok) {
          if (fast.kind === 'mobile') mobiles++;
          if (maskPhone(fast.e164) !== maskPhoneByLibrary(fast.e164)) mismatches.push({ mask: fast.e164 });
        }
      }
      // Another default region: a number without +86 is not Chinese there.
      if (prefix % 97 === 0) {
        for (const raw of [numbers[0], `+86${numbers[0]}`]) {
          if (JSON.stringify(normalizePhone(raw, 'HK')) !== JSON.stringify(normalizePhoneByLibrary(raw, 'HK')))
            mismatches.push({ raw, region: 'HK' });
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The generated set does exercise the fast path (most 13x–19x prefixes are mobiles).
    expect(mobiles).toBeGreaterThan(50_000);
  });
});
