/**
 * Online estimates for the predictive pacer (pure, no I/O): when and how often dials are answered
 * by a person, and how long an agent stays busy (talk + wrap-up). Both forget old data at a rate
 * counted in observations, so a big team adapts in seconds and a small one is not thrown by noise.
 */

/** Ring ages are counted in whole seconds; nothing rings longer than this. */
export const MAX_RING_SEC = 64;
/** Busy durations beyond this are lumped into the last bin (and handled by the tail rule). */
const MAX_BUSY_SEC = 2400;

/**
 * Discrete-time hazards of a dial by ring age: at each second of ringing, the chance it ends now
 * and the chance a person answers now. Calls still ringing count as survivors (censored data), so
 * the first seconds of a campaign are not biased towards fast outcomes like busy signals.
 */
export class RingModel {
  private readonly atRisk = new Float64Array(MAX_RING_SEC);
  private readonly ended = new Float64Array(MAX_RING_SEC);
  private readonly human = new Float64Array(MAX_RING_SEC);
  private weight = 1;
  private readonly growth: number;
  /** P(a person answers within k seconds of the dial), k = 0..MAX_RING_SEC. */
  readonly cumHuman = new Float64Array(MAX_RING_SEC + 1);
  /** P(still ringing after k seconds), k = 0..MAX_RING_SEC. */
  readonly survival = new Float64Array(MAX_RING_SEC + 1);

  constructor(halfLifeCalls: number) {
    this.growth = 2 ** (1 / halfLifeCalls);
    // Prior: ten imagined dials, six answered by a person between 4 and 19 s, four unanswered at
    // 26 s. It covers every ring age (ages with no data yet keep the prior's hazards instead of
    // looking like "nobody answers this late"), leans to the careful side (many answers), and is
    // washed out after a few dozen real outcomes.
    const prior: [number, number, boolean][] = [];
    for (let a = 4; a < 20; a++) prior.push([a, 6 / 16, true]);
    prior.push([26, 4, false]);
    for (const [age, w, human] of prior) {
      for (let i = 0; i <= age; i++) this.atRisk[i]! += w;
      this.ended[age]! += w;
      if (human) this.human[age]! += w;
    }
  }

  /** A dial ended (answered or failed) after ringing `ageSec`. */
  observe(ageSec: number, human: boolean): void {
    const a = Math.min(MAX_RING_SEC - 1, Math.max(0, Math.floor(ageSec)));
    const w = this.weight;
    for (let i = 0; i <= a; i++) this.atRisk[i]! += w;
    this.ended[a]! += w;
    if (human) this.human[a]! += w;
    this.weight *= this.growth;
    if (this.weight > 1e6) {
      for (const arr of [this.atRisk, this.ended, this.human]) for (let i = 0; i < arr.length; i++) arr[i]! /= this.weight;
      this.weight = 1;
    }
  }

  /** Effective number of dials behind the estimate (old ones count less). */
  get sampleSize(): number {
    return this.atRisk[0]! / this.weight;
  }

  /**
   * Recompute `cumHuman` and `survival`; `ringingOlderThan[a]` is the number of calls still ringing
   * that have already survived age a (censored observations, weighted as the newest data).
   */
  refresh(ringingOlderThan: ArrayLike<number>): void {
    let surv = 1;
    let cum = 0;
    this.survival[0] = 1;
    this.cumHuman[0] = 0;
    for (let a = 0; a < MAX_RING_SEC; a++) {
      const risk = this.atRisk[a]! + (ringingOlderThan[a] ?? 0) * this.weight;
      const h = risk > 0 ? this.ended[a]! / risk : 0;
      const hh = risk > 0 ? this.human[a]! / risk : 0;
      cum += surv * hh;
      surv *= 1 - h;
      this.cumHuman[a + 1] = cum;
      this.survival[a + 1] = surv;
    }
  }

  /** P(a person answers | dial), after refresh(). */
  get humanRate(): number {
    return this.cumHuman[MAX_RING_SEC]!;
  }
}

/**
 * Busy durations (talk + wrap-up, seconds) as a decayed histogram with one-second bins. Agents
 * still busy count as survivors (censored), so the first calls to end, the short ones, do not
 * make the pacer believe every call is short.
 */
export class BusyModel {
  private readonly counts = new Float64Array(MAX_BUSY_SEC + 1);
  private total = 0;
  private sum = 0;
  private weight = 1;
  private readonly growth: number;
  private readonly cdf = new Float64Array(MAX_BUSY_SEC + 2);

  constructor(halfLifeCalls: number) {
    this.growth = 2 ** (1 / halfLifeCalls);
    // Prior: a few long calls. Until real ones are seen, busy agents are not expected to free up
    // soon, so the pacer does not dial ahead for them on a guess.
    for (const d of [300, 450, 600, 900]) this.add(d, 1);
  }

  private add(durationSec: number, w: number) {
    const b = Math.min(MAX_BUSY_SEC, Math.max(0, Math.floor(durationSec)));
    this.counts[b]! += w;
    this.total += w;
    this.sum += w * durationSec;
  }

  observe(durationSec: number): void {
    this.add(durationSec, this.weight);
    this.weight *= this.growth;
    if (this.weight > 1e6) {
      for (let i = 0; i < this.counts.length; i++) this.counts[i]! /= this.weight;
      this.total /= this.weight;
      this.sum /= this.weight;
      this.weight = 1;
    }
  }

  get meanSec(): number {
    return this.sum / this.total;
  }

  /** Recompute the distribution (product-limit) with the agents busy now for `elapsedSec`. */
  refresh(elapsedSec: readonly number[]): void {
    const censored = new Float64Array(MAX_BUSY_SEC + 2);
    for (const e of elapsedSec) censored[Math.min(MAX_BUSY_SEC + 1, Math.max(0, Math.floor(e)))]! += this.weight;
    // At risk at bin b: durations ending at b or later, and agents busy for longer than b.
    let endedLater = this.total;
    let busyLonger = 0;
    for (let b = 0; b <= MAX_BUSY_SEC + 1; b++) busyLonger += censored[b]!;
    let surv = 1;
    for (let b = 0; b <= MAX_BUSY_SEC; b++) {
      this.cdf[b] = 1 - surv;
      busyLonger -= censored[b]!;
      const risk = endedLater + busyLonger;
      if (risk > 0) surv *= 1 - this.counts[b]! / risk;
      endedLater -= this.counts[b]!;
    }
    this.cdf[MAX_BUSY_SEC + 1] = 1;
  }

  /** P(the agent is free within `withinSec` | busy for `elapsedSec` already), after refresh(). */
  freeWithin(elapsedSec: number, withinSec: number): number {
    const e = Math.min(MAX_BUSY_SEC, Math.max(0, Math.floor(elapsedSec)));
    const surv = 1 - this.cdf[e]!;
    // Past everything seen so far: a long call, assume it ends at the average rate.
    if (surv < 0.02) return 1 - Math.exp(-withinSec / Math.max(60, this.meanSec));
    const end = Math.min(MAX_BUSY_SEC + 1, e + Math.max(0, Math.round(withinSec)));
    return (this.cdf[end]! - this.cdf[e]!) / surv;
  }
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf; error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y =
    1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
