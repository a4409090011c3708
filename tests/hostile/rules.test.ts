import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENT_SCOPE,
  CONTACT_SCOPE,
  checkCondition,
  checkFormula,
  ERROR_KINDS,
  formatRuleError,
  type RuleError,
  type RuleScope,
} from '../../app/rules';
import { compileCondition, compileFormula } from '../../app/rules/runtime.server';
import { fuzzOptions, hostileJson } from './fuzz';

// The formula parser and the condition checker get whatever a person (or a script posting to
// the API) types: they answer with errors that say what and where, and never throw.

const FORMULAS: [string, RuleScope][] = [
  ['success * 10 + talkMinutes * 0.5', AGENT_SCOPE],
  ["age >= 60 && tags.includes('VIP') ? 'senior' : 'standard'", CONTACT_SCOPE],
  ["birthDate < '1960-01-01' || city?.startsWith('上') === true", CONTACT_SCOPE],
  ['Math.round(policyAmount / 1000) + Math.max(age, 18)', CONTACT_SCOPE],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal is the formula under test
  ['`${name} (${age})`', CONTACT_SCOPE],
  ['tags.length > 0 ? tags[0] : null', CONTACT_SCOPE],
];

const TOKENS = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '`',
  '${',
  "'",
  '"',
  '\\',
  '/',
  '/*',
  '//',
  '=>',
  '.',
  '?.',
  '?',
  ':',
  ',',
  ';',
  '\n',
  '\u0000',
  '\uD800',
  '𠮷',
  ' ',
  'function',
  'this',
  'constructor',
  '__proto__',
  'import(',
  'new ',
  '1e999',
  '0x',
  '#',
  '@',
];

const edit = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', maxLength: 4 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 10 }),
    times: fc.integer({ min: 2, max: 50 }),
  }),
);

type Edit = { kind: 'insert' | 'delete' | 'repeat'; at: number; text?: string; length?: number; times?: number };

function applyEdits(source: string, edits: Edit[]): string {
  let out = source;
  for (const e of edits) {
    const at = out.length ? e.at % (out.length + 1) : 0;
    if (e.kind === 'insert') out = out.slice(0, at) + e.text + out.slice(at);
    else if (e.kind === 'delete') out = out.slice(0, at) + out.slice(at + (e.length ?? 1));
    else out = out.slice(0, at) + out.slice(at, at + (e.length ?? 1)).repeat(e.times ?? 2) + out.slice(at);
  }
  return out;
}

/** A formula error: a known kind, a translated text, and a place inside the source when it has one. */
function expectGoodFormulaError(error: RuleError, source: string) {
  expect(ERROR_KINDS).toContain(error.kind);
  expect(formatRuleError(error, 'en')).not.toContain(error.key);
  expect(formatRuleError(error, 'zh-CN')).not.toContain(error.key);
  // Only "empty" and "too long" are about the whole text; every other error points into it.
  if (error.key === 'syntax.empty' || error.key === 'syntax.tooLong') return;
  expect(error, JSON.stringify({ source, error })).toMatchObject({
    line: expect.any(Number),
    column: expect.any(Number),
    from: expect.any(Number),
    to: expect.any(Number),
  });
  expect(error.line).toBeGreaterThanOrEqual(1);
  expect(error.line).toBeLessThanOrEqual(source.split('\n').length);
  expect(error.column).toBeGreaterThanOrEqual(1);
  expect(error.from).toBeGreaterThanOrEqual(0);
  expect(error.from).toBeLessThanOrEqual(source.length);
  expect(error.to).toBeGreaterThan(error.from!);
  expect(error.to).toBeLessThanOrEqual(source.length + 1);
}

function expectFormulaHandled(source: string, scope: RuleScope) {
  const checked = checkFormula(source, scope);
  const compiled = compileFormula(source, scope);
  expect(compiled.ok).toBe(checked.ok);
  if (checked.ok) return;
  expect(checked.errors.length).toBeGreaterThan(0);
  for (const error of checked.errors) expectGoodFormulaError(error, source);
}

describe('the formula parser on hostile text', () => {
  it('random text never throws; every error is known, translated and placed within the source', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 })),
        (source) => expectFormulaHandled(source, CONTACT_SCOPE),
      ),
      fuzzOptions(200),
    );
  });

  it('mutations of valid formulas never throw; their errors point into the mutated text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FORMULAS), fc.array(edit, { minLength: 1, maxLength: 5 }), ([formula, scope], edits) =>
        expectFormulaHandled(applyEdits(formula, edits), scope),
      ),
      fuzzOptions(200),
    );
  });

  it('very long and deeply nested formulas are refused with an error, not a stack overflow', () => {
    for (const source of [`${'('.repeat(3000)}1${')'.repeat(3000)}`, `${'!'.repeat(3900)}optedIn`, `${'age + '.repeat(2000)}1`]) {
      expectFormulaHandled(source, CONTACT_SCOPE);
    }
  });
});

const VALID_CONDITION = {
  combinator: 'and',
  rules: [
    { field: 'age', operator: '>=', value: 60 },
    {
      combinator: 'or',
      not: true,
      rules: [
        { field: 'city', operator: 'in', value: ['上海', '北京'] },
        { field: 'optedIn', operator: '=', value: true },
      ],
    },
    { field: 'birthDate', operator: 'between', value: ['1950-01-01', '1970-12-31'] },
  ],
};

/** The node a condition error's path names, or undefined when the path leads nowhere. */
function nodeAt(condition: unknown, path: number[]): unknown {
  let node = condition;
  for (const index of path) node = (node as { rules?: unknown[] } | null)?.rules?.[index];
  return node;
}

/** Replaces the value at a random JSON path of `value` with `replacement`. */
function replaceAt(value: unknown, choices: number[], replacement: unknown): unknown {
  if (choices.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [choice, ...rest] = choices as [number, ...number[]];
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return replacement;
  const key = keys[choice % keys.length]!;
  (copy as Record<string, unknown>)[key] = replaceAt((copy as Record<string, unknown>)[key], rest, replacement);
  return copy;
}

function expectConditionHandled(input: unknown) {
  const checked = checkCondition(input, CONTACT_SCOPE);
  const compiled = compileCondition(input, CONTACT_SCOPE);
  expect(compiled.ok).toBe(checked.ok);
  if (checked.ok) return;
  expect(checked.errors.length).toBeGreaterThan(0);
  for (const error of checked.errors) {
    expect(ERROR_KINDS).toContain(error.kind);
    expect(formatRuleError(error, 'en')).not.toContain(error.key);
    // An error about one rule names it by its path, and the path leads to that rule.
    if (error.path) expect(nodeAt(input, error.path), JSON.stringify({ input, error })).toBeDefined();
  }
}

describe('the condition checker on hostile JSON', () => {
  it('random JSON never throws', () => {
    fc.assert(
      fc.property(hostileJson, (input) => expectConditionHandled(input)),
      fuzzOptions(200),
    );
  });

  it('a valid condition with any part replaced by a wrong value never throws; errors name the rule by path', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 5 }), hostileJson, (choices, replacement) =>
        expectConditionHandled(replaceAt(VALID_CONDITION, choices, replacement)),
      ),
      fuzzOptions(200),
    );
  });

  it('a condition nested 10 000 levels deep is refused as too deep', () => {
    let deep: unknown = { field: 'age', operator: '>=', value: 1 };
    for (let i = 0; i < 10_000; i++) deep = { combinator: 'and', rules: [deep] };
    const checked = checkCondition(deep, CONTACT_SCOPE);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.errors.map((e) => e.key)).toContain('condition.tooDeep');
  });
});
