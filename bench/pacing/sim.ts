import type { Pacer, PacingEvent, PacingOptions } from '../../app/modules/dialing/pacing';
import { MinHeap } from '../../app/utils/min-heap';
import { erlang, logNormal, type Rng, seededRng, uniform } from './random';

/**
 * A discrete-event call centre with the pacing contract's semantics: events in continuous time
 * (ms), the pacer asked once per simulated second after that second's events, a human answer
 * waits at most 2 s for a ready agent and is abandoned after that, machine answers are dropped.
 */

export interface PauseWave {
  atSec: number; // the group asks to pause: ready agents leave now, busy ones after their wrap-up
  agents: number;
  forSec: number; // they come back (log in again) this long after atSec
}

export interface CallCentre {
  name: string;
  agents: number;
  shiftSec: number;
  seed: number;
  /** Human answers per dial at a moment of the shift (drift scenarios vary it). */
  humanRate: (tSec: number) => number;
  /** Answering machines per dial (dropped by AMD, never reach an agent). */
  machineRate: number;
  talkMeanSec: number;
  talkSigma: number; // log-normal shape: 0.8 gives a long tail (some calls 5x the mean)
  wrapMeanSec: number;
  pauses?: PauseWave[];
  /** Seconds a person takes to answer (default 5–25 s, mostly around 10). */
  answerRingSec?: (rng: Rng) => number;
  /** Talk time distribution other than log-normal (e.g. exponential), seconds. */
  talkSec?: (rng: Rng) => number;
}

export interface Oracle {
  /** For the clairvoyant bound: the true future of the centre. */
  ringing: () => Iterable<{ answerAtMs: number; human: boolean }>;
  busyFreeAtMs: () => Iterable<number>;
  humanRate: (tSec: number) => number;
  machineRate: number;
}

export interface SimResult {
  name: string;
  abandonRate: number;
  worstHourAbandonRate: number;
  occupancy: number;
  connectsPerAgentHour: number;
  idleWaitSec: number;
  dials: number;
  humanAnswers: number;
  abandons: number;
  connects: number;
  /** Seconds in which ringing calls after the launch exceeded maxLinesPerAgent x (ready + busy). */
  lineCapViolations: number;
  /** Seconds with a launch that left more calls ringing than agents ready (progressive's promise). */
  overReadySeconds: number;
  /** decide() results that were not an integer >= 0. */
  invalidDecisions: number;
  /** Launches while no agent was logged in. */
  launchesWithoutAgents: number;
  launchesPerMinute: number[];
  answersPerMinute: number[];
  abandonsPerMinute: number[];
}

export const PACING_OPTIONS: PacingOptions = { targetAbandonRate: 0.03, maxLinesPerAgent: 4 };

interface Call {
  id: string;
  dialedAtMs: number;
  outcome: 'human' | 'machine' | 'failed';
  endsRingingAtMs: number;
  cause: string;
  waiting: boolean;
}

interface Agent {
  id: string;
  state: 'ready' | 'busy' | 'paused';
  pausePending: boolean;
  readySinceMs: number;
  busySinceMs: number;
  freeAtMs: number;
  loggedInSinceMs: number;
  loggedInMs: number;
  busyMs: number;
}

type SimEvent =
  | { kind: 'ringEnd'; at: number; seq: number; call: Call }
  | { kind: 'giveUp'; at: number; seq: number; call: Call }
  | { kind: 'free'; at: number; seq: number; agent: Agent }
  | { kind: 'pause'; at: number; seq: number; wave: PauseWave }
  | { kind: 'resume'; at: number; seq: number; agents: Agent[] };

type NewEvent = { [K in SimEvent['kind']]: Omit<Extract<SimEvent, { kind: K }>, 'seq'> }[SimEvent['kind']];

/** Simulator events by (at, seq). */
class EventQueue {
  private readonly heap = new MinHeap<SimEvent>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;
  get size() {
    return this.heap.size;
  }
  peekAt(): number {
    return this.heap.peek()?.at ?? Number.POSITIVE_INFINITY;
  }
  push(e: NewEvent): void {
    this.heap.push({ ...e, seq: this.seq++ } as SimEvent);
  }
  pop(): SimEvent {
    return this.heap.pop() as SimEvent;
  }
}

/** Ring time and outcome of one dial, from the carrier's typical profile. */
function sampleCall(
  rng: Rng,
  human: number,
  machine: number,
  answerRingSec?: (rng: Rng) => number,
): Pick<Call, 'outcome' | 'cause'> & { ringSec: number } {
  const u = rng();
  if (u < human) return { outcome: 'human', cause: '', ringSec: answerRingSec?.(rng) ?? Math.min(25, 5 + erlang(rng, 2, 6)) };
  if (u < human + machine) return { outcome: 'machine', cause: '', ringSec: Math.min(25, 6 + erlang(rng, 2, 7)) };
  const f = rng();
  if (f < 0.2) return { outcome: 'failed', cause: 'USER_BUSY', ringSec: uniform(rng, 2, 6) };
  if (f < 0.3) return { outcome: 'failed', cause: 'UNALLOCATED_NUMBER', ringSec: uniform(rng, 1, 3) };
  return { outcome: 'failed', cause: 'NO_ANSWER', ringSec: uniform(rng, 25, 30) };
}

export function simulate(
  centre: CallCentre,
  makePacer: (oracle: Oracle) => Pacer,
  options: PacingOptions = PACING_OPTIONS,
): SimResult {
  const rng = seededRng(centre.seed);
  const talkRng = seededRng(centre.seed ^ 0x5bd1e995);
  const queue = new EventQueue();
  const agents: Agent[] = Array.from({ length: centre.agents }, (_, i) => ({
    id: `a${i}`,
    state: 'ready',
    pausePending: false,
    readySinceMs: 0,
    busySinceMs: 0,
    freeAtMs: 0,
    loggedInSinceMs: 0,
    loggedInMs: 0,
    busyMs: 0,
  }));
  const ready: Agent[] = [...agents]; // longest idle first
  const ringing = new Map<string, Call>();
  const waiting: Call[] = [];
  let busy = 0;
  let callSeq = 0;
  const shiftMs = centre.shiftSec * 1000;
  const minutes = Math.ceil(centre.shiftSec / 60);
  const answersPerMinute = new Array<number>(minutes).fill(0);
  const abandonsPerMinute = new Array<number>(minutes).fill(0);
  const launchesPerMinute = new Array<number>(minutes).fill(0);
  const idleWaits: number[] = [];
  const r = {
    dials: 0,
    humanAnswers: 0,
    abandons: 0,
    connects: 0,
    lineCapViolations: 0,
    overReadySeconds: 0,
    invalidDecisions: 0,
    launchesWithoutAgents: 0,
  };

  const oracle: Oracle = {
    ringing: () => [...ringing.values()].map((c) => ({ answerAtMs: c.endsRingingAtMs, human: c.outcome === 'human' })),
    busyFreeAtMs: () => agents.filter((a) => a.state === 'busy' && !a.pausePending).map((a) => a.freeAtMs),
    humanRate: centre.humanRate,
    machineRate: centre.machineRate,
  };
  const pacer = makePacer(oracle);
  const tell = (e: PacingEvent) => pacer.observe(e);
  for (const a of agents) tell({ type: 'agentReady', at: 0, agentId: a.id });

  const removeReady = (a: Agent) => {
    const i = ready.indexOf(a);
    if (i >= 0) ready.splice(i, 1);
  };
  const connect = (call: Call, agent: Agent, at: number) => {
    removeReady(agent);
    idleWaits.push(at - agent.readySinceMs);
    agent.state = 'busy';
    busy++;
    agent.busySinceMs = at;
    const talk = centre.talkSec?.(talkRng) ?? logNormal(talkRng, centre.talkMeanSec, centre.talkSigma);
    const wrap = logNormal(talkRng, centre.wrapMeanSec, 0.5);
    agent.freeAtMs = at + Math.round((talk + wrap) * 1000);
    call.waiting = false;
    r.connects++;
    tell({ type: 'agentBusy', at, agentId: agent.id });
    tell({ type: 'connected', at, callId: call.id });
    queue.push({ kind: 'free', at: agent.freeAtMs, agent });
  };
  const becomeReady = (agent: Agent, at: number) => {
    agent.state = 'ready';
    agent.readySinceMs = at;
    ready.push(agent);
    tell({ type: 'agentReady', at, agentId: agent.id });
    const next = waiting.shift();
    if (next) connect(next, agent, at);
  };
  const logOut = (agent: Agent, at: number) => {
    agent.state = 'paused';
    agent.pausePending = false;
    agent.loggedInMs += at - agent.loggedInSinceMs;
    tell({ type: 'agentLeft', at, agentId: agent.id });
  };

  for (const wave of centre.pauses ?? []) queue.push({ kind: 'pause', at: wave.atSec * 1000, wave });

  const handle = (e: SimEvent) => {
    const at = e.at;
    switch (e.kind) {
      case 'ringEnd': {
        const call = e.call;
        ringing.delete(call.id);
        if (call.outcome === 'failed') {
          tell({ type: 'failed', at, callId: call.id, cause: call.cause });
          return;
        }
        tell({ type: 'answered', at, callId: call.id, human: call.outcome === 'human' });
        if (call.outcome === 'machine') return;
        r.humanAnswers++;
        answersPerMinute[Math.floor(at / 60_000)]!++;
        const agent = ready[0];
        if (agent) connect(call, agent, at);
        else {
          call.waiting = true;
          waiting.push(call);
          queue.push({ kind: 'giveUp', at: at + 2000, call });
        }
        return;
      }
      case 'giveUp': {
        if (!e.call.waiting) return;
        e.call.waiting = false;
        waiting.splice(waiting.indexOf(e.call), 1);
        r.abandons++;
        abandonsPerMinute[Math.floor((at - 2000) / 60_000)]!++;
        tell({ type: 'abandoned', at, callId: e.call.id });
        return;
      }
      case 'free': {
        const agent = e.agent;
        agent.busyMs += at - agent.busySinceMs;
        agent.state = 'ready';
        busy--;
        if (agent.pausePending) logOut(agent, at);
        else becomeReady(agent, at);
        return;
      }
      case 'pause': {
        const back: Agent[] = [];
        for (const agent of agents) {
          if (back.length >= e.wave.agents) break;
          if (agent.state === 'paused' || agent.pausePending) continue;
          back.push(agent);
          if (agent.state === 'ready') {
            removeReady(agent);
            logOut(agent, at);
          } else agent.pausePending = true;
        }
        queue.push({ kind: 'resume', at: at + e.wave.forSec * 1000, agents: back });
        return;
      }
      case 'resume': {
        for (const agent of e.agents) {
          if (agent.pausePending) agent.pausePending = false;
          else if (agent.state === 'paused') {
            agent.loggedInSinceMs = at;
            becomeReady(agent, at);
          }
        }
        return;
      }
    }
  };

  for (let sec = 0; sec < centre.shiftSec; sec++) {
    const now = sec * 1000;
    while (queue.peekAt() <= now) handle(queue.pop());
    const loggedIn = ready.length + busy;
    const n = pacer.decide({ now, readyAgents: ready.length, busyAgents: busy, callsRinging: ringing.size });
    if (!Number.isInteger(n) || n < 0) {
      r.invalidDecisions++;
      continue;
    }
    if (n > 0 && loggedIn === 0) r.launchesWithoutAgents++;
    if (ringing.size + n > options.maxLinesPerAgent * loggedIn) r.lineCapViolations++;
    if (n > 0 && ringing.size + n > ready.length) r.overReadySeconds++;
    launchesPerMinute[Math.floor(sec / 60)]! += n;
    const human = centre.humanRate(sec);
    for (let i = 0; i < n; i++) {
      const s = sampleCall(rng, human, centre.machineRate, centre.answerRingSec);
      const call: Call = {
        id: `c${callSeq++}`,
        dialedAtMs: now,
        outcome: s.outcome,
        cause: s.cause,
        endsRingingAtMs: now + Math.round(s.ringSec * 1000),
        waiting: false,
      };
      ringing.set(call.id, call);
      r.dials++;
      tell({ type: 'dialed', at: now, callId: call.id });
      queue.push({ kind: 'ringEnd', at: call.endsRingingAtMs, call });
    }
  }

  // Close the books at the end of the shift: calls still running count up to the end.
  let loggedInMs = 0;
  let busyMs = 0;
  for (const a of agents) {
    if (a.state !== 'paused') a.loggedInMs += shiftMs - a.loggedInSinceMs;
    if (a.state === 'busy') a.busyMs += shiftMs - a.busySinceMs;
    loggedInMs += a.loggedInMs;
    busyMs += a.busyMs;
  }
  const loggedInHours = loggedInMs / 3_600_000;
  return {
    name: centre.name,
    abandonRate: r.humanAnswers ? r.abandons / r.humanAnswers : 0,
    worstHourAbandonRate: worstRollingHour(answersPerMinute, abandonsPerMinute),
    occupancy: loggedInMs ? busyMs / loggedInMs : 0,
    connectsPerAgentHour: loggedInHours ? r.connects / loggedInHours : 0,
    idleWaitSec: idleWaits.length ? idleWaits.reduce((s, x) => s + x, 0) / idleWaits.length / 1000 : 0,
    ...r,
    launchesPerMinute,
    answersPerMinute,
    abandonsPerMinute,
  };
}

/** Abandons / human answers over every 60-minute window (minute steps); the whole run if shorter. */
export function worstRollingHour(answers: number[], abandons: number[]): number {
  const span = Math.min(60, answers.length);
  let worst = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < answers.length; i++) {
    a += answers[i]!;
    b += abandons[i]!;
    if (i >= span) {
      a -= answers[i - span]!;
      b -= abandons[i - span]!;
    }
    if (i >= span - 1 && a > 0) worst = Math.max(worst, b / a);
  }
  return worst;
}
