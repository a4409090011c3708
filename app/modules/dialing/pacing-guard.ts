/**
 * The abandon side of predictive pacing (pure): a risk limit for the next dial that is steered by
 * the abandons actually seen, over the campaign, the last hour and the last few dozen answers.
 */

import { normalCdf } from './pacing-model';

/** What the pacer aims at, as a share of the target: the rest is the margin for bad luck. */
const AIM_SHARE = 0.8;
/** Each rolling hour is steered under this share of the target (3.75 % at 3 %; the bar is 5 %). */
const HOUR_LIMIT_SHARE = 1.25;
const HOUR_MS = 3_600_000;

export type GuardReason = 'hour-guard' | 'abandon-guard' | null;

export class AbandonControl {
  private logRisk = Math.log(0.045);
  private aim: number;
  private readonly hourLimit: number;
  humanAnswers = 0;
  abandons = 0;
  /** Outcomes of the last hour's human answers: time (ms) and whether it was abandoned. */
  private readonly hour: { at: number; abandoned: boolean }[] = [];
  private hourHead = 0;
  private hourAbandons = 0;
  /** Abandon share over roughly the last 30 answers. */
  private recent = 0;
  private firstAt: number | null = null;

  constructor(readonly target: number) {
    this.aim = target * AIM_SHARE;
    this.hourLimit = target * HOUR_LIMIT_SHARE;
  }

  /** A human answer reached an agent (abandoned=false) or nobody (abandoned=true). */
  outcome(at: number, abandoned: boolean): void {
    this.humanAnswers++;
    this.firstAt ??= at;
    if (abandoned) this.abandons++;
    this.hour.push({ at, abandoned });
    if (abandoned) this.hourAbandons++;
    this.recent += ((abandoned ? 1 : 0) - this.recent) / 30;
    // Integral control on the campaign's abandon budget (a stochastic-approximation step): each
    // connect loosens the limit a little, each abandon tightens it a lot; they balance at the aim.
    const step = 0.08;
    this.logRisk += abandoned ? -step * (1 - this.aim) : step * this.aim;
    this.logRisk = Math.min(Math.log(0.35), Math.max(Math.log(0.003), this.logRisk));
  }

  private trim(now: number) {
    while (this.hourHead < this.hour.length && this.hour[this.hourHead]!.at <= now - HOUR_MS) {
      if (this.hour[this.hourHead]!.abandoned) this.hourAbandons--;
      this.hourHead++;
    }
    if (this.hourHead > 4096) {
      this.hour.splice(0, this.hourHead);
      this.hourHead = 0;
    }
  }

  /** Human answers per hour lately (the last hour, or since the first answer if that is later). */
  answersPerHour(now: number): number {
    this.trim(now);
    if (this.firstAt === null) return 0;
    const span = Math.min(HOUR_MS, Math.max(5 * 60_000, now - this.firstAt));
    return ((this.hour.length - this.hourHead) * HOUR_MS) / span;
  }

  /** The largest acceptable chance that the next dial's answer finds no agent, and what (if anything) is holding it down. */
  riskLimit(now: number): { risk: number; reason: GuardReason } {
    const answersPerHour = this.answersPerHour(now);
    // Few answers an hour (a small team) make every hour's rate noisy: aim lower so that the worst
    // hour stays under the bar, not only the average one.
    if (answersPerHour > 0) {
      this.aim = Math.min(this.target * AIM_SHARE, this.target - 0.8 * Math.sqrt(this.target / answersPerHour));
    }
    let risk = Math.exp(this.logRisk);
    let reason: GuardReason = null;
    // The rolling hour: the abandons already in it stay there for up to an hour, so as they use up
    // the hour's allowance the pacer backs off, down to almost progressive when it is spent.
    const answersInHour = Math.max(this.hour.length - this.hourHead, answersPerHour, 50);
    const used = (this.hourAbandons + 0.5) / (this.hourLimit * answersInHour);
    if (used > 0.5) {
      const factor = used >= 1 ? 0.02 : Math.max(0.02, ((1 - used) / 0.5) ** 2);
      risk *= factor;
      if (factor < 0.5) reason = 'hour-guard';
    }
    // A burst of recent abandons (answer rate jumped, agents left): cut hard until it calms down.
    if (this.recent > 2 * this.target) {
      const factor = Math.max(0.05, ((2 * this.target) / this.recent) ** 2);
      risk *= factor;
      if (factor < 0.5 && !reason) reason = 'abandon-guard';
    }
    return { risk, reason };
  }

  get campaignRate(): number | null {
    return this.humanAnswers ? this.abandons / this.humanAnswers : null;
  }

  hourRate(now: number): number | null {
    this.trim(now);
    const n = this.hour.length - this.hourHead;
    return n ? this.hourAbandons / n : null;
  }
}

/**
 * How many dials may start now so that the chance the last of them finds no agent when a person
 * answers stays under `risk`. Per second k after the dial: agents free by then (mean and variance
 * of the supply, counting the 2 s an answered call may wait) against answers before it from calls
 * already ringing (demand) and from the other new dials (`newHuman[k]`: chance a new dial is
 * answered by a person in second k). Normal approximation of supply minus demand.
 */
export function launchesWithinRisk(
  f: { supplyMean: Float64Array; supplyVar: Float64Array; demandMean: Float64Array; demandVar: Float64Array },
  newHuman: Float64Array,
  room: number,
  risk: number,
): number {
  const horizon = newHuman.length;
  let p = 0;
  for (let k = 0; k < horizon; k++) p += newHuman[k]!;
  if (p <= 0 || room <= 0) return 0;
  const answeredBy = new Float64Array(horizon);
  let c = 0;
  for (let k = 0; k < horizon; k++) {
    c += newHuman[k]!;
    answeredBy[k] = c;
  }
  const abandonChance = (others: number) => {
    let s = 0;
    for (let k = 0; k < horizon; k++) {
      const g = newHuman[k]!;
      if (g <= 0) continue;
      const F = answeredBy[k]!;
      const mean = f.supplyMean[k]! - f.demandMean[k]! - others * F;
      const sd = Math.sqrt(f.supplyVar[k]! + f.demandVar[k]! + others * F * (1 - F) + 0.05);
      s += g * normalCdf((0.5 - mean) / sd);
    }
    return s / p;
  };
  // Smallest number of other dials at which one more would be too risky (monotone in others).
  let lo = 0;
  let hi = room;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (abandonChance(mid) > risk) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
