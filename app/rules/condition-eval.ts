import { type Condition, type ConditionGroup, type ConditionRule, isGroup, type OperatorName } from './condition';
import type { ScopeRow } from './types';

// Evaluates a checked condition directly, without compiling it: conditions are data built in the
// condition builder, not user code, so places that need them in the browser or in a pure function
// (the questionnaire engine and its preview) read the tree. Semantics are those of condition-js.ts
// (two-valued, a missing value fails every positive test); a randomised test holds the two together.

const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const empty = (v: unknown) => v === null || v === undefined || v === '' || (isList(v) && v.length === 0);
const hasAny = (list: unknown, values: unknown[]) => isList(list) && values.some((v) => list.includes(v));
const sameType = (a: unknown, b: unknown) => (typeof b === 'number' ? typeof a === 'number' : typeof a === 'string');

function compare(a: unknown, op: '<' | '<=' | '>' | '>=', b: unknown): boolean {
  if (!sameType(a, b)) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

function rule(r: ConditionRule, row: ScopeRow): boolean {
  const f = row[r.field] ?? null;
  const v = r.value;
  const [a, b] = isList(v) ? v : [];
  const list = isList(v) ? v : [];
  switch (r.operator as OperatorName) {
    case '=':
    case 'equalsOption':
      return f === v;
    case '!=':
    case 'notEqualsOption':
      return f !== v;
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(f, r.operator as '<', v);
    case 'between':
      return compare(f, '>=', a) && compare(f, '<=', b);
    case 'notBetween':
      return !(compare(f, '>=', a) && compare(f, '<=', b));
    case 'contains':
      return typeof f === 'string' && f.includes(String(v));
    case 'doesNotContain':
      return !(typeof f === 'string' && f.includes(String(v)));
    case 'beginsWith':
      return typeof f === 'string' && f.startsWith(String(v));
    case 'in':
      return typeof f === 'string' && list.includes(f);
    case 'notIn':
      return !(typeof f === 'string' && list.includes(f));
    case 'null':
      return empty(f);
    case 'notNull':
      return !empty(f);
    case 'isTrue':
      return f === true;
    case 'isFalse':
      return f === false;
    case 'has':
    case 'includesOption':
      return isList(f) && f.includes(v);
    case 'hasAny':
      return hasAny(f, list);
    case 'hasAll':
      return list.every((x) => isList(f) && f.includes(x));
    case 'hasNone':
      return !hasAny(f, list);
    default:
      return false;
  }
}

function group(g: ConditionGroup, row: ScopeRow): boolean {
  const results = g.rules.map((n) => (isGroup(n) ? group(n, row) : rule(n, row)));
  const value = g.rules.length === 0 ? true : g.combinator === 'or' ? results.some(Boolean) : results.every(Boolean);
  return g.not ? !value : value;
}

/** True when the row satisfies a condition that `checkCondition` accepted. */
export function evaluateCondition(condition: Condition, row: ScopeRow): boolean {
  return group(condition, row);
}
