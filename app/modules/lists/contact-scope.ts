import { type ColumnMap, defineScope, type RuleScope, type ScopeField } from '../../rules';
import type { FieldDef } from './field-template';

// What rules about contacts (tag rules, filters, later eligibility and display conditions) may read:
// the project's template fields plus the contact's state. Sensitive fields and phones are left out:
// they are stored encrypted, so no rule could filter on them in SQL anyway.

const TYPE: Record<FieldDef['type'], ScopeField['type'] | null> = {
  text: 'text',
  email: 'text',
  number: 'number',
  money: 'number',
  date: 'date',
  boolean: 'boolean',
  enum: 'choice',
  phone: null,
  idCard: null,
};

const CAST: Partial<Record<ScopeField['type'], string>> = { number: '::numeric', date: '::date', boolean: '::boolean' };
const COLUMNS: Record<string, string> = { name: '"name"', timeZone: '"timeZone"', externalId: '"externalId"' };

export function contactScope(fields: FieldDef[], knownTags: string[] = []): { scope: RuleScope; columns: ColumnMap } {
  const scopeFields: ScopeField[] = [];
  const columns: ColumnMap = {};
  for (const field of fields) {
    const type = TYPE[field.type];
    if (!type || field.sensitive) continue;
    scopeFields.push({
      name: field.key,
      type,
      label: { en: field.label.en, 'zh-CN': field.label.zh },
      ...(field.options ? { options: field.options.map((o) => o.value) } : {}),
    });
    columns[field.key] = COLUMNS[field.key] ?? `(c."fields"->>'${field.key.replace(/'/g, "''")}')${CAST[type] ?? ''}`;
  }
  scopeFields.push(
    { name: 'tags', type: 'tags', label: { en: 'Tags', 'zh-CN': '标签' }, options: knownTags },
    { name: 'status', type: 'choice', label: { en: 'Status', 'zh-CN': '状态' }, options: ['open', 'closed'] },
    { name: 'attempts', type: 'number', label: { en: 'Attempts', 'zh-CN': '拨打次数' } },
    { name: 'dnc', type: 'boolean', label: { en: 'Do not call', 'zh-CN': '免打扰' } },
    { name: 'consent', type: 'choice', label: { en: 'Marketing consent', 'zh-CN': '营销同意' }, options: ['granted', 'refused'] },
  );
  Object.assign(columns, {
    tags: 'c."tags"',
    status: 'c."status"::text',
    attempts: 'c."attempts"',
    dnc: 'c."dnc"',
    consent: 'c."consentStatus"',
  });
  for (const [key, column] of Object.entries(COLUMNS)) if (columns[key]) columns[key] = `c.${column}`;
  return { scope: defineScope('contact', scopeFields), columns };
}
