import { z } from 'zod';
import { ruleError } from './errors';
import { type FieldType, type RuleError, type RuleScope, scopeField } from './types';

// A condition is a tree of rules (field / operator / value) in AND/OR groups, the shape
// react-querybuilder edits. It is stored as JSON and compiled to JavaScript (condition-js.ts)
// and to SQL (condition-sql.ts). Both compilers read the operator table below.

export interface ConditionRule {
  id?: string;
  field: string;
  operator: string;
  value?: unknown;
}

export interface ConditionGroup {
  id?: string;
  combinator: 'and' | 'or';
  not?: boolean;
  rules: (ConditionRule | ConditionGroup)[];
}

export type Condition = ConditionGroup;

/** How many values an operator takes: none (`empty`), one, a list (`in`, `hasAny`), or two (`between`). */
export type Arity = 'none' | 'one' | 'list' | 'two';

export interface OperatorSpec {
  arity: Arity;
  types: FieldType[];
}

const ORDERED: FieldType[] = ['number', 'date'];
const LISTS: FieldType[] = ['tags', 'multiChoice'];

// Operator names follow react-querybuilder's where one fits, so its value editors behave.
export const OPERATORS = {
  '=': { arity: 'one', types: ['text', 'number', 'date'] },
  '!=': { arity: 'one', types: ['text', 'number', 'date'] },
  '<': { arity: 'one', types: ORDERED },
  '<=': { arity: 'one', types: ORDERED },
  '>': { arity: 'one', types: ORDERED },
  '>=': { arity: 'one', types: ORDERED },
  between: { arity: 'two', types: ORDERED },
  notBetween: { arity: 'two', types: ORDERED },
  contains: { arity: 'one', types: ['text'] },
  doesNotContain: { arity: 'one', types: ['text'] },
  beginsWith: { arity: 'one', types: ['text'] },
  in: { arity: 'list', types: ['text'] },
  notIn: { arity: 'list', types: ['text'] },
  null: { arity: 'none', types: ['text', 'number', 'date', 'choice', 'tags', 'multiChoice'] },
  notNull: { arity: 'none', types: ['text', 'number', 'date', 'choice', 'tags', 'multiChoice'] },
  isTrue: { arity: 'none', types: ['boolean'] },
  isFalse: { arity: 'none', types: ['boolean'] },
  has: { arity: 'one', types: ['tags'] },
  hasAny: { arity: 'list', types: LISTS },
  hasAll: { arity: 'list', types: LISTS },
  hasNone: { arity: 'list', types: LISTS },
  equalsOption: { arity: 'one', types: ['choice'] },
  notEqualsOption: { arity: 'one', types: ['choice'] },
  includesOption: { arity: 'one', types: ['multiChoice'] },
} as const satisfies Record<string, OperatorSpec>;

export type OperatorName = keyof typeof OPERATORS;

export function operatorsFor(type: FieldType): OperatorName[] {
  return (Object.keys(OPERATORS) as OperatorName[]).filter((op) => (OPERATORS[op].types as readonly FieldType[]).includes(type));
}

export function isGroup(node: ConditionRule | ConditionGroup): node is ConditionGroup {
  return 'rules' in node && Array.isArray((node as ConditionGroup).rules);
}

const RuleSchema = z.object({
  id: z.string().optional(),
  field: z.string(),
  operator: z.string(),
  value: z.unknown().optional(),
});
type GroupInput = { id?: string; combinator: string; not?: boolean; rules: unknown[] };
const GroupSchema: z.ZodType<GroupInput> = z.lazy(() =>
  z.object({
    id: z.string().optional(),
    combinator: z.string(),
    not: z.boolean().optional(),
    rules: z.array(z.union([GroupSchema, RuleSchema])).max(200),
  }),
);

export const MAX_CONDITION_DEPTH = 8;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates a condition against a scope and returns it normalised (values coerced to their
 * field's type, lists as arrays, react-querybuilder's extra keys dropped) or errors with paths.
 */
export function checkCondition(
  input: unknown,
  scope: RuleScope,
): { ok: true; value: Condition } | { ok: false; errors: RuleError[] } {
  // Checked before the recursive schema: a body nested thousands deep would overflow its stack.
  if (nestedBeyond(input, MAX_CONDITION_DEPTH + 1))
    return { ok: false, errors: [ruleError('forbidden', 'condition.tooDeep', { max: MAX_CONDITION_DEPTH }, { path: [] })] };
  const parsed = GroupSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: [ruleError('syntax', 'condition.shape')] };
  const errors: RuleError[] = [];
  const value = normaliseGroup(parsed.data, scope, [], errors);
  return errors.length ? { ok: false, errors } : { ok: true, value };
}

/** Whether groups nest deeper than `limit`, found level by level without recursion. */
function nestedBeyond(input: unknown, limit: number): boolean {
  let level: unknown[] = [input];
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true;
    const next: unknown[] = [];
    for (const node of level) {
      const rules = (node as { rules?: unknown } | null)?.rules;
      if (Array.isArray(rules)) for (const rule of rules) next.push(rule);
    }
    level = next;
  }
  return false;
}

function normaliseGroup(group: GroupInput, scope: RuleScope, path: number[], errors: RuleError[]): ConditionGroup {
  if (path.length > MAX_CONDITION_DEPTH)
    errors.push(ruleError('forbidden', 'condition.tooDeep', { max: MAX_CONDITION_DEPTH }, { path }));
  const combinator = group.combinator.toLowerCase();
  if (combinator !== 'and' && combinator !== 'or') errors.push(ruleError('syntax', 'condition.combinator', {}, { path }));
  const rules = group.rules.map((node, i) => {
    const at = [...path, i];
    const n = node as ConditionRule | GroupInput;
    return 'rules' in n ? normaliseGroup(n, scope, at, errors) : normaliseRule(n, scope, at, errors);
  });
  return { combinator: combinator === 'or' ? 'or' : 'and', ...(group.not ? { not: true } : {}), rules };
}

function normaliseRule(rule: ConditionRule, scope: RuleScope, path: number[], errors: RuleError[]): ConditionRule {
  const field = scopeField(scope, rule.field);
  if (!field) {
    errors.push(ruleError('unknownVariable', 'unknownVariable.plain', { name: rule.field }, { path }));
    return rule;
  }
  const spec = (OPERATORS as Record<string, OperatorSpec>)[rule.operator];
  if (!spec || !Object.hasOwn(OPERATORS, rule.operator) || !spec.types.includes(field.type)) {
    errors.push(ruleError('type', 'condition.operator', { operator: rule.operator, field: field.name }, { path }));
    return rule;
  }
  const one = (raw: unknown): string | number | undefined => coerce(raw, field.type);
  const bad = () => errors.push(ruleError('type', 'condition.value', { field: field.name, type: field.type }, { path }));
  const out: ConditionRule = { field: field.name, operator: rule.operator };
  if (spec.arity === 'one') {
    const v = one(rule.value);
    if (v === undefined) bad();
    else out.value = v;
  } else if (spec.arity === 'list' || spec.arity === 'two') {
    const raw = Array.isArray(rule.value)
      ? rule.value
      : typeof rule.value === 'string'
        ? rule.value
            .split(',')
            .map((v) => v.trim())
            .filter(Boolean)
        : [];
    const listType: FieldType = spec.arity === 'list' ? 'text' : field.type;
    const values = raw.map((v) => coerce(typeof v === 'string' && spec.arity === 'two' ? v.trim() : v, listType));
    if (values.some((v) => v === undefined) || (spec.arity === 'two' && values.length !== 2) || values.length > 1000) bad();
    else out.value = spec.arity === 'list' ? [...new Set(values)] : values;
  }
  return out;
}

function coerce(raw: unknown, type: FieldType): string | number | undefined {
  if (type === 'number') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    return Number.isFinite(n) ? n : undefined;
  }
  if (type === 'date') return typeof raw === 'string' && DATE.test(raw) ? raw : undefined;
  if (typeof raw === 'number') return String(raw);
  return typeof raw === 'string' && raw.length <= 1000 ? raw : undefined;
}

/** The scope variables a condition reads (for binding only those in the sandbox). */
export function conditionVariables(condition: Condition): string[] {
  const out = new Set<string>();
  const walk = (g: ConditionGroup) => {
    for (const n of g.rules) {
      if (isGroup(n)) walk(n);
      else out.add(n.field);
    }
  };
  walk(condition);
  return [...out];
}
