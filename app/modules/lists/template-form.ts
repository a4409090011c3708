import type { FieldDef } from './field-template';

// A field template as a form: JSON Schema for react-jsonschema-form plus a UI schema (order,
// widgets, help). The template editor's preview and the contact forms render the same output, so
// the preview is exactly the form staff will fill in. The server still validates with
// `validateRecord`; the schema only shapes the inputs. Choices are `enum` with their labels in
// `ui:enumNames` (a `oneOf` of consts would be pre-filled with its first option).

export type Language = 'zh' | 'en';

export interface TemplateFormOptions {
  /**
   * Fields whose stored value the form does not show (sensitive values, phone numbers): key → its
   * masked form. Their input starts empty; left blank, the stored value is kept.
   */
  kept?: Record<string, string>;
  /** The placeholder of a kept field; `{{masked}}` is replaced by its masked value. */
  keptHint?: string;
}

type Json = Record<string, unknown>;

const YES_NO: Record<Language, [string, string]> = { zh: ['是', '否'], en: ['Yes', 'No'] };

function property(f: FieldDef, language: Language): Json {
  const title = f.label[language];
  switch (f.type) {
    case 'number':
      return { title, type: 'number', minimum: f.min, maximum: f.max };
    case 'money':
      // Yuan with fen: two decimals, as the importer stores money.
      return { title, type: 'number', minimum: f.min, maximum: f.max, multipleOf: 0.01 };
    case 'boolean':
      return { title, type: 'boolean', enum: [true, false] };
    case 'date':
      return { title, type: 'string', format: 'date' };
    case 'email':
      return { title, type: 'string', format: 'email' };
    case 'enum':
      return { title, type: 'string', enum: f.options?.map((o) => o.value) ?? [] };
    case 'idCard':
      return { title, type: 'string', maxLength: 18 };
    case 'phone':
      return { title, type: 'string', maxLength: 40 };
    case 'text':
      return { title, type: 'string', minLength: f.min, maxLength: f.max, pattern: f.pattern };
  }
}

const WIDGETS: Partial<Record<FieldDef['type'], Json>> = {
  number: { 'ui:widget': 'updown' },
  money: { 'ui:widget': 'updown', 'ui:placeholder': '0.00' },
  boolean: { 'ui:widget': 'radio', 'ui:options': { inline: true } },
  date: { 'ui:widget': 'date' },
  enum: { 'ui:widget': 'select' },
  email: { 'ui:inputType': 'email' },
  phone: { 'ui:inputType': 'tel' },
};

/** JSON Schema + UI schema of a template, in the viewer's language. */
export function toJsonSchema(fields: FieldDef[], language: Language, options: TemplateFormOptions = {}) {
  const kept = options.kept ?? {};
  const properties: Record<string, Json> = {};
  const uiSchema: Json = { 'ui:order': fields.map((f) => f.key) };
  for (const f of fields) {
    properties[f.key] = Object.fromEntries(Object.entries(property(f, language)).filter(([, v]) => v !== undefined));
    const help = f.help?.[language];
    const masked = kept[f.key];
    uiSchema[f.key] = {
      ...WIDGETS[f.type],
      ...(f.type === 'enum' ? { 'ui:enumNames': f.options?.map((o) => o.label[language]) ?? [] } : {}),
      ...(f.type === 'boolean' ? { 'ui:enumNames': YES_NO[language] } : {}),
      ...(help ? { 'ui:help': help } : {}),
      ...(masked !== undefined
        ? { 'ui:placeholder': (options.keptHint ?? '{{masked}}').replace('{{masked}}', masked), 'ui:autocomplete': 'off' }
        : {}),
    };
  }
  // A kept field already has a value: leaving it blank is not "missing".
  const required = fields.filter((f) => f.required && kept[f.key] === undefined).map((f) => f.key);
  return { schema: { type: 'object', required, properties }, uiSchema };
}
