import { AbandonControl, type GuardReason, launchesWithinRisk } from './pacing-guard';
import { BusyModel, MAX_RING_SEC, RingModel } from './pacing-model';

// The pacing contract (../shared/notes/pacing-contract.md): the dialer feeds events and asks once
// per second how many calls to launch. Pure: no I/O, no timers, no database, no switch.

export type PacingEvent =
  | { type: 'dialed'; at: number; callId: string } // a call was launched
  | { type: 'answered'; at: number; callId: string; human: boolean } // far end answered; human=false: machine (AMD)
  | { type: 'failed'; at: number; callId: string; cause: string } // busy, no answer, invalid... never answered
  | { type: 'connected'; at: number; callId: string } // a human-answered call reached an agent
  | { type: 'abandoned'; at: number; callId: string } // a human answered but no agent within 2 s
  | { type: 'agentReady'; at: number; agentId: string } // agent became free (after wrap-up, or logged in)
  | { type: 'agentBusy'; at: number; agentId: string } // agent took a call
  | { type: 'agentLeft'; at: number; agentId: string }; // agent logged out or paused

export interface PacingState {
  now: number; // ms
  readyAgents: number; // agents free and waiting for a call
  busyAgents: number; // agents talking or in wrap-up
  callsRinging: number; // launched, not yet answered or failed
}

export interface PacingOptions {
  targetAbandonRate: number; // e.g. 0.03 — share of human-answered calls abandoned
  maxLinesPerAgent: number; // hard cap: calls ringing <= maxLinesPerAgent x (ready + busy agents), e.g. 4
}

export interface Pacer {
  observe(e: PacingEvent): void;
  decide(s: PacingState): number; // calls to launch now, an integer >= 0
}

/** The predictive pacer (see docs/pacing.md). */
export function createPacer(opts: PacingOptions): Pacer {
  return createPredictivePacer(opts);
}

// ---------------------------------------------------------------------------------------------
// "Why isn't it dialing?": every pacer here can say what limits it right now.

export type PacingReason =
  | 'no-agents' // nobody logged in
  | 'line-cap' // maxLinesPerAgent x agents calls already ringing
  | 'cold-start' // few outcomes seen yet: dialing carefully
  | 'hour-guard' // this hour's abandons are near the limit: dialing almost progressively
  | 'abandon-guard' // a burst of recent abandons: dialing cut back
  | 'agents-left' // agents are leaving or pausing: not counting on busy agents coming back
  | 'dialing-ahead' // launching for ready agents and for busy ones expected to free up
  | 'ready-agents' // launching for ready agents
  | 'enough-ringing'; // calls already ringing will cover the agents expected to be free

export interface PacingExplanation {
  mode: 'predictive' | 'progressive' | 'ratio';
  reason: PacingReason;
  /** One line for the task page. */
  text: string;
  /** Calls launched by the last decision and calls ringing per logged-in agent after it. */
  launched: number;
  linesPerAgent: number;
  /** Busy agents the pacer currently expects to be free within the answer window. */
  dialingAheadFor: number;
  /** Estimated human answers per dial (predictive only). */
  answerRate: number | null;
  /** Largest accepted chance that the next dial's answer finds no agent (predictive only). */
  riskLimit: number | null;
  campaignAbandonRate: number | null;
  hourAbandonRate: number | null;
}

const explainers = new WeakMap<Pacer, () => PacingExplanation>();

/** What limits the pacer's dialing right now, for "why isn't it dialing?". */
export function explainPacing(pacer: Pacer): PacingExplanation | null {
  return explainers.get(pacer)?.() ?? null;
}

function lineRoom(opts: PacingOptions, s: PacingState): number {
  const agents = Math.max(0, s.readyAgents) + Math.max(0, s.busyAgents);
  return Math.max(0, Math.floor(opts.maxLinesPerAgent * agents) - Math.max(0, s.callsRinging));
}

function simpleExplanation(mode: 'progressive' | 'ratio', s: PacingState | null, launched: number): PacingExplanation {
  const agents = s ? s.readyAgents + s.busyAgents : 0;
  const reason: PacingReason = agents <= 0 ? 'no-agents' : launched > 0 ? 'ready-agents' : 'enough-ringing';
  const text =
    reason === 'no-agents'
      ? 'No agent is logged in.'
      : reason === 'ready-agents'
        ? `Dialing for ${s?.readyAgents ?? 0} ready agents.`
        : s?.readyAgents
          ? 'Every ready agent already has its calls ringing.'
          : 'Waiting for an agent to be ready.';
  return {
    mode,
    reason,
    text,
    launched,
    linesPerAgent: s && agents > 0 ? (s.callsRinging + launched) / agents : 0,
    dialingAheadFor: 0,
    answerRate: null,
    riskLimit: null,
    campaignAbandonRate: null,
    hourAbandonRate: null,
  };
}

/** Progressive: one call per ready agent, minus the calls already ringing; never more. */
export function createProgressivePacer(opts: PacingOptions): Pacer {
  return createRatioPacer(1, opts, 'progressive');
}

/** Fixed ratio: keeps `ratio` calls ringing per ready agent (the classic "2:1" power dialer). */
export function createRatioPacer(ratio: number, opts: PacingOptions, mode: 'progressive' | 'ratio' = 'ratio'): Pacer {
  let last: PacingState | null = null;
  let launched = 0;
  const pacer: Pacer = {
    observe() {},
    decide(s) {
      last = s;
      const want = Math.floor(ratio * Math.max(0, s.readyAgents)) - Math.max(0, s.callsRinging);
      launched = Math.max(0, Math.min(want, lineRoom(opts, s)));
      return launched;
    },
  };
  explainers.set(pacer, () => simpleExplanation(mode, last, launched));
  return pacer;
}

// ---------------------------------------------------------------------------------------------
// Predictive.

/** A person-answered call may wait this long for an agent before it counts as abandoned. */
const GRACE_SEC = 2;
/** Seconds after a dial over which its answer is planned (nothing rings longer). */
const HORIZON_SEC = 40;
/** Calls we lost track of (a missed event) stop counting after this. */
const STALE_CALL_MS = 120_000;
/** Until this many dials have an outcome, the answer rate is read on its careful side. */
const COLD_START_DIALS = 150;
/** Calls ended before busy agents are fully counted on to free up. */
const BUSY_TRUSTED = 60;

/** A slow and a fast running share (e.g. of human answers among outcomes, of agents returning). */
class Share {
  value: number;
  constructor(
    initial: number,
    private readonly window: number,
  ) {
    this.value = initial;
  }
  add(x: number) {
    this.value += (x - this.value) / this.window;
  }
}

export function createPredictivePacer(opts: PacingOptions): Pacer {
  const ring = new RingModel(600);
  const busyTime = new BusyModel(400);
  const control = new AbandonControl(opts.targetAbandonRate);
  const ringing = new Map<string, number>(); // callId -> dialed at
  const waiting = new Set<string>(); // answered by a person, not yet connected or abandoned
  const busySince = new Map<string, number>(); // agentId -> busy since
  const recentHuman = new Share(0.6, 40); // human answers among recent outcomes: answer-rate jumps
  let recentHumanN = 0;
  const returning = new Share(1, 12); // busy agents who come back ready rather than leave
  const returningLong = new Share(1, 100);
  let busyObserved = 0;
  let explanation: PacingExplanation = {
    ...simpleExplanation('progressive', null, 0),
    mode: 'predictive',
  };

  const endBusy = (agentId: string, at: number, comesBack: boolean) => {
    const since = busySince.get(agentId);
    if (since === undefined) return;
    busySince.delete(agentId);
    busyTime.observe((at - since) / 1000);
    busyObserved++;
    returning.add(comesBack ? 1 : 0);
    returningLong.add(comesBack ? 1 : 0);
  };
  const ended = (callId: string, at: number, human: boolean) => {
    const dialedAt = ringing.get(callId);
    if (dialedAt === undefined) return;
    ringing.delete(callId);
    ring.observe((at - dialedAt) / 1000, human);
    recentHuman.add(human ? 1 : 0);
    recentHumanN++;
  };

  const pacer: Pacer = {
    observe(e) {
      switch (e.type) {
        case 'dialed':
          ringing.set(e.callId, e.at);
          return;
        case 'answered':
          ended(e.callId, e.at, e.human);
          if (e.human) waiting.add(e.callId);
          return;
        case 'failed':
          ended(e.callId, e.at, false);
          return;
        case 'connected':
        case 'abandoned':
          waiting.delete(e.callId);
          control.outcome(e.at, e.type === 'abandoned');
          return;
        case 'agentReady':
          endBusy(e.agentId, e.at, true);
          return;
        case 'agentBusy':
          busySince.set(e.agentId, e.at);
          return;
        case 'agentLeft':
          endBusy(e.agentId, e.at, false);
          return;
      }
    },

    decide(s) {
      const readyAgents = Math.max(0, Math.floor(s.readyAgents));
      const busyAgents = Math.max(0, Math.floor(s.busyAgents));
      const callsRinging = Math.max(0, Math.floor(s.callsRinging));
      const explain = (reason: PacingReason, text: string, launched: number, extra: Partial<PacingExplanation> = {}) => {
        const agents = readyAgents + busyAgents;
        explanation = {
          mode: 'predictive',
          reason,
          text,
          launched,
          linesPerAgent: agents ? (callsRinging + launched) / agents : 0,
          dialingAheadFor: 0,
          answerRate: ring.sampleSize > 10 ? ring.humanRate : null,
          riskLimit: null,
          campaignAbandonRate: control.campaignRate,
          hourAbandonRate: control.hourRate(s.now),
          ...extra,
        };
        return launched;
      };
      if (readyAgents + busyAgents === 0) return explain('no-agents', 'No agent is logged in.', 0);
      const room = lineRoom(opts, s);
      if (room === 0) return explain('line-cap', `${opts.maxLinesPerAgent} calls per agent are already ringing.`, 0);

      // Calls ringing, by age in seconds; the state's count wins over our own bookkeeping.
      const ages: number[] = [];
      for (const [id, at] of ringing) {
        if (s.now - at > STALE_CALL_MS) ringing.delete(id);
        else ages.push(Math.min(MAX_RING_SEC - 1, Math.max(0, Math.floor((s.now - at) / 1000))));
      }
      ages.sort((a, b) => a - b);
      while (ages.length > callsRinging) ages.pop(); // drop the oldest: most likely already over
      while (ages.length < callsRinging) ages.unshift(0); // unknown calls: assume just dialed
      const byAge = new Float64Array(MAX_RING_SEC);
      for (const a of ages) byAge[a]!++;
      const olderThan = new Float64Array(MAX_RING_SEC);
      let older = 0;
      for (let a = MAX_RING_SEC - 1; a >= 0; a--) {
        olderThan[a] = older;
        older += byAge[a]!;
      }
      ring.refresh(olderThan);

      // Answer rate: the estimate, pushed up while data is thin (upper confidence bound) and when
      // the last few dozen outcomes show more answers than it (the answer rate just jumped).
      const pHat = Math.max(1e-4, ring.humanRate);
      const n = ring.sampleSize;
      const coldStart = n < COLD_START_DIALS;
      const pUpper = pHat + 2 * Math.sqrt((pHat * (1 - pHat) + 0.05) / Math.max(1, n));
      const fast = recentHuman.value;
      const pRecent = recentHumanN >= 20 ? fast - Math.sqrt((fast * (1 - fast)) / 40) : 0;
      const pUsed = Math.min(1, Math.max(pUpper, pRecent));
      const scale = pUsed / pHat;
      const surge = pRecent > pUpper * 1.1;

      // Demand: human answers expected from calls already ringing by second k, plus those waiting.
      const supplyMean = new Float64Array(HORIZON_SEC);
      const supplyVar = new Float64Array(HORIZON_SEC);
      const demandMean = new Float64Array(HORIZON_SEC).fill(waiting.size);
      const demandVar = new Float64Array(HORIZON_SEC);
      const cum = ring.cumHuman;
      const surv = ring.survival;
      for (let g = 0; g < MAX_RING_SEC; g++) {
        const count = byAge[g]!;
        if (!count || surv[g]! <= 1e-9) continue;
        for (let k = 0; k < HORIZON_SEC; k++) {
          const to = Math.min(MAX_RING_SEC, g + k + 1);
          const q = Math.min(1, (scale * (cum[to]! - cum[g]!)) / surv[g]!);
          demandMean[k]! += count * q;
          demandVar[k]! += count * q * (1 - q);
        }
      }

      // Supply: ready agents, plus busy agents by how long they have been busy, discounted by the
      // share of agents who come back after a call (low while a group is pausing).
      const back = Math.min(returning.value, returningLong.value, 1);
      const agentsLeaving = back < 0.8;
      const elapsed: number[] = [];
      for (const since of busySince.values()) elapsed.push((s.now - since) / 1000);
      elapsed.sort((a, b) => a - b);
      while (elapsed.length > busyAgents) elapsed.pop();
      while (elapsed.length < busyAgents) elapsed.unshift(0);
      supplyMean.fill(readyAgents);
      // Dialing ahead is phased in over the first calls: none on the prior alone.
      const trust = Math.min(1, Math.max(0, (busyObserved - 5) / (BUSY_TRUSTED - 5)));
      if (trust > 0) {
        busyTime.refresh(elapsed);
        for (const e of elapsed) {
          for (let k = 0; k < HORIZON_SEC; k++) {
            const q = trust * back * busyTime.freeWithin(e, k + GRACE_SEC);
            supplyMean[k]! += q;
            supplyVar[k]! += q * (1 - q);
          }
        }
      }

      // A new dial: chance a person answers it in second k.
      const newHuman = new Float64Array(HORIZON_SEC);
      for (let k = 0; k < HORIZON_SEC && k < MAX_RING_SEC; k++) newHuman[k] = scale * (cum[k + 1]! - cum[k]!);

      const { risk, reason: guard } = control.riskLimit(s.now);
      // Never below progressive: a call per ready agent not yet covered by a ringing call is safe.
      const floor = Math.min(room, Math.max(0, readyAgents - callsRinging - waiting.size));
      const launched = Math.max(
        floor,
        launchesWithinRisk({ supplyMean, supplyVar, demandMean, demandVar }, newHuman, room, risk),
      );

      const mid = Math.min(HORIZON_SEC - 1, 12);
      const ahead = Math.max(0, Math.round(supplyMean[mid]! - readyAgents));
      const extra = { dialingAheadFor: ahead, answerRate: pHat, riskLimit: risk };
      const level = `${((callsRinging + launched) / (readyAgents + busyAgents)).toFixed(1)} calls per agent`;
      const why = guardText(guard, coldStart, surge, agentsLeaving);
      if (launched === room)
        return explain('line-cap', `Dialing at the cap of ${opts.maxLinesPerAgent} calls per agent.`, launched, extra);
      if (why) return explain(why.reason, `${why.text} (${level}).`, launched, extra);
      if (launched > 0 && ahead > 0)
        return explain(
          'dialing-ahead',
          `Dialing for ${readyAgents} ready agents and ahead for ${ahead} about to finish (${level}).`,
          launched,
          extra,
        );
      if (launched > 0) return explain('ready-agents', `Dialing for ${readyAgents} ready agents (${level}).`, launched, extra);
      return explain('enough-ringing', `Calls already ringing cover the agents expected to be free (${level}).`, launched, extra);
    },
  };
  explainers.set(pacer, () => explanation);
  return pacer;
}

function guardText(
  guard: GuardReason,
  coldStart: boolean,
  surge: boolean,
  agentsLeaving: boolean,
): { reason: PacingReason; text: string } | null {
  if (guard === 'hour-guard') return { reason: 'hour-guard', text: "This hour's abandons are near the limit: dialing carefully" };
  if (guard === 'abandon-guard') return { reason: 'abandon-guard', text: 'Recent calls were abandoned: dialing cut back' };
  if (agentsLeaving) return { reason: 'agents-left', text: 'Agents are pausing or leaving: not dialing ahead for them' };
  if (surge) return { reason: 'abandon-guard', text: 'More calls are being answered than expected: dialing cut back' };
  if (coldStart) return { reason: 'cold-start', text: 'Few calls so far: dialing carefully while the answer rate is learned' };
  return null;
}
