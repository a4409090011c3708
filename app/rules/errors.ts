import en from '../i18n/locales/rules/en.json';
import zhCN from '../i18n/locales/rules/zh-CN.json';
import type { RuleError, RuleErrorKind } from './types';

export class RuleFailure extends Error {
  constructor(readonly errors: RuleError[]) {
    super(errors.map((e) => e.key).join(', '));
    this.name = 'RuleFailure';
  }
}

export function ruleError(kind: RuleErrorKind, key: string, params?: RuleError['params'], at?: Partial<RuleError>): RuleError {
  return { kind, key, ...(params ? { params } : {}), ...at };
}

/** Position fields for the source span [from, to) of a one-line or multi-line source. */
export function spanOf(source: string, from: number, to = from + 1): Pick<RuleError, 'line' | 'column' | 'from' | 'to'> {
  const before = source.slice(0, from).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1, from, to: Math.max(to, from + 1) };
}

type Dict = { [k: string]: string | Dict };

function lookup(dict: Dict, key: string): string | undefined {
  let node: string | Dict | undefined = dict;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

const TYPE_PARAMS = new Set(['type', 'left', 'right', 'expected', 'actual']);

/**
 * A rule error as text through any translator: react-i18next's `t` in the browser (keys are
 * under `rules.`), or the dictionaries below on the server. Type names in params are translated too.
 */
export function ruleErrorText(
  error: RuleError,
  t: (key: string, params?: Record<string, string | number>) => string,
  prefix = 'rules.',
): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(error.params ?? {})) {
    params[name] = TYPE_PARAMS.has(name) && typeof value === 'string' ? t(`${prefix}types.${value}`) : value;
  }
  const text = t(`${prefix}errors.${error.key}`, params);
  return error.line ? `${text} (${t(`${prefix}errors.at`, { line: error.line, column: error.column ?? 1 })})` : text;
}

/** A rule error as text in a language, for server-side callers (logs, job results, API replies). */
export function formatRuleError(error: RuleError, language: string): string {
  const dict = (language === 'en' ? en : zhCN) as unknown as Dict;
  return ruleErrorText(
    error,
    (key, params) => (lookup(dict, key) ?? key).replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(params?.[name] ?? '')),
    '',
  );
}

/** Closest names for "did you mean": edit distance at most 2, or a third of the name. */
export function suggestName(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
