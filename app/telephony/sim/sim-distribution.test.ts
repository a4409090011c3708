import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, outcomeProfile } from '../../../plugins/sim-carrier';
import type { HungUpEvent } from '../port';
import { simHarness } from './testing';

/** Classifies a finished call the way the profile counts it. */
function fateOf(e: HungUpEvent): string {
  if (e.answeredAt !== undefined) return e.machine ? 'machine' : 'answer';
  return { USER_BUSY: 'busy', NO_ANSWER: 'noAnswer', UNALLOCATED_NUMBER: 'invalid' }[e.cause] ?? e.cause;
}

describe('sim switch: outcomes over many calls follow the profile', () => {
  const n = 5000;
  // With n = 5000 a share's standard error is at most 0.007; 0.025 is over 3.5 of them.
  const tolerance = 0.025;

  for (const [name, profile] of [
    ['sim-carrier default', DEFAULT_PROFILE],
    ['low answer rate', outcomeProfile({ outcomeProfile: { answer: 0.12, busy: 0.08, noAnswer: 0.6, machine: 0.15 } })],
  ] as const) {
    it(name, async () => {
      const h = simHarness({ profile, seed: name, trunks: [{ id: 'trunk-a', capacity: n }] });
      const ends: HungUpEvent[] = [];
      h.sw.onEvent((e) => {
        if (e.type === 'hungUp') ends.push(e);
        if (e.type === 'answered') void h.sw.hangup(e.callId); // the dialer drops what it does not need
      });
      for (let i = 0; i < n; i++) await h.sw.originate(h.request({ timeoutSec: 60 }));
      h.clock.advance(3_600_000);
      expect(ends).toHaveLength(n);
      const counts: Record<string, number> = {};
      for (const e of ends) counts[fateOf(e)] = (counts[fateOf(e)] ?? 0) + 1;
      for (const fate of ['answer', 'machine', 'busy', 'noAnswer', 'invalid'] as const) {
        expect(Math.abs((counts[fate] ?? 0) / n - profile[fate]), fate).toBeLessThan(tolerance);
      }
      // Ring time before an answer has about the profile's mean.
      const rings = ends.filter((e) => e.answeredAt !== undefined).map((e) => e.ringSec);
      const meanRing = rings.reduce((s, r) => s + r, 0) / rings.length;
      expect(Math.abs(meanRing - profile.ringMeanSec)).toBeLessThan(profile.ringMeanSec * 0.2);
    });
  }
});
