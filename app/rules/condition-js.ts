import { type Condition, type ConditionGroup, type ConditionRule, isGroup, type OperatorName } from './condition';

// Compiles a checked condition to one JavaScript expression over the scope variables. The
// semantics are two-valued: a missing value (null) makes every positive test false, and a
// negated operator is exactly the negation of its positive form. condition-sql.ts mirrors this
// with COALESCE, and a randomised test holds the two together.

/** Helpers the compiled expression calls as `$.name(...)`; evaluated inside the sandbox and by tests. */
export const CONDITION_HELPERS_SOURCE = `({
  has: function (list, v) { return Array.isArray(list) && list.includes(v); },
  hasAny: function (list, vs) { if (!Array.isArray(list)) return false; for (var i = 0; i < vs.length; i++) if (list.includes(vs[i])) return true; return false; },
  hasAll: function (list, vs) { var l = Array.isArray(list) ? list : []; for (var i = 0; i < vs.length; i++) if (!l.includes(vs[i])) return false; return true; },
  contains: function (s, v) { return typeof s === 'string' && s.includes(v); },
  starts: function (s, v) { return typeof s === 'string' && s.startsWith(v); },
  empty: function (v) { return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0); },
  inList: function (v, vs) { return typeof v === 'string' && vs.includes(v); }
})`;

const lit = (v: unknown) => JSON.stringify(v);

function typed(name: string, value: unknown): string {
  return typeof value === 'number' ? `typeof ${name} === 'number'` : `typeof ${name} === 'string'`;
}

function rule(r: ConditionRule): string {
  const f = r.field;
  const v = r.value;
  const op = r.operator as OperatorName;
  const [a, b] = Array.isArray(v) ? v : [];
  switch (op) {
    case '=':
      return `(${f} === ${lit(v)})`;
    case '!=':
      return `!(${f} === ${lit(v)})`;
    case '<':
    case '<=':
    case '>':
    case '>=':
      return `(${typed(f, v)} && ${f} ${op} ${lit(v)})`;
    case 'between':
      return `(${typed(f, a)} && ${f} >= ${lit(a)} && ${f} <= ${lit(b)})`;
    case 'notBetween':
      return `!(${typed(f, a)} && ${f} >= ${lit(a)} && ${f} <= ${lit(b)})`;
    case 'contains':
      return `$.contains(${f}, ${lit(v)})`;
    case 'doesNotContain':
      return `!$.contains(${f}, ${lit(v)})`;
    case 'beginsWith':
      return `$.starts(${f}, ${lit(v)})`;
    case 'in':
      return `$.inList(${f}, ${lit(v)})`;
    case 'notIn':
      return `!$.inList(${f}, ${lit(v)})`;
    case 'null':
    case 'notNull':
      return `${op === 'null' ? '' : '!'}$.empty(${f})`;
    case 'isTrue':
      return `(${f} === true)`;
    case 'isFalse':
      return `(${f} === false)`;
    case 'has':
    case 'includesOption':
      return `$.has(${f}, ${lit(v)})`;
    case 'hasAny':
      return `$.hasAny(${f}, ${lit(v)})`;
    case 'hasAll':
      return `$.hasAll(${f}, ${lit(v)})`;
    case 'hasNone':
      return `!$.hasAny(${f}, ${lit(v)})`;
    case 'equalsOption':
      return `(${f} === ${lit(v)})`;
    case 'notEqualsOption':
      return `!(${f} === ${lit(v)})`;
  }
}

function group(g: ConditionGroup): string {
  const parts = g.rules.map((n) => (isGroup(n) ? group(n) : rule(n)));
  const body = parts.length ? `(${parts.join(g.combinator === 'or' ? ' || ' : ' && ')})` : 'true';
  return g.not ? `!${body}` : body;
}

/** JavaScript for a condition that `checkCondition` accepted. */
export function conditionToJs(condition: Condition): string {
  return group(condition);
}
