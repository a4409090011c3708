import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from './phone';

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
