import type { Pacer, PacingOptions } from '../../app/modules/dialing/pacing';
import { AbandonControl, launchesWithinRisk } from '../../app/modules/dialing/pacing-guard';
import { erlang, seededRng } from './random';
import type { Oracle } from './sim';

const HORIZON_SEC = 40;

/** The simulator's default answer delay (sim.ts), as a distribution over whole seconds. */
function answerDelayPmf(): Float64Array {
  const rng = seededRng(99);
  const pmf = new Float64Array(HORIZON_SEC);
  const n = 200_000;
  for (let i = 0; i < n; i++) pmf[Math.floor(Math.min(25, 5 + erlang(rng, 2, 6)))]! += 1 / n;
  return pmf;
}

/**
 * An upper bound for comparison, not a dialer: it reads the simulator's future. It knows when every
 * busy agent will be free (and who is about to pause), which ringing calls a person will answer and
 * when, and the true answer rate now; only the outcome of dials not yet made is left to chance.
 * Same risk rule and abandon control as the predictive pacer, so the gap between the two is the
 * price of estimating.
 */
export function createClairvoyantPacer(opts: PacingOptions, oracle: Oracle): Pacer {
  const control = new AbandonControl(opts.targetAbandonRate);
  const pmf = answerDelayPmf();
  const waiting = new Set<string>();
  return {
    observe(e) {
      if (e.type === 'answered' && e.human) waiting.add(e.callId);
      if (e.type === 'connected' || e.type === 'abandoned') {
        waiting.delete(e.callId);
        control.outcome(e.at, e.type === 'abandoned');
      }
    },
    decide(s) {
      const agents = s.readyAgents + s.busyAgents;
      const room = Math.max(0, opts.maxLinesPerAgent * agents - s.callsRinging);
      if (!agents || !room) return 0;
      const supplyMean = new Float64Array(HORIZON_SEC).fill(s.readyAgents);
      const demandMean = new Float64Array(HORIZON_SEC).fill(waiting.size);
      const zero = new Float64Array(HORIZON_SEC);
      for (const freeAt of oracle.busyFreeAtMs()) {
        for (let k = Math.max(0, Math.ceil((freeAt - s.now) / 1000) - 2); k < HORIZON_SEC; k++) supplyMean[k]!++;
      }
      for (const call of oracle.ringing()) {
        if (!call.human) continue;
        for (let k = Math.max(0, Math.floor((call.answerAtMs - s.now) / 1000)); k < HORIZON_SEC; k++) demandMean[k]!++;
      }
      const p = oracle.humanRate(s.now / 1000);
      const newHuman = pmf.map((x) => x * p);
      const { risk } = control.riskLimit(s.now);
      const floor = Math.min(room, Math.max(0, s.readyAgents - s.callsRinging - waiting.size));
      const f = { supplyMean, supplyVar: zero, demandMean, demandVar: zero };
      return Math.max(floor, launchesWithinRisk(f, newHuman, room, risk));
    },
  };
}
