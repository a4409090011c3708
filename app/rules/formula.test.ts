import { describe, expect, it } from 'vitest';
import { formatRuleError } from './errors';
import { checkFormula } from './formula';
import { AGENT_SCOPE, CONTACT_SCOPE } from './samples';

const errorsOf = (source: string, scope = CONTACT_SCOPE) => {
  const r = checkFormula(source, scope);
  return r.ok ? [] : r.errors;
};
const firstKey = (source: string, scope = CONTACT_SCOPE) => errorsOf(source, scope)[0]?.key;

describe('checkFormula', () => {
  it('accepts the formulas staff write and infers their type', () => {
    const score = checkFormula('success * 10 + talkMinutes * 0.5', AGENT_SCOPE);
    expect(score).toMatchObject({ ok: true, value: { type: 'number', variables: ['success', 'talkMinutes'] } });
    const segment = checkFormula("age >= 60 && tags.includes('VIP') ? 'senior' : 'standard'", CONTACT_SCOPE);
    expect(segment).toMatchObject({ ok: true, value: { type: 'string' } });
    expect(checkFormula("birthDate < '1960-01-01' || city?.startsWith('上') === true", CONTACT_SCOPE).ok).toBe(true);
    expect(checkFormula('Math.round(policyAmount / 1000) + Math.max(age, 18)', CONTACT_SCOPE).ok).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template literal is the formula under test
    expect(checkFormula('`${name} (${age})`', CONTACT_SCOPE).ok).toBe(true);
    expect(checkFormula('tags.length > 0 ? tags[0] : null', CONTACT_SCOPE).ok).toBe(true);
  });

  it('names an unknown variable, suggests the closest one, and gives its position', () => {
    const [error] = errorsOf('success * 10 + talkMinute * 0.5', AGENT_SCOPE);
    expect(error).toMatchObject({
      kind: 'unknownVariable',
      key: 'unknownVariable.suggest',
      params: { name: 'talkMinute', suggestion: 'talkMinutes' },
      line: 1,
      column: 16,
      from: 15,
      to: 25,
    });
    expect(formatRuleError(error!, 'en')).toBe('unknown variable `talkMinute` — did you mean `talkMinutes`? (line 1, column 16)');
    expect(formatRuleError(error!, 'zh-CN')).toContain('未知变量 `talkMinute`');
  });

  it('reports syntax errors with line and column', () => {
    const [error] = errorsOf('age >\n  * 3');
    expect(error).toMatchObject({ kind: 'syntax', key: 'syntax.unexpectedToken', line: 2, column: 3 });
    expect(firstKey("name == 'x")).toBe('syntax.unterminatedString');
    expect(firstKey('age; city')).toBe('syntax.onlyExpression');
    expect(firstKey('')).toBe('syntax.empty');
  });

  it.each([
    ['age = 3', 'forbidden.assignment'],
    ['age++', 'forbidden.assignment'],
    ['(() => 1)()', 'forbidden.function'],
    ['function f() { return 1 }', 'forbidden.function'],
    ['new Date()', 'forbidden.new'],
    ['this', 'forbidden.this'],
    ['String.raw`x`', 'forbidden.taggedTemplate'],
    ["import('fs')", 'forbidden.import'],
    ['(age, city)', 'forbidden.sequence'],
    ['({ a: 1 })', 'forbidden.object'],
    ['/a+/.test(name)', 'forbidden.regex'],
    ["name.constructor.constructor('return process')()", 'forbidden.property'],
    ['name.__proto__', 'forbidden.property'],
    ["name['constructor']", 'forbidden.computed'],
    ["'a'.repeat(1e9)", 'forbidden.property'],
    ['globalThis', 'unknownVariable.plain'],
    ['process', 'unknownVariable.plain'],
    ['require', 'unknownVariable.plain'],
    ['fetch', 'unknownVariable.plain'],
    ['eval', 'unknownVariable.plain'],
    ['Function', 'unknownVariable.plain'],
    ["Math.constructor('x')", 'forbidden.property'],
    ['delete tags', 'forbidden.operator'],
    ["'x' in tags", 'forbidden.operator'],
    ['tags.includes', 'forbidden.methodNotCalled'],
    ['while (true) {}', 'syntax.onlyExpression'],
  ])('refuses %s', (source, key) => {
    expect(firstKey(source)).toBe(key);
  });

  it('checks types at save time', () => {
    expect(errorsOf('birthDate > 5')[0]).toMatchObject({
      kind: 'type',
      key: 'type.compare',
      params: { left: 'date', right: 'number' },
    });
    expect(firstKey('birthDate + 1')).toBe('type.operands');
    expect(firstKey("age * 'x'")).toBe('type.operands');
    expect(firstKey('tags > 3')).toBe('type.compare');
    expect(firstKey('age.includes(3)')).toBe('forbidden.property');
    expect(firstKey("Math.round('a')")).toBe('type.argument');
    expect(firstKey("birthDate < 'yesterday'")).toBe('type.compare');
    expect(checkFormula('age + 1', CONTACT_SCOPE, 'boolean')).toMatchObject({ ok: false, errors: [{ key: 'type.result' }] });
  });
});
