// When the chaos run kills: a process every 20–60 s (drawn from the seed). A run too short for
// four kills at that pace has its intervals scaled down in proportion, so that every run kills at
// least four times; PostgreSQL is restarted once, a little before the middle of the run.
import { seededRng } from '../../app/utils/seeded-random';

const MIN_MS = 20_000;
const MAX_MS = 60_000;
const AT_LEAST = 4;

export function chaosSchedule(runMs: number, seed: number) {
  const random = seededRng(seed * 7919 + 1);
  // The last 10 % of the run is left alone: the last process killed comes back before the drain.
  const window = runMs * 0.9;
  const gaps = Array.from({ length: 200 }, () => MIN_MS + random() * (MAX_MS - MIN_MS));
  const firstFew = gaps.slice(0, AT_LEAST).reduce((a, b) => a + b, 0);
  const factor = Math.min(1, window / firstFew);
  const kills: number[] = [];
  for (let i = 0, at = 0; i < gaps.length; i++) {
    at += (gaps[i] as number) * factor;
    if (at > window + 1) break;
    kills.push(Math.round(at));
  }
  return { kills, pgRestartAt: Math.round(runMs * 0.45), scaled: factor < 1, factor };
}
