// Scopes: what a rule may read. Each place that runs rules (tag rules, display conditions,
// assignment, performance, alerts) declares one, and everything else — completion, type checks,
// condition operators, SQL mapping — follows from it.

/** The kinds of value a scope variable holds. Dates are `YYYY-MM-DD` strings (see docs/rules.md). */
export const FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'tags', 'choice', 'multiChoice'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface ScopeField {
  name: string;
  type: FieldType;
  /** Shown in the builder and in completion; both languages. */
  label?: { en: string; 'zh-CN': string };
  description?: { en: string; 'zh-CN': string };
  /** For `choice` and `multiChoice` (answer options) and suggested values for `tags`. */
  options?: string[];
}

export interface RuleScope {
  id: string;
  fields: ScopeField[];
}

/** A row of scope values, as plain JSON data. */
export type ScopeRow = Record<string, unknown>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Names the sandbox wrapper or JavaScript itself needs; a scope may not shadow them.
const RESERVED = new Set(['Math', 'undefined', 'NaN', 'Infinity', 'arguments', 'eval', 'this', 'null', 'true', 'false']);

/** Declares a scope; throws at module load when a name is unusable, so mistakes surface in tests. */
export function defineScope(id: string, fields: ScopeField[]): RuleScope {
  const seen = new Set<string>();
  for (const field of fields) {
    if (!NAME.test(field.name) || RESERVED.has(field.name)) throw new Error(`scope ${id}: bad variable name ${field.name}`);
    if (seen.has(field.name)) throw new Error(`scope ${id}: duplicate variable ${field.name}`);
    seen.add(field.name);
  }
  return { id, fields };
}

export function scopeField(scope: RuleScope, name: string): ScopeField | undefined {
  return scope.fields.find((f) => f.name === name);
}

export function fieldLabel(field: ScopeField, language: string): string {
  return field.label ? (language === 'en' ? field.label.en : field.label['zh-CN']) : field.name;
}

/** Error classes of the rule runtime; each carries a translation key under `rules.errors.` and its params. */
export const ERROR_KINDS = ['syntax', 'unknownVariable', 'type', 'forbidden', 'timeout', 'memory', 'runtime'] as const;
export type RuleErrorKind = (typeof ERROR_KINDS)[number];

export interface RuleError {
  kind: RuleErrorKind;
  /** Translation key below `rules.errors.`, e.g. `unknownVariable.suggest`. */
  key: string;
  params?: Record<string, string | number>;
  /** 1-based line and column, and 0-based offsets into the source, when the error has a place. */
  line?: number;
  column?: number;
  from?: number;
  to?: number;
  /** For conditions: the path of the rule in the tree (indexes). */
  path?: number[];
}

export type Compiled<T> = { ok: true; value: T } | { ok: false; errors: RuleError[] };
