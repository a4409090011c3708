import { compileFormula, evaluateBatch } from '../../rules/runtime.server';
import { AGGREGATE_SCOPE, type AgentAggregate, formulaRow } from './metrics';
import type { SchemeConfig } from './scheme-schema';
import { type Breakdown, scoreBuiltIn, scoreTerms, type TermResult } from './scoring';

type Figures = Omit<AgentAggregate, 'agentId'>;

/**
 * Breakdowns for many agents at once. Built-in kinds are plain arithmetic; a custom formula's
 * terms run in the rule sandbox, one batch per term over all agents (as assignment formulas do).
 */
export async function scoreMany(config: SchemeConfig, figures: Figures[]): Promise<Breakdown[]> {
  if (config.kind !== 'formula') return figures.map((f) => scoreBuiltIn(config, f));
  const rows = figures.map(formulaRow);
  const perTerm = await Promise.all(
    config.terms.map(async (term): Promise<Omit<TermResult, 'points'>[]> => {
      const compiled = compileFormula(term.formula, AGGREGATE_SCOPE, 'number');
      if (!compiled.ok)
        return rows.map(() => ({ label: term.label, value: null, weight: term.weight, error: compiled.errors[0] }));
      const { results, errors } = await evaluateBatch<number>(compiled.value, rows);
      return rows.map((_, i) => {
        const value = results[i];
        const ok = typeof value === 'number' && Number.isFinite(value);
        return {
          label: term.label,
          value: ok ? value : null,
          weight: term.weight,
          ...(errors[i] ? { error: errors[i]! } : {}),
        };
      });
    }),
  );
  return figures.map((_, i) =>
    scoreTerms(
      config,
      perTerm.map((terms) => terms[i]!),
    ),
  );
}
