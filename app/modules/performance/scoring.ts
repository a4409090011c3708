import type { RuleError } from '../../rules/types';
import type { AgentAggregate } from './metrics';
import { KIND_METRIC, type SchemeConfig, type Tier, type TierMode } from './scheme-schema';

// Scoring, pure: term values × weights make the weighted total; tier bands (if any) turn the
// total into the score. The breakdown keeps every step so an agent can see how the score came.

export interface TermResult {
  /** The user's label (formula terms) or the metric a built-in kind scores. */
  label: string;
  metric?: string;
  value: number | null;
  weight: number;
  points: number;
  error?: RuleError;
}

export interface TierStep extends Tier {
  /** Marginal: the part of the total inside the band; whole: the total, in the band it reached. */
  amount: number;
  points: number;
}

export interface Breakdown {
  terms: TermResult[];
  total: number;
  tierMode: TierMode;
  tiers: TierStep[];
  score: number;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** The value a built-in kind scores for an agent's figures. */
export function builtInValue(kind: Exclude<SchemeConfig['kind'], 'formula'>, figures: Omit<AgentAggregate, 'agentId'>): number {
  const metric = KIND_METRIC[kind];
  if (metric === 'successes') return figures.successes;
  if (metric === 'talkMinutes') return round2(figures.talkSec / 60);
  return figures.salesAmount;
}

/**
 * Tier bands over a total. Marginal: each band's rate applies to the part of the total inside it
 * (like income tax). Whole: the rate of the band the total reached applies to all of it.
 * A total at or under zero takes no band: it is the score as it is.
 */
export function applyTiers(total: number, tiers: Tier[], mode: TierMode): { steps: TierStep[]; score: number } {
  if (tiers.length === 0) return { steps: [], score: round2(total) };
  if (total <= 0) return { steps: [], score: round2(total) };
  if (mode === 'whole') {
    const band = tiers.find((t) => total >= t.from && (t.to === null || total < t.to)) ?? tiers[tiers.length - 1]!;
    const points = round2((total * band.rate) / 100);
    return { steps: [{ ...band, amount: round2(total), points }], score: points };
  }
  const steps: TierStep[] = [];
  for (const band of tiers) {
    if (total <= band.from) break;
    const amount = (band.to === null ? total : Math.min(total, band.to)) - band.from;
    steps.push({ ...band, amount: round2(amount), points: round2((amount * band.rate) / 100) });
  }
  return { steps, score: round2(steps.reduce((sum, s) => sum + (s.amount * s.rate) / 100, 0)) };
}

/** The breakdown from term values (a null value, e.g. a formula that failed for this agent, gives no points). */
export function scoreTerms(config: SchemeConfig, terms: Omit<TermResult, 'points'>[]): Breakdown {
  const scored = terms.map((t) => ({ ...t, points: t.value === null ? 0 : round2(t.value * t.weight) }));
  const total = round2(scored.reduce((sum, t) => sum + (t.value === null ? 0 : t.value * t.weight), 0));
  const { steps, score } = applyTiers(total, config.tiers, config.tierMode);
  return { terms: scored, total, tierMode: config.tierMode, tiers: steps, score };
}

/** A built-in kind's breakdown, computed without the sandbox. */
export function scoreBuiltIn(config: SchemeConfig, figures: Omit<AgentAggregate, 'agentId'>): Breakdown {
  if (config.kind === 'formula') throw new Error('formula schemes are evaluated in the sandbox');
  const metric = KIND_METRIC[config.kind];
  return scoreTerms(config, [{ label: metric, metric, value: builtInValue(config.kind, figures), weight: config.weight }]);
}

/** Rank by score, highest first; equal scores share a rank (1, 2, 2, 4). */
export function rankByScore<T extends { score: number }>(rows: T[]): (T & { rank: number })[] {
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  return sorted.map((row, i) => {
    let first = i;
    while (first > 0 && sorted[first - 1]!.score === row.score) first--;
    return { ...row, rank: first + 1 };
  });
}
