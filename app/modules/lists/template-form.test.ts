import { describe, expect, it } from 'vitest';
import { customField, FIXED_FIELDS, type FieldDef } from './field-template';
import { toJsonSchema } from './template-form';

const TEMPLATE: FieldDef[] = [
  ...FIXED_FIELDS,
  customField('premium', 'money', { label: { zh: '保费', en: 'Premium' }, min: 0, help: { zh: '单位：元', en: 'In yuan' } }),
  customField('policyStart', 'date'),
  customField('homeOwner', 'boolean'),
  customField('idCard', 'idCard', { sensitive: true, required: true }),
  customField('level', 'enum', {
    options: [
      { value: 'vip', label: { zh: '贵宾', en: 'VIP' } },
      { value: 'normal', label: { zh: '普通', en: 'Regular' } },
    ],
  }),
  customField('policyNo', 'text', { pattern: '^P\\d{6}$', max: 7 }),
];

describe('a field template as a form', () => {
  it('keeps the template order and required fields, with labels in the viewer language', () => {
    const { schema, uiSchema } = toJsonSchema(TEMPLATE, 'zh');
    expect(uiSchema['ui:order']).toEqual(TEMPLATE.map((f) => f.key));
    expect(schema.required).toEqual(['name', 'phone', 'idCard']);
    expect(schema.properties.premium?.title).toBe('保费');
    expect(toJsonSchema(TEMPLATE, 'en').schema.properties.premium?.title).toBe('Premium');
  });

  it('gives each type its widget: a select of options, a date picker, yes/no radios, a money box, a phone box', () => {
    const { schema, uiSchema } = toJsonSchema(TEMPLATE, 'zh');
    expect(schema.properties.level).toEqual({ title: 'level', type: 'string', enum: ['vip', 'normal'] });
    expect(uiSchema.level).toEqual({ 'ui:widget': 'select', 'ui:enumNames': ['贵宾', '普通'] });
    expect(schema.properties.policyStart).toEqual({ title: 'policyStart', type: 'string', format: 'date' });
    expect(uiSchema.policyStart).toEqual({ 'ui:widget': 'date' });
    expect(schema.properties.homeOwner).toEqual({ title: 'homeOwner', type: 'boolean', enum: [true, false] });
    expect(uiSchema.homeOwner).toMatchObject({ 'ui:widget': 'radio', 'ui:enumNames': ['是', '否'] });
    // Nothing is chosen for the user: no option is a default.
    expect(JSON.stringify(schema)).not.toMatch(/"default"|"const"/);
    expect(schema.properties.premium).toEqual({ title: '保费', type: 'number', minimum: 0, multipleOf: 0.01 });
    expect(uiSchema.premium).toMatchObject({ 'ui:widget': 'updown', 'ui:help': '单位：元' });
    expect(toJsonSchema(TEMPLATE, 'en').uiSchema.premium).toMatchObject({ 'ui:help': 'In yuan' });
    expect(uiSchema.phone).toEqual({ 'ui:inputType': 'tel' });
    expect(schema.properties.policyNo).toEqual({ title: 'policyNo', type: 'string', maxLength: 7, pattern: '^P\\d{6}$' });
  });

  it('shows kept values (sensitive, phones) only masked, and does not require them again', () => {
    const { schema, uiSchema } = toJsonSchema(TEMPLATE, 'en', {
      kept: { phone: '138****0001', idCard: '110***********002X' },
      keptHint: '{{masked}} (leave blank to keep)',
    });
    expect(schema.required).toEqual(['name']);
    expect(uiSchema.phone).toMatchObject({ 'ui:placeholder': '138****0001 (leave blank to keep)' });
    expect(uiSchema.idCard).toMatchObject({ 'ui:placeholder': '110***********002X (leave blank to keep)' });
  });
});
