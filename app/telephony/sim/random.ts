/**
 * Seeded randomness for the simulator. Each call draws from its own stream derived from
 * (seed, call id), so a call's fate does not depend on what other calls did or in which order
 * the dialer sent them: same seed and same ids → same outcomes.
 */

import { seededRng } from '../../utils/seeded-random';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** 32-bit hash of a string (cyrb53's mixing, folded), for deriving stream seeds. */
export function hash32(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** A seeded stream (mulberry32, app/utils/seeded-random.ts). */
export function rng(seed: number): Rng {
  return { next: seededRng(seed) };
}

/** A stream for one purpose, e.g. `streamFor(seed, 'call', callId)`. */
export function streamFor(seed: string | number, ...keys: string[]): Rng {
  return rng(hash32([String(seed), ...keys].join('\u0000')));
}

export function uniform(r: Rng, min: number, max: number): number {
  return min + (max - min) * r.next();
}

/** Standard normal (Box–Muller). */
function normal(r: Rng): number {
  const u = 1 - r.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}

/**
 * Log-normal with the given mean: durations are positive and right-skewed, like ring and talk
 * times. `sigma` is the spread of the log (0.5 ≈ most values within half to twice the median).
 */
export function logNormal(r: Rng, mean: number, sigma = 0.6): number {
  if (mean <= 0) return 0;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * normal(r));
}

/** Picks a key of `weights` in proportion to its weight; undefined when all weights are 0. */
export function pick<K extends string>(r: Rng, weights: Partial<Record<K, number>>): K | undefined {
  const entries = Object.entries(weights) as [K, number | undefined][];
  const total = entries.reduce((s, [, w]) => s + Math.max(0, w ?? 0), 0);
  if (!(total > 0)) return undefined;
  let x = r.next() * total;
  for (const [k, w] of entries) {
    x -= Math.max(0, w ?? 0);
    if (x < 0) return k;
  }
  return entries.findLast(([, w]) => (w ?? 0) > 0)?.[0];
}
