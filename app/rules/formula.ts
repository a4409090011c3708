import * as acorn from 'acorn';
import { ruleError, spanOf, suggestName } from './errors';
import { MATH_CONSTANTS, MATH_FUNCTIONS, METHODS, type MethodSpec, PROPERTIES, type ValueType } from './formula-methods';
import type { Compiled, FieldType, RuleError, RuleScope } from './types';

export type { ValueType } from './formula-methods';

/** A formula that passed validation: its source, the scope variables it reads, its inferred type. */
export interface CheckedFormula {
  source: string;
  variables: string[];
  type: ValueType;
}

export const MAX_FORMULA_LENGTH = 4000;
const MAX_ARRAY_LITERAL = 200;
const MAX_DEPTH = 100;

const FIELD_VALUE_TYPE: Record<FieldType, ValueType> = {
  text: 'string',
  choice: 'string',
  number: 'number',
  date: 'date',
  boolean: 'boolean',
  tags: 'list',
  multiChoice: 'list',
};

export function fieldValueType(type: FieldType): ValueType {
  return FIELD_VALUE_TYPE[type];
}

type N = acorn.AnyNode;

const FORBIDDEN: Partial<Record<N['type'], string>> = {
  AssignmentExpression: 'assignment',
  UpdateExpression: 'assignment',
  FunctionExpression: 'function',
  ArrowFunctionExpression: 'function',
  ClassExpression: 'function',
  NewExpression: 'new',
  ThisExpression: 'this',
  Super: 'this',
  TaggedTemplateExpression: 'taggedTemplate',
  ImportExpression: 'import',
  MetaProperty: 'import',
  SequenceExpression: 'sequence',
  AwaitExpression: 'await',
  YieldExpression: 'await',
  ObjectExpression: 'object',
  SpreadElement: 'spread',
};

/**
 * Parses and checks a formula against a scope: one expression, only whitelisted syntax, only
 * declared variables, and types that fit (a date compared with a number fails here, at save time).
 */
export function checkFormula(source: string, scope: RuleScope, expect?: ValueType): Compiled<CheckedFormula> {
  if (source.length > MAX_FORMULA_LENGTH) return fail(ruleError('syntax', 'syntax.tooLong', { max: MAX_FORMULA_LENGTH }));
  if (!source.trim()) return fail(ruleError('syntax', 'syntax.empty'));
  let program: acorn.Program;
  try {
    program = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script', locations: true });
  } catch (error) {
    return fail(syntaxError(source, error));
  }
  const body = program.body;
  if (body.length !== 1 || body[0]!.type !== 'ExpressionStatement' || 'directive' in body[0]!) {
    const extra = body.find((s) => s.type !== 'ExpressionStatement') ?? body[1] ?? body[0];
    const at = extra ? spanOf(source, extra.start, extra.end) : spanOf(source, 0);
    const isFunction = extra?.type === 'FunctionDeclaration' || extra?.type === 'ClassDeclaration';
    return fail(
      ruleError(isFunction ? 'forbidden' : 'syntax', isFunction ? 'forbidden.function' : 'syntax.onlyExpression', {}, at),
    );
  }
  const checker = new TypeChecker(source, scope);
  const type = checker.check((body[0] as acorn.ExpressionStatement).expression, 0);
  if (!checker.errors.length && expect && !assignable(type, expect)) {
    checker.errors.push(ruleError('type', 'type.result', { expected: expect, actual: type }, spanOf(source, 0, source.length)));
  }
  if (checker.errors.length) return { ok: false, errors: checker.errors };
  return { ok: true, value: { source, variables: [...checker.variables], type } };
}

function fail(error: RuleError): Compiled<never> {
  return { ok: false, errors: [error] };
}

function syntaxError(source: string, error: unknown): RuleError {
  const e = error as { message?: string; pos?: number };
  const detail = (e.message ?? '').replace(/\s*\(\d+:\d+\)$/, '');
  const pos = typeof e.pos === 'number' ? Math.min(e.pos, source.length) : 0;
  const key = /^Unexpected token/.test(detail)
    ? 'syntax.unexpectedToken'
    : /^Unterminated string/.test(detail)
      ? 'syntax.unterminatedString'
      : /^Unexpected character/.test(detail)
        ? 'syntax.unexpectedCharacter'
        : 'syntax.generic';
  const token = source.slice(pos, pos + 1) || '⏎';
  return ruleError('syntax', key, { detail, token }, spanOf(source, pos));
}

function assignable(actual: ValueType, expected: ValueType): boolean {
  return actual === expected || actual === 'any' || expected === 'any' || actual === 'null';
}

const ARITHMETIC = new Set(['-', '*', '/', '%', '**']);
const ORDERING = new Set(['<', '<=', '>', '>=']);
const EQUALITY = new Set(['==', '!=', '===', '!==']);
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}/;

class TypeChecker {
  readonly errors: RuleError[] = [];
  readonly variables = new Set<string>();
  private readonly fields: Map<string, ValueType>;

  constructor(
    private readonly source: string,
    private readonly scope: RuleScope,
  ) {
    this.fields = new Map(scope.fields.map((f) => [f.name, FIELD_VALUE_TYPE[f.type]]));
  }

  private error(kind: RuleError['kind'], key: string, node: N, params: RuleError['params'] = {}): ValueType {
    this.errors.push(ruleError(kind, key, params, spanOf(this.source, node.start, node.end)));
    return 'any';
  }

  check(node: N, depth: number): ValueType {
    if (depth > MAX_DEPTH) return this.error('forbidden', 'forbidden.tooDeep', node);
    const forbidden = FORBIDDEN[node.type];
    if (forbidden) return this.error('forbidden', `forbidden.${forbidden}`, node);
    switch (node.type) {
      case 'Literal':
        if ('regex' in node && node.regex) return this.error('forbidden', 'forbidden.regex', node);
        if (typeof node.value === 'bigint') return this.error('forbidden', 'forbidden.bigint', node);
        return node.value === null ? 'null' : (typeof node.value as ValueType);
      case 'Identifier':
        return this.identifier(node);
      case 'TemplateLiteral':
        for (const e of node.expressions) this.check(e, depth + 1);
        return 'string';
      case 'ArrayExpression':
        if (node.elements.length > MAX_ARRAY_LITERAL)
          return this.error('forbidden', 'forbidden.arrayTooLong', node, { max: MAX_ARRAY_LITERAL });
        for (const e of node.elements) {
          if (!e) return this.error('syntax', 'syntax.generic', node, { detail: 'hole' });
          this.check(e, depth + 1);
        }
        return 'list';
      case 'UnaryExpression':
        return this.unary(node, depth);
      case 'BinaryExpression':
        return this.binary(node, depth);
      case 'LogicalExpression': {
        const left = this.check(node.left, depth + 1);
        const right = this.check(node.right, depth + 1);
        return node.operator === '&&' && left === 'boolean' && right === 'boolean' ? 'boolean' : join(left, right);
      }
      case 'ConditionalExpression':
        this.check(node.test, depth + 1);
        return join(this.check(node.consequent, depth + 1), this.check(node.alternate, depth + 1));
      case 'ChainExpression':
        return this.check(node.expression, depth + 1);
      case 'MemberExpression':
        return this.member(node, depth);
      case 'CallExpression':
        return this.call(node, depth);
      case 'ParenthesizedExpression':
        return this.check(node.expression, depth + 1);
      default:
        return this.error('forbidden', 'forbidden.syntax', node, { syntax: node.type });
    }
  }

  private identifier(node: acorn.Identifier): ValueType {
    const type = this.fields.get(node.name);
    if (type) {
      this.variables.add(node.name);
      return type;
    }
    if (node.name === 'undefined') return 'null';
    if (node.name === 'Math') return this.error('forbidden', 'forbidden.mathAlone', node);
    const suggestion = suggestName(
      node.name,
      this.scope.fields.map((f) => f.name),
    );
    return this.error('unknownVariable', suggestion ? 'unknownVariable.suggest' : 'unknownVariable.plain', node, {
      name: node.name,
      ...(suggestion ? { suggestion } : {}),
    });
  }

  private unary(node: acorn.UnaryExpression, depth: number): ValueType {
    const type = this.check(node.argument, depth + 1);
    switch (node.operator) {
      case '!':
        return 'boolean';
      case 'typeof':
        return 'string';
      case '-':
      case '+':
        if (!numeric(type)) return this.error('type', 'type.notNumber', node.argument, { type, operator: node.operator });
        return 'number';
      default:
        return this.error('forbidden', 'forbidden.operator', node, { operator: node.operator });
    }
  }

  private binary(node: acorn.BinaryExpression, depth: number): ValueType {
    if (node.left.type === 'PrivateIdentifier') return this.error('forbidden', 'forbidden.syntax', node, { syntax: 'private' });
    const left = this.check(node.left, depth + 1);
    const right = this.check(node.right, depth + 1);
    const op = node.operator;
    if (op === '+') {
      if (numeric(left) && numeric(right)) return left === 'any' || right === 'any' ? 'any' : 'number';
      if ((left === 'string' || left === 'any') && right !== 'list' && right !== 'date') return left === 'any' ? 'any' : 'string';
      if (left === 'string' && right === 'date') return 'string';
      if (right === 'string' && left !== 'list' && left !== 'date') return 'string';
      return this.error('type', 'type.operands', node, { operator: op, left, right });
    }
    if (ARITHMETIC.has(op)) {
      if (numeric(left) && numeric(right)) return 'number';
      return this.error('type', 'type.operands', node, { operator: op, left, right });
    }
    if (ORDERING.has(op) || EQUALITY.has(op)) {
      if (!this.comparable(left, right, node)) {
        return this.error('type', 'type.compare', node, { operator: op, left, right });
      }
      return 'boolean';
    }
    return this.error('forbidden', 'forbidden.operator', node, { operator: op });
  }

  private comparable(left: ValueType, right: ValueType, node: acorn.BinaryExpression): boolean {
    if (left === 'any' || right === 'any' || left === right) return left !== 'list' || EQUALITY.has(node.operator);
    if (EQUALITY.has(node.operator) && (left === 'null' || right === 'null')) return true;
    // A date compares with a date-shaped text literal: `birthDate < '1960-01-01'`.
    const literal = (n: N) => n.type === 'Literal' && typeof n.value === 'string' && DATE_TEXT.test(n.value);
    if (left === 'date' && right === 'string') return literal(node.right);
    if (right === 'date' && left === 'string') return literal(node.left);
    return false;
  }

  private member(node: acorn.MemberExpression, depth: number): ValueType {
    if (node.object.type === 'Super') return this.error('forbidden', 'forbidden.this', node);
    if (!node.computed && node.object.type === 'Identifier' && node.object.name === 'Math' && !this.fields.has('Math')) {
      const name = (node.property as acorn.Identifier).name;
      if (MATH_CONSTANTS.includes(name)) return 'number';
      return this.error('forbidden', 'forbidden.property', node.property, { property: name, type: 'Math' });
    }
    const objectType = this.check(node.object, depth + 1);
    if (node.computed) {
      const index = this.check(node.property as N, depth + 1);
      if ((objectType === 'list' || objectType === 'string' || objectType === 'any') && numeric(index)) {
        return objectType === 'list' || objectType === 'any' ? 'any' : 'string';
      }
      return this.error('forbidden', 'forbidden.computed', node);
    }
    const name = (node.property as acorn.Identifier).name;
    const property = own(PROPERTIES[objectType], name) ?? (objectType === 'any' && name === 'length' ? 'number' : undefined);
    if (property) return property;
    const known = own(METHODS[objectType], name) ?? (objectType === 'any' ? anyMethod(name) : undefined);
    if (known) return this.error('forbidden', 'forbidden.methodNotCalled', node.property, { property: name });
    return this.error(objectType === 'any' ? 'forbidden' : 'type', 'forbidden.property', node.property, {
      property: name,
      type: objectType,
    });
  }

  private call(node: acorn.CallExpression, depth: number): ValueType {
    const callee = node.callee.type === 'ChainExpression' ? node.callee.expression : node.callee;
    if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') {
      // Report what is wrong inside the callee first (`(() => 1)()` is about the function).
      const before = this.errors.length;
      this.check(callee, depth + 1);
      return this.errors.length > before ? 'any' : this.error('forbidden', 'forbidden.call', node.callee);
    }
    const name = callee.property.name;
    let spec: MethodSpec | 'variadic' | undefined;
    let owner: ValueType | 'Math';
    if (callee.object.type === 'Identifier' && callee.object.name === 'Math' && !this.fields.has('Math')) {
      spec = own(MATH_FUNCTIONS, name);
      owner = 'Math';
    } else {
      owner = this.check(callee.object, depth + 1);
      spec = own(METHODS[owner], name) ?? (owner === 'any' ? anyMethod(name) : undefined);
    }
    if (!spec)
      return this.error(owner === 'any' ? 'forbidden' : 'type', 'forbidden.property', callee.property, {
        property: name,
        type: owner,
      });
    const args = node.arguments.map((a) => (a.type === 'SpreadElement' ? this.check(a, depth + 1) : this.check(a, depth + 1)));
    if (spec === 'variadic') {
      if (!args.length) return this.error('type', 'type.arity', node, { name, count: 1 });
      args.forEach((t, i) => {
        if (!numeric(t))
          this.error('type', 'type.argument', node.arguments[i]!, { name, index: i + 1, expected: 'number', actual: t });
      });
      return 'number';
    }
    const required = spec.required ?? spec.args.length;
    if (args.length < required || args.length > spec.args.length) {
      return this.error('type', 'type.arity', node, { name, count: required });
    }
    args.forEach((t, i) => {
      const expected = spec.args[i]!;
      if (!assignable(t, expected) && !(expected === 'string' && t === 'date')) {
        this.error('type', 'type.argument', node.arguments[i]!, { name, index: i + 1, expected, actual: t });
      }
    });
    return spec.returns;
  }
}

function numeric(type: ValueType): boolean {
  return type === 'number' || type === 'any' || type === 'null';
}

function join(a: ValueType, b: ValueType): ValueType {
  if (a === b) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  return 'any';
}

function anyMethod(name: string): MethodSpec | undefined {
  for (const table of Object.values(METHODS)) {
    if (table && Object.hasOwn(table, name)) return { ...table[name]!, args: table[name]!.args.map(() => 'any') };
  }
  return undefined;
}

// Own keys only: `constructor` or `__proto__` must never be found through a table's prototype.
function own<T>(table: Record<string, T> | undefined, name: string): T | undefined {
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}
