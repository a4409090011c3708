import { createHash } from 'node:crypto';
import { type Condition, checkCondition, conditionVariables } from './condition';
import { conditionToJs } from './condition-js';
import { ruleError } from './errors';
import { checkFormula, type ValueType } from './formula';
import { type SandboxFailure, type SandboxPool, type SandboxValue, sandboxPool } from './sandbox/pool.server';
import { wrapRule } from './sandbox/prelude';
import type { Compiled, RuleError, RuleScope, ScopeRow } from './types';

// The public server API of the rule runtime: compile once (validate, type-check, wrap), then
// evaluate in batches in the sandbox pool. See docs/rules.md.

/** A rule ready to run: immutable, cheap to keep (modules may cache it next to the saved rule). */
export interface CompiledRule {
  kind: 'formula' | 'condition';
  /** sha256 of the sandbox source; the sandbox caches compiled scripts under it. */
  id: string;
  /** The JavaScript expression over the scope variables (validated formula or generated condition). */
  body: string;
  /** The sandbox script wrapping `body`. */
  source: string;
  variables: string[];
  type: ValueType;
}

export interface BatchResult<T = unknown> {
  /** One entry per row; `null` where the row failed. */
  results: (T | null)[];
  /** One entry per row; `null` where the row succeeded. */
  errors: (RuleError | null)[];
}

function compiled(kind: CompiledRule['kind'], body: string, variables: string[], type: ValueType): CompiledRule {
  const source = wrapRule(body, variables);
  return { kind, id: createHash('sha256').update(source).digest('hex'), body, source, variables, type };
}

/** Validates a formula against its scope and prepares it for the sandbox. Call on save and before running. */
export function compileFormula(source: string, scope: RuleScope, expect?: ValueType): Compiled<CompiledRule> {
  const checked = checkFormula(source, scope, expect);
  if (!checked.ok) return checked;
  return { ok: true, value: compiled('formula', checked.value.source, checked.value.variables, checked.value.type) };
}

/** Validates a condition (JSON from the builder) against its scope and prepares it for the sandbox. */
export function compileCondition(condition: unknown, scope: RuleScope): Compiled<CompiledRule & { condition: Condition }> {
  const checked = checkCondition(condition, scope);
  if (!checked.ok) return checked;
  const rule = compiled('condition', conditionToJs(checked.value), conditionVariables(checked.value), 'boolean');
  return { ok: true, value: { ...rule, condition: checked.value } };
}

/**
 * Runs raw JavaScript in the sandbox, bypassing every validator. Only for the runtime's own
 * tests and for code the runtime generated itself; never for text a user typed.
 */
export function unsafeRawRule(body: string, variables: string[]): CompiledRule {
  return compiled('formula', body, variables, 'any');
}

export function sandboxError(failure: SandboxFailure, options = sandboxPool().options): RuleError {
  const detail = failure.message;
  switch (failure.$error) {
    case 'timeout':
      return ruleError('timeout', 'timeout', { ms: options.timeLimitMs });
    case 'memory':
      return ruleError('memory', 'memory.limit', { mb: options.memoryMb });
    case 'crashed':
      return ruleError('memory', 'memory.crashed');
    case 'tooLarge':
      return ruleError('memory', 'memory.resultTooLarge');
    case 'stack':
      return ruleError('runtime', 'runtime.stackOverflow');
    case 'unknownVariable':
      return ruleError('unknownVariable', 'unknownVariable.runtime', { detail });
    case 'notFinite':
      return ruleError('runtime', 'runtime.notFinite', { value: detail });
    case 'resultType':
      return ruleError('type', 'runtime.resultType', { type: detail });
    case 'syntax':
      return ruleError('syntax', 'syntax.generic', { detail });
    default:
      return ruleError('runtime', 'runtime.generic', { detail });
  }
}

function isFailure(value: SandboxValue): value is SandboxFailure {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Evaluates a compiled rule over many rows in the sandbox. Rows are plain JSON data (dates as
 * `YYYY-MM-DD` strings); results are copied out as plain data. A failing row never fails the batch.
 */
export async function evaluateBatch<T = unknown>(
  rule: CompiledRule,
  rows: ScopeRow[],
  pool: SandboxPool = sandboxPool(),
): Promise<BatchResult<T>> {
  const values = await pool.evaluate(rule, rows);
  const results: (T | null)[] = new Array(values.length);
  const errors: (RuleError | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (isFailure(value)) {
      results[i] = null;
      errors[i] = sandboxError(value, pool.options);
    } else {
      results[i] = value as T;
      errors[i] = null;
    }
  }
  return { results, errors };
}

/** One evaluation (the "test" panel, a single contact): the value, or the error. */
export async function evaluate<T = unknown>(
  rule: CompiledRule,
  row: ScopeRow,
  pool?: SandboxPool,
): Promise<{ ok: true; value: T | null } | { ok: false; error: RuleError }> {
  const { results, errors } = await evaluateBatch<T>(rule, [row], pool);
  return errors[0] ? { ok: false, error: errors[0] } : { ok: true, value: results[0] ?? null };
}

/** Which rows a condition matches; a row whose evaluation failed does not match. */
export async function matchRows(rule: CompiledRule, rows: ScopeRow[], pool?: SandboxPool): Promise<boolean[]> {
  const { results } = await evaluateBatch<boolean>(rule, rows, pool);
  return results.map((r) => r === true);
}

export { closeSandboxPool, DEFAULT_SANDBOX_OPTIONS, SandboxPool, sandboxPool } from './sandbox/pool.server';
