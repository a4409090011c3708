/**
 * What will happen to one simulated call, drawn up front from the carrier's outcome profile.
 * Pure: the simulator turns a plan into timers and events.
 */
import type { OutcomeProfile } from '../../plugins/sdk';
import { logNormal, type Rng, uniform } from './random';

export type Fate = 'answer' | 'machine' | 'busy' | 'noAnswer' | 'invalid';

export interface SimTimings {
  /** Dialling to ringing (180), uniform in [min, max] seconds. */
  postDialSec: [number, number];
  /** Dialling to USER_BUSY. */
  busySec: [number, number];
  /** Dialling to UNALLOCATED_NUMBER. */
  invalidSec: [number, number];
  /** Spread (log sigma) of ring and talk times around the profile's means. */
  ringSigma: number;
  talkSigma: number;
  /** Mean seconds a human who answered waits in silence (not bridged, nothing played) before hanging up. */
  patienceMeanSec: number;
  /** Answer to AMD verdict. */
  amdDelaySec: number;
  /** Share of AMD verdicts that are wrong (either way). */
  amdErrorRate: number;
  /** An answering machine hangs up this long after answering (greeting + recording). */
  machineHangupSec: number;
  /** An agent endpoint that does not answer within this is given up (NO_ANSWER). */
  agentRingTimeoutSec: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  postDialSec: [1, 3],
  busySec: [1, 4],
  invalidSec: [0.5, 2],
  ringSigma: 0.5,
  talkSigma: 0.7,
  patienceMeanSec: 4,
  amdDelaySec: 2.5,
  amdErrorRate: 0,
  machineHangupSec: 35,
  agentRingTimeoutSec: 20,
};

export interface CallPlan {
  fate: Fate;
  /** Seconds after originate; undefined: no ringing (busy, invalid). */
  progressSec?: number;
  /** Seconds after originate when the far end answers; may exceed the no-answer timeout (then it never does). */
  answerSec?: number;
  /** Seconds after originate when busy / invalid end the call. */
  rejectSec?: number;
  /** The AMD verdict, if AMD runs. */
  amdMachine: boolean;
  patienceSec: number;
  /** How long the customer stays once engaged (bridged, or a robot started talking). */
  talkSec: number;
}

/**
 * Invalid numbers come from the number's own stream, so a dead number stays dead on every retry;
 * everything else from the call's stream. The overall rates still follow the profile.
 */
export function drawPlan(profile: OutcomeProfile, timings: SimTimings, numberRng: Rng, callRng: Rng): CallPlan {
  const r = callRng;
  const invalid = numberRng.next() < profile.invalid;
  const fate: Fate = invalid ? 'invalid' : drawLiveFate(profile, r.next());
  const progressSec = uniform(r, ...timings.postDialSec);
  const ring = Math.max(progressSec + 0.5, logNormal(r, profile.ringMeanSec, timings.ringSigma));
  const amdWrong = r.next() < timings.amdErrorRate;
  const patienceSec = Math.max(1, logNormal(r, timings.patienceMeanSec, 0.5));
  const talkSec = Math.max(5, logNormal(r, profile.talkMeanSec, timings.talkSigma));
  const base = { fate, amdMachine: (fate === 'machine') !== amdWrong, patienceSec, talkSec };
  switch (fate) {
    case 'invalid':
      return { ...base, rejectSec: uniform(r, ...timings.invalidSec) };
    case 'busy':
      return { ...base, rejectSec: uniform(r, ...timings.busySec) };
    case 'noAnswer':
      return { ...base, progressSec };
    default:
      return { ...base, progressSec, answerSec: ring };
  }
}

/** Answer, machine, busy or no answer, in the profile's proportions among valid numbers. */
function drawLiveFate(p: OutcomeProfile, u: number): Fate {
  const live = [
    ['answer', p.answer],
    ['machine', p.machine],
    ['busy', p.busy],
    ['noAnswer', p.noAnswer],
  ] as const;
  const total = live.reduce((s, [, w]) => s + Math.max(0, w), 0);
  if (!(total > 0)) return 'noAnswer';
  let x = u * total;
  for (const [fate, w] of live) {
    x -= Math.max(0, w);
    if (x < 0) return fate;
  }
  return 'noAnswer';
}
