import { z } from 'zod';
import { checkFormula, MAX_FORMULA_LENGTH } from '../../rules/formula';
import type { RuleError } from '../../rules/types';
import { AGGREGATE_SCOPE } from './metrics';

// A performance scheme's configuration and its validation (client-safe: the editor checks as
// the user types with the same code the server runs on save).

export const SCHEME_KINDS = ['successes', 'talkTime', 'sales', 'formula'] as const;
export type SchemeKind = (typeof SCHEME_KINDS)[number];
export const TIER_MODES = ['marginal', 'whole'] as const;
export type TierMode = (typeof TIER_MODES)[number];

const finite = z.number().finite();
export const TierSchema = z.object({ from: finite, to: finite.nullable(), rate: finite });
export type Tier = z.infer<typeof TierSchema>;

export const TermSchema = z.object({
  label: z.string().trim().max(60),
  formula: z.string().max(MAX_FORMULA_LENGTH),
  weight: finite,
});
export type FormulaTerm = z.infer<typeof TermSchema>;

export const SchemeConfigSchema = z.object({
  kind: z.enum(SCHEME_KINDS),
  /** Points per success, per talk minute or per unit of sales (built-in kinds). */
  weight: finite.default(1),
  /** The custom formula kind: weighted terms, each a formula over the agent's figures. */
  terms: z.array(TermSchema).max(12).default([]),
  /** Bands over the weighted total; `rate` in percent. Empty: the score is the weighted total. */
  tiers: z.array(TierSchema).max(20).default([]),
  tierMode: z.enum(TIER_MODES).default('marginal'),
  /** Whether agents see their rank (never others' figures). */
  showRank: z.boolean().default(false),
});
export type SchemeConfig = z.infer<typeof SchemeConfigSchema>;

export const SchemeInputSchema = z.object({
  id: z.string().uuid().optional(),
  name: z.string().trim().max(80),
  scopeKind: z.enum(['project', 'team']),
  projectId: z.string().uuid().nullable().default(null),
  skillGroupId: z.string().uuid().nullable().default(null),
  timeZone: z.string().min(1).max(64).default('Asia/Shanghai'),
  active: z.boolean().default(true),
  config: SchemeConfigSchema,
});
export type SchemeInput = z.infer<typeof SchemeInputSchema>;

/** A problem with a scheme: a translation key under `performance.errors.`, where it is, and for formulas the rule error. */
export interface SchemeProblem {
  field: string;
  key: string;
  params?: Record<string, string | number>;
  rule?: RuleError;
}

/** The metric a built-in kind scores, and how a raw figure becomes its value. */
export const KIND_METRIC: Record<Exclude<SchemeKind, 'formula'>, 'successes' | 'talkMinutes' | 'salesAmount'> = {
  successes: 'successes',
  talkTime: 'talkMinutes',
  sales: 'salesAmount',
};

export function validateTiers(tiers: Tier[]): SchemeProblem[] {
  const problems: SchemeProblem[] = [];
  tiers.forEach((tier, i) => {
    const n = i + 1;
    const field = `tiers.${i}`;
    if (i === 0 && tier.from !== 0) problems.push({ field: `${field}.from`, key: 'tierStart', params: { n } });
    if (tier.to === null && i < tiers.length - 1) problems.push({ field: `${field}.to`, key: 'tierOpenNotLast', params: { n } });
    if (tier.to !== null && tier.to <= tier.from) problems.push({ field: `${field}.to`, key: 'tierEmpty', params: { n } });
    if (tier.rate < 0) problems.push({ field: `${field}.rate`, key: 'tierRate', params: { n } });
    const prev = tiers[i - 1];
    if (prev && prev.to !== null && tier.from > prev.to)
      problems.push({ field: `${field}.from`, key: 'tierGap', params: { n, prev: n - 1, from: prev.to, to: tier.from } });
    if (prev && prev.to !== null && tier.from < prev.to)
      problems.push({ field: `${field}.from`, key: 'tierOverlap', params: { n, prev: n - 1, from: tier.from, to: prev.to } });
  });
  return problems;
}

/** Everything wrong with a scheme, each with its place; empty when it can be saved. */
export function validateScheme(input: SchemeInput): SchemeProblem[] {
  const problems: SchemeProblem[] = [];
  if (!input.name) problems.push({ field: 'name', key: 'nameRequired' });
  if (input.scopeKind === 'project' && !input.projectId) problems.push({ field: 'projectId', key: 'projectRequired' });
  if (input.scopeKind === 'team' && !input.skillGroupId) problems.push({ field: 'skillGroupId', key: 'teamRequired' });
  if (!isTimeZone(input.timeZone)) problems.push({ field: 'timeZone', key: 'timeZone', params: { zone: input.timeZone } });
  const { config } = input;
  if (config.kind === 'formula') {
    if (config.terms.length === 0) problems.push({ field: 'terms', key: 'termsRequired' });
    config.terms.forEach((term, i) => {
      if (!term.label) problems.push({ field: `terms.${i}.label`, key: 'termLabel', params: { n: i + 1 } });
      const checked = checkFormula(term.formula, AGGREGATE_SCOPE, 'number');
      if (!checked.ok) {
        for (const rule of checked.errors)
          problems.push({
            field: `terms.${i}.formula`,
            key: 'formula',
            params: { n: i + 1, line: rule.line ?? 1, column: rule.column ?? 1 },
            rule,
          });
      }
    });
  }
  problems.push(...validateTiers(config.tiers));
  return problems;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A new scheme's starting configuration for a kind (sales: the commission bands of the docs). */
export function defaultConfig(kind: SchemeKind): SchemeConfig {
  const base = { kind, weight: 1, terms: [], tiers: [], tierMode: 'marginal' as const, showRank: true };
  if (kind === 'sales')
    return {
      ...base,
      tiers: [
        { from: 0, to: 10_000, rate: 2 },
        { from: 10_000, to: 50_000, rate: 3 },
        { from: 50_000, to: null, rate: 4 },
      ],
    };
  if (kind === 'formula')
    return {
      ...base,
      terms: [
        { label: '成功', formula: 'successes', weight: 10 },
        { label: '接通率', formula: 'calls > 0 ? connects / calls * 100 : 0', weight: 0.5 },
        { label: '通话小时', formula: 'talkSeconds / 3600', weight: 5 },
      ],
    };
  return base;
}
