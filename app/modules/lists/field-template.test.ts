import { describe, expect, it } from 'vitest';
import { customField, FIXED_FIELDS, type FieldDef, FieldTemplateSchema, suggestMapping, validateRecord } from './field-template';
import { isValidIdCard, maskIdCard } from './id-card';

const custom = ({ key, type, ...extra }: Partial<FieldDef> & Pick<FieldDef, 'key' | 'type'>): FieldDef =>
  customField(key, type, extra);

const TEMPLATE: FieldDef[] = [
  ...FIXED_FIELDS,
  custom({ key: 'policyAmount', type: 'money', min: 0 }),
  custom({ key: 'age', type: 'number', min: 0, max: 130 }),
  custom({ key: 'policyStart', type: 'date' }),
  custom({ key: 'homeOwner', type: 'boolean' }),
  custom({ key: 'idCard', type: 'idCard', sensitive: true }),
  custom({ key: 'email', type: 'email' }),
  custom({ key: 'level', type: 'enum', options: [{ value: 'vip', label: { zh: '贵宾', en: 'VIP' } }] }),
  custom({ key: 'policyNo', type: 'text', pattern: '^P\\d{6}$' }),
];

describe('validateRecord', () => {
  it('turns spreadsheet cells into typed values', () => {
    const { values, errors } = validateRecord(TEMPLATE, {
      name: ' 张三 ',
      phone: '+86 138-1234-5678',
      gender: '女',
      birthDate: '1960年3月8日',
      policyAmount: '¥1,234.5',
      age: '６６',
      policyStart: 45292,
      homeOwner: '是',
      idCard: '11010519491231002x',
      email: 'Zhang.San@Example.com',
      level: 'VIP',
      policyNo: 'P123456',
    });
    expect(errors).toEqual([]);
    expect(values).toEqual({
      name: '张三',
      phone: '+8613812345678',
      gender: 'female',
      birthDate: '1960-03-08',
      policyAmount: '1234.50',
      age: 66,
      policyStart: '2024-01-01',
      homeOwner: true,
      idCard: '11010519491231002X',
      email: 'zhang.san@example.com',
      level: 'vip',
      policyNo: 'P123456',
    });
  });

  it('reports every problem with its field and reason, and keeps the valid values', () => {
    const { values, errors } = validateRecord(TEMPLATE, {
      name: '',
      phone: '1381234567',
      birthDate: '2023-02-30',
      age: '200',
      idCard: '110105194912310021',
      level: 'gold',
      policyNo: 'X1',
      city: '上海',
    });
    expect(errors).toEqual([
      { field: 'name', code: 'value.required' },
      { field: 'phone', code: 'phone.invalid' },
      { field: 'birthDate', code: 'value.notADate' },
      { field: 'age', code: 'value.tooLarge', params: { max: 130 } },
      { field: 'idCard', code: 'value.notAnIdCard' },
      { field: 'level', code: 'value.notAnOption', params: { value: 'gold' } },
      { field: 'policyNo', code: 'value.pattern' },
    ]);
    expect(values).toEqual({ city: '上海' });
  });

  it('accepts dates as Date objects, Excel serials, slashes and compact digits', () => {
    const dates = ['2024/1/5', '2024-01-05', '20240105', 45296, new Date(Date.UTC(2024, 0, 5))];
    for (const d of dates) expect(validateRecord(TEMPLATE, { policyStart: d }).values.policyStart).toBe('2024-01-05');
  });
});

describe('templates', () => {
  it('validate keys, enum options, patterns and the phone field', () => {
    expect(FieldTemplateSchema.safeParse(TEMPLATE).success).toBe(true);
    const bad = FieldTemplateSchema.safeParse([
      custom({ key: 'x', type: 'enum' }),
      custom({ key: 'x', type: 'text', pattern: '(' }),
      custom({ key: '9lives', type: 'text' }),
    ]);
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => `${i.path.join('.')}:${i.message}`).sort();
    expect(messages).toEqual([
      '0.options:field.enumNeedsOptions',
      '1.key:field.duplicateKey',
      '1.pattern:field.badPattern',
      '2.key:field.key',
      ':field.phoneRequired',
    ]);
  });

  it('prefer the template own labels to common synonyms', () => {
    const withPolicy = [...FIXED_FIELDS, custom({ key: 'policyNo', type: 'text', label: { zh: '保单号', en: 'Policy no.' } })];
    expect(suggestMapping(['保单号', '客户编号'], withPolicy)).toEqual({ 0: 'policyNo', 1: 'externalId' });
    expect(suggestMapping(['保单号'], FIXED_FIELDS)).toEqual({ 0: 'externalId' });
  });

  it('suggest column mappings from Chinese and English headers', () => {
    expect(suggestMapping(['客户姓名', '手机号码', '性别', '标签', '保单金额', 'Policy Amount'], TEMPLATE)).toEqual({
      0: 'name',
      1: 'phone',
      2: 'gender',
      3: 'tags',
      5: 'policyAmount',
    });
  });
});

describe('ID cards', () => {
  it('check the checksum and the birth date, and mask', () => {
    expect(isValidIdCard('11010519491231002X')).toBe(true);
    expect(isValidIdCard('110105194912310021')).toBe(false);
    expect(isValidIdCard('110105194902300021')).toBe(false);
    expect(maskIdCard('11010519491231002X')).toBe('110***********002X');
  });
});
