import { describe, expect, it } from 'vitest';
import { FIXED_FIELDS } from './field-template';
import { checkMapping, importRow, parseConsent, parseTags } from './import-row';
import { csvLine, neutralizeCell } from './spreadsheet-safety';

const mapping = { 0: 'name', 1: 'phone', 2: 'tags', 3: 'city' };

describe('importRow', () => {
  it('accepts a good row with its tags, and reports a bad one with line, fields and original cells', () => {
    expect(importRow(FIXED_FIELDS, mapping, { line: 2, cells: ['张三', '138 1234 5678', 'VIP，上海;老客户', '上海'] })).toEqual({
      ok: true,
      contact: { line: 2, values: { name: '张三', phone: '+8613812345678', city: '上海' }, tags: ['VIP', '上海', '老客户'] },
    });
    expect(importRow(FIXED_FIELDS, mapping, { line: 7, cells: ['', '12345', ''] })).toEqual({
      ok: false,
      rejected: {
        line: 7,
        cells: ['', '12345', ''],
        errors: [
          { field: 'name', code: 'value.required' },
          { field: 'phone', code: 'phone.invalid' },
        ],
      },
    });
  });

  it('tags: deduplicated, Chinese and ASCII separators, limits', () => {
    expect(parseTags('a, b ,a|c、d/e')).toEqual({ tags: ['a', 'b', 'c', 'd', 'e'] });
    expect(parseTags('x'.repeat(31)).error).toEqual({ field: 'tags', code: 'tags.tooLong', params: { max: 30 } });
  });

  it('the mapping must fill required fields once, with known fields', () => {
    expect(checkMapping(FIXED_FIELDS, { 0: 'name' })).toEqual([{ field: 'phone', code: 'mapping.requiredUnmapped' }]);
    expect(checkMapping(FIXED_FIELDS, { 0: 'name', 1: 'phone', 2: 'phone', 3: 'shoeSize' })).toEqual([
      { field: 'phone', code: 'mapping.mappedTwice' },
      { field: 'shoeSize', code: 'mapping.unknownField' },
    ]);
  });
});

describe('consent', () => {
  it('reads granted and refused in Chinese and English, blank as unknown, anything else as an error', () => {
    expect(['同意', 'granted', 'Yes', '是'].map(parseConsent)).toEqual(['granted', 'granted', 'granted', 'granted']);
    expect(['拒绝', 'refused', 'no', '否'].map(parseConsent)).toEqual(['refused', 'refused', 'refused', 'refused']);
    expect(parseConsent('')).toBeNull();
    expect(parseConsent('maybe')).toBe('invalid');
    expect(
      importRow(FIXED_FIELDS, { 0: 'name', 1: 'phone', 2: 'consent' }, { line: 3, cells: ['甲', '13800138000', '拒绝'] }),
    ).toMatchObject({
      ok: true,
      contact: { consent: 'refused' },
    });
  });
});

describe('exports', () => {
  it('neutralise cells a spreadsheet would run as formulas', () => {
    expect(neutralizeCell('=HYPERLINK("http://x","y")')).toBe('\'=HYPERLINK("http://x","y")');
    expect(neutralizeCell('+86 138')).toBe("'+86 138");
    expect(neutralizeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutralizeCell('张三')).toBe('张三');
    expect(neutralizeCell(-5)).toBe(-5);
    expect(csvLine(['a,b', 'say "hi"', '=1+1', null, 3])).toBe('"a,b","say ""hi""",\'=1+1,,3');
  });
});
