/** Seeded randomness for the pacing simulator: every run with the same seed is the same run. */
export type Rng = () => number;

export { seededRng } from '../../app/utils/seeded-random';

export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

export function standardNormal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given mean and shape: long-tailed like real talk times. */
export function logNormal(rng: Rng, mean: number, sigma: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * standardNormal(rng));
}

/** Gamma with integer shape k (sum of k exponentials) and the given mean. */
export function erlang(rng: Rng, k: number, mean: number): number {
  let sum = 0;
  for (let i = 0; i < k; i++) sum -= Math.log(1 - rng());
  return (sum * mean) / k;
}
