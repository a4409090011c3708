import type { CallCentre } from './sim';

/** Piecewise-linear answer rate through a shift: [second, human answers per dial] points. */
export function drift(points: [number, number][]): (tSec: number) => number {
  return (t) => {
    if (t <= points[0]![0]) return points[0]![1];
    for (let i = 1; i < points.length; i++) {
      const [t1, p1] = points[i]!;
      const [t0, p0] = points[i - 1]!;
      if (t <= t1) return t1 === t0 ? p1 : p0 + ((p1 - p0) * (t - t0)) / (t1 - t0);
    }
    return points[points.length - 1]![1];
  };
}

const HOUR = 3600;

/**
 * The bench's call centres. `scale` shortens the shift (tests use a fraction; events keep their
 * share of the shift), so the same scenarios run in seconds under Vitest.
 */
export function scenarios(scale = 1): CallCentre[] {
  const shift = Math.round(4 * HOUR * scale);
  const at = (share: number) => Math.round(shift * share);
  const base = { shiftSec: shift, machineRate: 0.08, talkSigma: 0.8, wrapMeanSec: 15 };
  const out: CallCentre[] = [];
  for (const [team, agents] of [
    ['small', 5],
    ['large', 150],
  ] as const) {
    for (const rate of [0.1, 0.3, 0.6]) {
      out.push({
        ...base,
        name: `${team}-${agents}-answer-${Math.round(rate * 100)}`,
        agents,
        seed: agents * 1000 + Math.round(rate * 100),
        humanRate: () => rate,
        talkMeanSec: rate === 0.3 ? 120 : rate === 0.1 ? 90 : 180,
      });
    }
    // Answer rate drifting through the day, then jumping back up.
    out.push({
      ...base,
      name: `${team}-${agents}-drift-35-15-40`,
      agents,
      seed: agents * 1000 + 7,
      humanRate: drift([
        [0, 0.35],
        [at(0.2), 0.35],
        [at(0.45), 0.15],
        [at(0.6), 0.15],
        [at(0.6) + 60, 0.4],
      ]),
      talkMeanSec: 120,
    });
    // A group (a fifth of the team, at least 2) pauses twice for a briefing and a break, then returns.
    const group = Math.max(2, Math.round(agents / 5));
    out.push({
      ...base,
      name: `${team}-${agents}-group-pause`,
      agents,
      seed: agents * 1000 + 11,
      humanRate: () => 0.3,
      talkMeanSec: 120,
      pauses: [
        { atSec: at(0.3), agents: group, forSec: Math.max(120, Math.round(900 * scale)) },
        { atSec: at(0.65), agents: group, forSec: Math.max(120, Math.round(600 * scale)) },
      ],
    });
  }
  return out;
}
