import { type Condition, type ConditionGroup, type ConditionRule, isGroup, type OperatorName } from './condition';
import { type FieldType, type RuleScope, scopeField } from './types';

// Compiles a checked condition to a parameterised SQL boolean expression for node-postgres:
// values go only into `params` (`$n` placeholders), never into the text. Every clause is wrapped
// so it yields true or false, never NULL, which keeps NOT and OR two-valued like the JavaScript.

/** Field name → SQL expression for its column, e.g. `"age"` or `("fields"->>'age')::numeric`. */
export type ColumnMap = Record<string, string>;

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const CAST: Record<FieldType, string> = {
  text: 'text',
  choice: 'text',
  number: 'numeric',
  date: 'date',
  boolean: 'boolean',
  tags: 'text[]',
  multiChoice: 'text[]',
};

export class UnmappedFieldError extends Error {
  constructor(readonly field: string) {
    super(`no column for condition field ${field}`);
  }
}

class SqlWriter {
  readonly params: unknown[] = [];
  constructor(
    private readonly scope: RuleScope,
    private readonly columns: ColumnMap,
    private readonly offset: number,
  ) {}

  private param(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.offset + this.params.length}::${cast}`;
  }

  group(g: ConditionGroup): string {
    const parts = g.rules.map((n) => (isGroup(n) ? this.group(n) : this.rule(n)));
    const body = parts.length ? `(${parts.join(g.combinator === 'or' ? ' OR ' : ' AND ')})` : 'TRUE';
    return g.not ? `(NOT ${body})` : body;
  }

  rule(r: ConditionRule): string {
    const type = scopeField(this.scope, r.field)?.type;
    const col = Object.hasOwn(this.columns, r.field) ? this.columns[r.field] : undefined;
    if (!type || !col) throw new UnmappedFieldError(r.field);
    const cast = CAST[type];
    const v = r.value;
    const [a, b] = Array.isArray(v) ? v : [];
    const yes = (expr: string) => `COALESCE(${expr}, FALSE)`;
    const no = (expr: string) => `(NOT COALESCE(${expr}, FALSE))`;
    const list = `COALESCE(${col}, '{}'::text[])`;
    switch (r.operator as OperatorName) {
      case '=':
      case 'equalsOption':
        return yes(`${col} = ${this.param(v, cast)}`);
      case '!=':
      case 'notEqualsOption':
        return no(`${col} = ${this.param(v, cast)}`);
      case '<':
      case '<=':
      case '>':
      case '>=':
        return yes(`${col} ${r.operator} ${this.param(v, cast)}`);
      case 'between':
        return yes(`${col} BETWEEN ${this.param(a, cast)} AND ${this.param(b, cast)}`);
      case 'notBetween':
        return no(`${col} BETWEEN ${this.param(a, cast)} AND ${this.param(b, cast)}`);
      // strpos and starts_with rather than LIKE: no wildcard escaping to get wrong.
      case 'contains':
        return yes(`strpos(${col}, ${this.param(v, 'text')}) > 0`);
      case 'doesNotContain':
        return no(`strpos(${col}, ${this.param(v, 'text')}) > 0`);
      case 'beginsWith':
        return yes(`starts_with(${col}, ${this.param(v, 'text')})`);
      case 'in':
        return yes(`${col} = ANY(${this.param(v, 'text[]')})`);
      case 'notIn':
        return no(`${col} = ANY(${this.param(v, 'text[]')})`);
      case 'null':
      case 'notNull': {
        const empty =
          type === 'tags' || type === 'multiChoice'
            ? `(COALESCE(cardinality(${col}), 0) = 0)`
            : type === 'text' || type === 'choice'
              ? `(${col} IS NULL OR ${col} = '')`
              : `(${col} IS NULL)`;
        return r.operator === 'null' ? empty : `(NOT ${empty})`;
      }
      case 'isTrue':
        return `(${col} IS TRUE)`;
      case 'isFalse':
        return `(${col} IS FALSE)`;
      case 'has':
      case 'includesOption':
        return `(${list} @> ARRAY[${this.param(v, 'text')}])`;
      case 'hasAny':
        return `(${list} && ${this.param(v, 'text[]')})`;
      case 'hasAll':
        return `(${list} @> ${this.param(v, 'text[]')})`;
      case 'hasNone':
        return `(NOT (${list} && ${this.param(v, 'text[]')}))`;
    }
  }
}

/**
 * SQL for a condition that `checkCondition` accepted. `paramOffset` is the number of `$n`
 * placeholders already used by the surrounding query.
 */
export function conditionToSql(condition: Condition, scope: RuleScope, columns: ColumnMap, paramOffset = 0): SqlFragment {
  const writer = new SqlWriter(scope, columns, paramOffset);
  const sql = writer.group(condition);
  return { sql, params: writer.params };
}
