/**
 * The embedded simulated switch: implements the softswitch port without any telephony. Outcomes
 * and timings come from the carrier's outcome profile (passed in as data), seeded; time runs on an
 * injectable clock, optionally scaled. Trunks enforce their channel capacity like a gateway, and
 * agent endpoints are answered and hung up by the workstation or by auto-agents.
 */
import type { OutcomeProfile, Trunk } from '../../plugins/sdk';
import { type Clock, realClock, scaledClock, type Timer } from '../clock';
import {
  type ActiveCall,
  type CallId,
  type CallState,
  type CollectRequest,
  type CollectResult,
  E164,
  type EndedBy,
  type OriginateAccepted,
  type OriginateRequest,
  type PlayResult,
  type Prompt,
  type Softswitch,
  SoftswitchError,
  type SoftswitchEvent,
  type SoftswitchEventListener,
  type SoftswitchHealth,
} from '../port';
import { type CauseName, causeOf } from '../q850';
import { type CallPlan, DEFAULT_TIMINGS, drawPlan, type SimTimings } from './call-plan';
import { drawAnswer, promptSec, type SimCustomerOptions } from './customer';
import { Outbox, type Topic } from './outbox';
import { type Rng, streamFor } from './random';

/** What a gateway answers when all its channels are in use (503 → NORMAL_TEMPORARY_FAILURE). */
export type CapacityCause = Extract<
  CauseName,
  'NORMAL_TEMPORARY_FAILURE' | 'SWITCH_CONGESTION' | 'NORMAL_CIRCUIT_CONGESTION' | 'CALL_REJECTED'
>;

export interface SimSwitchOptions {
  profile: OutcomeProfile;
  trunks: Pick<Trunk, 'id' | 'capacity'>[];
  /** Same seed and same call ids and numbers → same outcomes and timings. */
  seed?: string | number;
  /** Defaults to the wall clock. */
  clock?: Clock;
  /** 10 → ten times faster than `clock`. */
  timeScale?: number;
  timings?: Partial<SimTimings>;
  customer?: SimCustomerOptions;
  capacityCause?: CapacityCause;
  onListenerError?: (error: unknown) => void;
}

/** What the agent's side sees (the workstation's softphone, or an auto-agent). */
export type AgentEvent =
  /** `plannedTalkSec`: how long the simulated customer will talk (auto-agents hang up then). */
  | { type: 'ringing'; endpoint: string; callId: CallId; at: number; plannedTalkSec: number }
  | { type: 'connected'; endpoint: string; callId: CallId; at: number }
  | { type: 'ended'; endpoint: string; callId: CallId; at: number; cause: string };

export type AgentEventListener = (event: AgentEvent) => void;

interface Media {
  stop(reason: 'hungUp' | 'interrupted'): void;
}

interface SimCall {
  req: OriginateRequest;
  variables: Record<string, string>;
  plan: CallPlan;
  answers: Rng;
  state: CallState;
  createdAt: number;
  progressAt?: number;
  answeredAt?: number;
  bridgedAt?: number;
  /** Answered, AMD still listening: the `answered` event is not out yet. */
  verdictPending: boolean;
  machine: boolean | null;
  engaged: boolean;
  agentEndpoint?: string;
  timers: Set<Timer>;
  noAnswer?: Timer;
  patience?: Timer;
  agentRing?: Timer;
  media?: Media;
}

interface SimAgent {
  auto: boolean;
  callId?: CallId;
  phase: 'idle' | 'ringing' | 'talking';
  /** The customer hears hold music; the agent's microphone is off. Reset when the call ends. */
  held: boolean;
  muted: boolean;
  /** Tones the agent sent on this call (to an IVR on the far side, say). */
  digitsSent: string;
}

const ms = (sec: number) => sec * 1000;
const sec = (msValue: number) => Math.round(msValue) / 1000;

export class SimSwitch implements Softswitch {
  /** The switch's clock (scaled): run the dialer's timers on it too. */
  readonly clock: Clock;
  private readonly seed: string | number;
  private readonly timings: SimTimings;
  private readonly trunks = new Map<string, { capacity: number; used: number }>();
  private readonly calls = new Map<CallId, SimCall>();
  private readonly agents = new Map<string, SimAgent>();
  private readonly outbox: Outbox;
  private readonly events: Topic<SoftswitchEvent>;
  private readonly agentEvents: Topic<AgentEvent>;
  private closed = false;

  constructor(private readonly options: SimSwitchOptions) {
    this.clock = scaledClock(options.clock ?? realClock(), options.timeScale ?? 1);
    this.seed = options.seed ?? Date.now();
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    for (const t of options.trunks) this.trunks.set(t.id, { capacity: t.capacity, used: 0 });
    this.outbox = new Outbox(this.clock, options.onListenerError);
    this.events = this.outbox.topic();
    this.agentEvents = this.outbox.topic();
  }

  // ---- the port ----

  async originate(req: OriginateRequest): Promise<OriginateAccepted> {
    return this.outbox.command(() => {
      this.assertOpen();
      validate(req);
      if (this.calls.has(req.callId)) throw new SoftswitchError('duplicateCall', `call ${req.callId} exists`);
      const accepted = { callId: req.callId, jobId: `${req.callId}:job` };
      const trunk = this.trunks.get(req.trunk);
      if (!trunk) return this.failOriginate(req, 'INVALID_GATEWAY', accepted);
      if (trunk.used >= trunk.capacity) {
        return this.failOriginate(req, this.options.capacityCause ?? 'NORMAL_TEMPORARY_FAILURE', accepted);
      }
      trunk.used++;
      this.startCall(req);
      return accepted;
    });
  }

  async bridge(callId: CallId, agentEndpoint: string): Promise<void> {
    this.outbox.command(() => {
      const call = this.answeredCall(callId);
      if (call.state !== 'answered') throw new SoftswitchError('busy', `call ${callId} is ${call.state}`);
      call.media?.stop('interrupted'); // bridging breaks the running prompt, as uuid_bridge does
      const agent = this.agents.get(agentEndpoint);
      if (!agent || agent.callId) {
        const cause = agent ? 'USER_BUSY' : 'USER_NOT_REGISTERED';
        this.emit({ type: 'bridgeFailed', callId, at: this.clock.now(), agentEndpoint, cause });
        this.idle(call);
        return;
      }
      call.state = 'bridging';
      call.agentEndpoint = agentEndpoint;
      agent.callId = callId;
      agent.phase = 'ringing';
      call.agentRing = this.after(call, this.timings.agentRingTimeoutSec, () => this.agentLegFailed(call, 'NO_ANSWER'));
      this.idle(call); // the customer waits in silence meanwhile
      const at = this.clock.now();
      this.emitAgent({ type: 'ringing', endpoint: agentEndpoint, callId, at, plannedTalkSec: call.plan.talkSec });
    });
  }

  async play(callId: CallId, prompt: Prompt): Promise<PlayResult> {
    return this.outbox.command(() => {
      const call = this.mediaReadyCall(callId);
      if (!prompt.text && !prompt.recording) throw new SoftswitchError('invalidRequest', 'a prompt needs text or a recording');
      return new Promise<PlayResult>((resolve) => {
        const done = this.after(call, promptSec(prompt, this.options.customer), () => {
          call.media = undefined;
          resolve({ completed: true });
          this.idle(call);
        });
        this.startMedia(call, () => {
          done.cancel();
          resolve({ completed: false });
        });
      });
    });
  }

  async playAndCollect(callId: CallId, req: CollectRequest): Promise<CollectResult> {
    return this.outbox.command(() => {
      const call = this.mediaReadyCall(callId);
      if (!(req.maxDigits >= 1) || !(req.timeoutSec > 0) || req.validDigits.length === 0) {
        throw new SoftswitchError('invalidRequest', 'maxDigits ≥ 1, timeoutSec > 0 and validDigits are required');
      }
      const promptEnd = promptSec(req.prompt, this.options.customer);
      // Machines press nothing.
      const drawn =
        call.plan.fate === 'machine'
          ? { result: { kind: 'noInput' } as const, afterSec: req.timeoutSec, keys: [] }
          : drawAnswer(req, this.options.customer ?? {}, call.answers);
      return new Promise<CollectResult>((resolve) => {
        const timers = drawn.keys.map((k) =>
          this.after(call, promptEnd + k.afterSec, () =>
            this.emit({ type: 'dtmf', callId, at: this.clock.now(), digit: k.digit }),
          ),
        );
        timers.push(
          this.after(call, promptEnd + drawn.afterSec, () => {
            call.media = undefined;
            this.emit({ type: 'collected', callId, at: this.clock.now(), key: req.key, result: drawn.result });
            resolve(drawn.result);
            this.idle(call);
          }),
        );
        this.startMedia(call, (reason) => {
          for (const t of timers) t.cancel();
          resolve(reason === 'hungUp' ? { kind: 'hungUp' } : { kind: 'noInput' });
        });
      });
    });
  }

  async hangup(callId: CallId, cause = 'NORMAL_CLEARING'): Promise<boolean> {
    return this.outbox.command(() => {
      const call = this.calls.get(callId);
      if (!call) return false;
      this.end(call, cause, 'local');
      return true;
    });
  }

  async activeCalls(): Promise<ActiveCall[]> {
    return [...this.calls.values()].map((c) => ({
      callId: c.req.callId,
      state: c.state,
      trunk: c.req.trunk,
      to: c.req.to,
      createdAt: c.createdAt,
      agentEndpoint: c.agentEndpoint,
      variables: { ...c.variables },
    }));
  }

  onEvent(listener: SoftswitchEventListener): () => void {
    return this.events.on(listener);
  }

  async health(): Promise<SoftswitchHealth> {
    const trunks = Object.fromEntries([...this.trunks].map(([id, t]) => [id, { used: t.used, capacity: t.capacity }]));
    return {
      ok: !this.closed,
      message: this.closed ? 'closed' : 'simulated',
      trunks,
      activeCalls: this.calls.size,
    };
  }

  /** Drops every call silently (as a crashed switch would: the dialer reconciles) and stops. */
  async close(): Promise<void> {
    this.closed = true;
    this.outbox.close();
    for (const call of this.calls.values()) {
      for (const t of call.timers) t.cancel();
      call.media?.stop('hungUp');
    }
    this.calls.clear();
    for (const t of this.trunks.values()) t.used = 0;
    for (const a of this.agents.values()) {
      a.callId = undefined;
      a.phase = 'idle';
      a.held = false;
      a.muted = false;
    }
  }

  // ---- the agent side (sim only; with FreeSWITCH this is the Verto softphone) ----

  /** An endpoint that can be bridged to. Auto endpoints end calls themselves, so the customer does not. */
  registerAgent(endpoint: string, options: { auto?: boolean } = {}): void {
    const existing = this.agents.get(endpoint);
    if (existing) existing.auto = options.auto ?? existing.auto;
    else this.agents.set(endpoint, { auto: options.auto ?? false, phase: 'idle', held: false, muted: false, digitsSent: '' });
  }

  unregisterAgent(endpoint: string): void {
    this.outbox.command(() => {
      this.agentHangupNow(endpoint, 'USER_NOT_REGISTERED');
      this.agents.delete(endpoint);
    });
  }

  /** The agent picks up a ringing call: false if nothing was ringing there. */
  agentAnswer(endpoint: string): boolean {
    return this.outbox.command(() => {
      const agent = this.agents.get(endpoint);
      const call = agent?.callId ? this.calls.get(agent.callId) : undefined;
      if (!agent || !call || agent.phase !== 'ringing') return false;
      call.agentRing?.cancel();
      call.patience?.cancel();
      call.patience = undefined;
      call.state = 'bridged';
      call.bridgedAt = this.clock.now();
      agent.phase = 'talking';
      this.engage(call, !agent.auto);
      const at = this.clock.now();
      this.emit({ type: 'bridged', callId: call.req.callId, at, agentEndpoint: endpoint });
      this.emitAgent({ type: 'connected', endpoint, callId: call.req.callId, at });
      return true;
    });
  }

  /** The agent hangs up (or declines a ringing call): false if the endpoint had no call. */
  agentHangup(endpoint: string): boolean {
    return this.outbox.command(() => this.agentHangupNow(endpoint, 'CALL_REJECTED'));
  }

  /** Puts the talking call on hold or takes it off: false if the endpoint is not talking. */
  agentHold(endpoint: string, on: boolean): boolean {
    const agent = this.agents.get(endpoint);
    if (agent?.phase !== 'talking') return false;
    agent.held = on;
    return true;
  }

  agentMute(endpoint: string, on: boolean): boolean {
    const agent = this.agents.get(endpoint);
    if (agent?.phase !== 'talking') return false;
    agent.muted = on;
    return true;
  }

  /** Sends DTMF tones on the agent's call: false if not talking or the digits are not DTMF. */
  agentDtmf(endpoint: string, digits: string): boolean {
    const agent = this.agents.get(endpoint);
    if (agent?.phase !== 'talking' || !/^[0-9*#A-D]{1,32}$/.test(digits)) return false;
    agent.digitsSent += digits;
    return true;
  }

  agentState(endpoint: string): {
    registered: boolean;
    auto: boolean;
    phase: SimAgent['phase'];
    callId?: CallId;
    held: boolean;
    muted: boolean;
    digitsSent: string;
  } {
    const a = this.agents.get(endpoint);
    return a
      ? {
          registered: true,
          auto: a.auto,
          phase: a.phase,
          callId: a.callId,
          held: a.held,
          muted: a.muted,
          digitsSent: a.digitsSent,
        }
      : { registered: false, auto: false, phase: 'idle', held: false, muted: false, digitsSent: '' };
  }

  onAgentEvent(listener: AgentEventListener): () => void {
    return this.agentEvents.on(listener);
  }

  // ---- call life ----

  private startCall(req: OriginateRequest): void {
    const plan = drawPlan(
      this.options.profile,
      this.timings,
      streamFor(this.seed, 'number', req.to),
      streamFor(this.seed, 'call', req.callId),
    );
    const call: SimCall = {
      req,
      variables: { ...req.variables },
      plan,
      answers: streamFor(this.seed, 'answers', req.callId),
      state: 'dialing',
      createdAt: this.clock.now(),
      verdictPending: false,
      machine: null,
      engaged: false,
      timers: new Set(),
    };
    this.calls.set(req.callId, call);
    const { progressSec, answerSec, rejectSec } = plan;
    if (rejectSec !== undefined) {
      this.after(call, rejectSec, () => this.end(call, plan.fate === 'busy' ? 'USER_BUSY' : 'UNALLOCATED_NUMBER', 'remote'));
    }
    if (progressSec !== undefined && progressSec < req.timeoutSec) {
      this.after(call, progressSec, () => {
        call.state = 'ringing';
        call.progressAt = this.clock.now();
        this.emit({ type: 'progress', callId: req.callId, at: call.progressAt, earlyMedia: false });
      });
    }
    // An answer that would come after the timeout never comes: the caller gave up first.
    if (answerSec !== undefined && answerSec < req.timeoutSec) this.after(call, answerSec, () => this.answer(call));
    call.noAnswer = this.after(call, req.timeoutSec, () => this.end(call, 'NO_ANSWER', 'local'));
  }

  private answer(call: SimCall): void {
    call.noAnswer?.cancel();
    call.state = 'answered';
    const answeredAt = this.clock.now();
    call.answeredAt = answeredAt;
    if (call.plan.fate === 'machine') {
      this.after(call, this.timings.machineHangupSec, () => this.end(call, 'NORMAL_CLEARING', 'remote'));
    } else {
      this.idle(call);
    }
    const callId = call.req.callId;
    if (!call.req.amd) {
      this.emit({ type: 'answered', callId, at: answeredAt, machine: null, answeredAt });
      return;
    }
    call.verdictPending = true;
    this.after(call, this.timings.amdDelaySec, () => {
      call.verdictPending = false;
      call.machine = call.plan.amdMachine;
      this.emit({ type: 'answered', callId, at: this.clock.now(), machine: call.machine, answeredAt });
    });
  }

  /** A human who answered and hears nothing hangs up after a while. */
  private idle(call: SimCall): void {
    const waiting = call.state === 'answered' || call.state === 'bridging';
    if (call.plan.fate === 'machine' || !waiting || call.media || call.patience) return;
    call.patience = this.after(call, call.plan.patienceSec, () => this.end(call, 'NORMAL_CLEARING', 'remote'));
  }

  /** The conversation starts: the customer will leave after the planned talk time. */
  private engage(call: SimCall, customerEnds: boolean): void {
    if (call.engaged) return;
    call.engaged = true;
    if (customerEnds && call.plan.fate !== 'machine') {
      this.after(call, call.plan.talkSec, () => this.end(call, 'NORMAL_CLEARING', 'remote'));
    }
  }

  /** A prompt starts: the customer stops waiting in silence and starts the conversation. */
  private startMedia(call: SimCall, stop: (reason: 'hungUp' | 'interrupted') => void): void {
    call.patience?.cancel();
    call.patience = undefined;
    this.engage(call, true);
    call.media = {
      stop: (reason) => {
        call.media = undefined;
        stop(reason);
      },
    };
  }

  private agentLegFailed(call: SimCall, cause: string): void {
    const endpoint = call.agentEndpoint;
    if (!endpoint) return;
    call.agentRing?.cancel();
    call.state = 'answered';
    call.agentEndpoint = undefined;
    this.releaseAgent(endpoint, call.req.callId);
    const at = this.clock.now();
    this.emit({ type: 'bridgeFailed', callId: call.req.callId, at, agentEndpoint: endpoint, cause });
    this.emitAgent({ type: 'ended', endpoint, callId: call.req.callId, at, cause });
    this.idle(call);
  }

  private agentHangupNow(endpoint: string, ringingCause: string): boolean {
    const agent = this.agents.get(endpoint);
    const call = agent?.callId ? this.calls.get(agent.callId) : undefined;
    if (!agent || !call) return false;
    if (agent.phase === 'ringing') this.agentLegFailed(call, ringingCause);
    else this.end(call, 'NORMAL_CLEARING', 'agent');
    return true;
  }

  private releaseAgent(endpoint: string, callId: CallId): void {
    const agent = this.agents.get(endpoint);
    if (agent?.callId !== callId) return;
    agent.callId = undefined;
    agent.phase = 'idle';
    agent.held = false;
    agent.muted = false;
    agent.digitsSent = '';
  }

  /** The final record; frees the channel and the agent. */
  private end(call: SimCall, cause: string, endedBy: EndedBy): void {
    const callId = call.req.callId;
    if (this.calls.get(callId) !== call) return;
    this.calls.delete(callId);
    const trunk = this.trunks.get(call.req.trunk);
    if (trunk) trunk.used = Math.max(0, trunk.used - 1);
    for (const t of call.timers) t.cancel();
    call.media?.stop('hungUp');
    const now = this.clock.now();
    if (call.verdictPending && call.answeredAt !== undefined) {
      this.emit({ type: 'answered', callId, at: now, machine: null, answeredAt: call.answeredAt }); // AMD undecided
    }
    if (call.agentEndpoint) {
      this.releaseAgent(call.agentEndpoint, callId);
      this.emitAgent({ type: 'ended', endpoint: call.agentEndpoint, callId, at: now, cause });
    }
    const c = causeOf(cause);
    const answeredAt = call.answeredAt;
    this.emit({
      type: 'hungUp',
      callId,
      at: now,
      cause: c.name,
      q850: c.code,
      outcome: c.outcome,
      endedBy,
      machine: answeredAt === undefined ? null : call.machine,
      agentEndpoint: call.bridgedAt !== undefined ? call.agentEndpoint : undefined,
      ringSec: sec((answeredAt ?? now) - call.createdAt),
      billSec: answeredAt === undefined ? 0 : sec(now - answeredAt),
      talkSec: call.bridgedAt === undefined ? 0 : sec(now - call.bridgedAt),
      durationSec: sec(now - call.createdAt),
      createdAt: call.createdAt,
      progressAt: call.progressAt,
      answeredAt,
      bridgedAt: call.bridgedAt,
      variables: call.variables,
    });
  }

  private failOriginate(req: OriginateRequest, cause: string, accepted: OriginateAccepted): OriginateAccepted {
    const c = causeOf(cause);
    const variables = { ...req.variables };
    this.emit({ type: 'originateFailed', callId: req.callId, at: this.clock.now(), cause: c.name, q850: c.code, variables });
    return accepted;
  }

  // ---- plumbing ----

  private answeredCall(callId: CallId): SimCall {
    this.assertOpen();
    const call = this.calls.get(callId);
    if (!call) throw new SoftswitchError('noSuchCall', `no such call ${callId}`);
    if (call.answeredAt === undefined || call.verdictPending)
      throw new SoftswitchError('notAnswered', `call ${callId} is not answered`);
    return call;
  }

  private mediaReadyCall(callId: CallId): SimCall {
    const call = this.answeredCall(callId);
    if (call.state !== 'answered' || call.media) throw new SoftswitchError('busy', `call ${callId} is busy (${call.state})`);
    return call;
  }

  private assertOpen(): void {
    if (this.closed) throw new SoftswitchError('closed', 'the switch is closed');
  }

  /** A timer owned by the call: cancelled when the call ends. */
  private after(call: SimCall, delaySec: number, fn: () => void): Timer {
    const timer = this.clock.setTimer(Math.round(ms(delaySec)), () => {
      call.timers.delete(timer);
      fn();
    });
    call.timers.add(timer);
    return timer;
  }

  private emit(event: SoftswitchEvent): void {
    this.events.emit(event);
  }

  private emitAgent(event: AgentEvent): void {
    this.agentEvents.emit(event);
  }
}

function validate(req: OriginateRequest): void {
  const bad = (message: string, cause?: string) => new SoftswitchError('invalidRequest', message, cause);
  if (!req.callId) throw bad('callId is required');
  if (!E164.test(req.to)) throw bad(`not an E.164 number: ${req.to}`, 'INVALID_NUMBER_FORMAT');
  if (!req.trunk) throw bad('trunk is required');
  if (!(req.timeoutSec > 0) || !Number.isFinite(req.timeoutSec)) throw bad('timeoutSec must be > 0');
}

export function createSimSwitch(options: SimSwitchOptions): SimSwitch {
  return new SimSwitch(options);
}
