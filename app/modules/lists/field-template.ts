import { z } from 'zod';
import { type Cell, type Coerced, isBlank, toBoolean, toDate, toEmail, toMoney, toNumber, toText } from './field-values';
import { isValidIdCard } from './id-card';
import { normalizePhone } from './phone';

// A project's field template: the common fixed fields plus unlimited custom ones. Stored as this
// JSON; rendered as a form through JSON Schema (react-jsonschema-form) by `template-form.ts`.

export const FIELD_TYPES = ['text', 'number', 'money', 'date', 'enum', 'boolean', 'phone', 'idCard', 'email'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

const Label = z.object({ zh: z.string().trim().min(1).max(60), en: z.string().trim().min(1).max(60) });

export const FieldDefSchema = z.object({
  key: z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/, { message: 'field.key' }),
  label: Label,
  type: z.enum(FIELD_TYPES),
  required: z.boolean().default(false),
  pattern: z.string().max(200).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  options: z.array(z.object({ value: z.string().min(1).max(60), label: Label })).optional(),
  /** Shown under the field in contact forms. */
  help: z.object({ zh: z.string().trim().max(200), en: z.string().trim().max(200) }).optional(),
  /** Masked for agents, like phone numbers. */
  sensitive: z.boolean().default(false),
  visibleToAgents: z.boolean().default(true),
  /** Fixed fields exist in every project; their key and type cannot change. */
  fixed: z.boolean().default(false),
});
export type FieldDef = z.infer<typeof FieldDefSchema>;

export const FieldTemplateSchema = z
  .array(FieldDefSchema)
  .max(200)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    for (const [i, field] of fields.entries()) {
      if (seen.has(field.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'field.duplicateKey' });
      seen.add(field.key);
      if (field.type === 'enum' && !field.options?.length)
        ctx.addIssue({ code: 'custom', path: [i, 'options'], message: 'field.enumNeedsOptions' });
      if (field.pattern) {
        try {
          new RegExp(field.pattern);
        } catch {
          ctx.addIssue({ code: 'custom', path: [i, 'pattern'], message: 'field.badPattern' });
        }
      }
    }
    if (!fields.some((f) => f.key === 'phone')) ctx.addIssue({ code: 'custom', path: [], message: 'field.phoneRequired' });
  });

/** A template field with the usual defaults: optional, not sensitive, visible to agents, custom. */
export function customField(key: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef {
  return {
    key,
    label: { zh: key, en: key },
    type,
    required: false,
    sensitive: false,
    visibleToAgents: true,
    fixed: false,
    ...extra,
  };
}

const fixed = (key: string, zh: string, en: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef =>
  customField(key, type, { label: { zh, en }, fixed: true, ...extra });

export const FIXED_FIELDS: FieldDef[] = [
  fixed('name', '姓名', 'Name', 'text', { required: true }),
  fixed('phone', '手机号', 'Phone', 'phone', { required: true, sensitive: true }),
  fixed('secondaryPhone', '备用电话', 'Secondary phone', 'phone', { sensitive: true }),
  fixed('gender', '性别', 'Gender', 'enum', {
    options: [
      { value: 'male', label: { zh: '男', en: 'Male' } },
      { value: 'female', label: { zh: '女', en: 'Female' } },
    ],
  }),
  fixed('birthDate', '出生日期', 'Birth date', 'date'),
  fixed('city', '城市', 'City', 'text'),
  fixed('province', '省份', 'Province', 'text'),
  fixed('timeZone', '时区', 'Time zone', 'text', { visibleToAgents: false }),
  fixed('externalId', '外部编号', 'External ID', 'text', { visibleToAgents: false }),
];

export interface FieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export type FieldValue = string | number | boolean;

function coerce(field: FieldDef, cell: Cell): Coerced<FieldValue> {
  switch (field.type) {
    case 'text':
      return { ok: true, value: toText(cell) };
    case 'number':
      return toNumber(cell);
    case 'money':
      return toMoney(cell);
    case 'date':
      return toDate(cell);
    case 'boolean':
      return toBoolean(cell);
    case 'email':
      return toEmail(cell);
    case 'idCard': {
      const text = toText(cell).toUpperCase();
      return isValidIdCard(text) ? { ok: true, value: text } : { ok: false, code: 'value.notAnIdCard' };
    }
    case 'phone': {
      const phone = normalizePhone(cell);
      return phone.ok ? { ok: true, value: phone.e164 } : { ok: false, code: phone.reason };
    }
    case 'enum': {
      // By code, or by either language's label, as staff type them in spreadsheets.
      const text = toText(cell).toLowerCase();
      const option = field.options?.find(
        (o) => o.value.toLowerCase() === text || o.label.zh.toLowerCase() === text || o.label.en.toLowerCase() === text,
      );
      return option
        ? { ok: true, value: option.value }
        : { ok: false, code: 'value.notAnOption', params: { value: toText(cell) } };
    }
  }
}

function checkLimits(field: FieldDef, value: FieldValue): FieldError | null {
  if (field.pattern && typeof value === 'string' && !new RegExp(field.pattern).test(value)) {
    return { field: field.key, code: 'value.pattern' };
  }
  const measure =
    typeof value === 'number'
      ? value
      : field.type === 'money'
        ? Number(value)
        : typeof value === 'string' && field.type === 'text'
          ? value.length
          : null;
  if (measure === null) return null;
  if (field.min !== undefined && measure < field.min)
    return { field: field.key, code: field.type === 'text' ? 'value.tooShort' : 'value.tooSmall', params: { min: field.min } };
  if (field.max !== undefined && measure > field.max)
    return { field: field.key, code: field.type === 'text' ? 'value.tooLong' : 'value.tooLarge', params: { max: field.max } };
  return null;
}

const MAX_TEXT = 2000;

/** One row against the template: typed values of every non-blank field, and every problem found. */
export function validateRecord(
  fields: FieldDef[],
  record: Record<string, Cell>,
): { values: Record<string, FieldValue>; errors: FieldError[] } {
  const values: Record<string, FieldValue> = {};
  const errors: FieldError[] = [];
  for (const field of fields) {
    const cell = record[field.key];
    if (isBlank(cell)) {
      if (field.required) errors.push({ field: field.key, code: 'value.required' });
      continue;
    }
    if (typeof cell === 'string' && cell.length > MAX_TEXT) {
      errors.push({ field: field.key, code: 'value.tooLong', params: { max: MAX_TEXT } });
      continue;
    }
    const result = coerce(field, cell);
    if (!result.ok) {
      errors.push({ field: field.key, code: result.code, ...(result.params ? { params: result.params } : {}) });
      continue;
    }
    const limit = checkLimits(field, result.value);
    if (limit) errors.push(limit);
    else values[field.key] = result.value;
  }
  return { values, errors };
}

const SYNONYMS: Record<string, string[]> = {
  name: ['姓名', '客户姓名', '名字', 'customer name', 'full name'],
  phone: ['手机', '手机号', '手机号码', '电话', '联系电话', '联系方式', 'mobile', 'phone number', 'tel'],
  secondaryPhone: ['备用电话', '备用手机', '其他电话', 'alternate phone', 'phone 2'],
  gender: ['性别', 'sex'],
  birthDate: ['出生日期', '生日', 'birthday', 'date of birth', 'dob'],
  externalId: ['外部编号', '客户编号', '保单号', 'customer id', 'id'],
  tags: ['标签', 'tag', 'labels'],
  consent: ['营销同意', '同意营销', '是否同意', 'consent', 'marketing consent'],
};

function normalizeHeader(text: string): string {
  return text.toLowerCase().replace(/[\s_\-:：()（）*]/g, '');
}

/** Suggests which template field each file column fills, by key, label or a common synonym. */
export function suggestMapping(headers: string[], fields: FieldDef[]): Record<number, string> {
  const mapping: Record<number, string> = {};
  const taken = new Set<string>();
  // The project's own keys and labels first; common synonyms only for columns still unmatched
  // (a template field labelled 保单号 beats the synonym 保单号 → external id).
  const exact = [
    ...fields.map((f) => ({ key: f.key, names: [f.key, f.label.zh, f.label.en] })),
    { key: 'tags', names: ['tags'] },
  ];
  const synonyms = Object.entries(SYNONYMS)
    .filter(([key]) => key === 'tags' || key === 'consent' || fields.some((f) => f.key === key))
    .map(([key, names]) => ({ key, names }));
  for (const candidates of [exact, synonyms]) {
    headers.forEach((header, index) => {
      if (mapping[index] !== undefined) return;
      const h = normalizeHeader(header);
      const match = candidates.find((c) => !taken.has(c.key) && c.names.some((n) => normalizeHeader(n) === h));
      if (match) {
        mapping[index] = match.key;
        taken.add(match.key);
      }
    });
  }
  return mapping;
}
