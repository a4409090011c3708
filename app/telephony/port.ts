/**
 * The softswitch port: what the dialer asks of a telephone switch and what it hears back.
 * Two adapters implement it: the embedded simulator (`sim/`) and, later, FreeSWITCH over the
 * Event Socket. Every method and event maps onto one ESL command or event; see docs/telephony.md.
 *
 * Rules every adapter keeps:
 * - Waihu chooses the call id (ESL `origination_uuid`) and stores the attempt before originating,
 *   so every event can be correlated by it, whatever order the events arrive in.
 * - A resolved `originate` is followed by exactly one terminal event for that call: `hungUp`
 *   (a channel existed: the CDR) or `originateFailed` (it never reached the callee). A rejected
 *   `originate` created nothing and no event follows.
 * - Timestamps (`at`, `*At`) are milliseconds on the switch's clock (see `Clock`); at a time scale
 *   above 1 that clock runs faster than the wall clock.
 */
import type { OutcomeClass } from './q850';

export type CallId = string;

export interface OriginateRequest {
  /** Chosen by Waihu (a UUID): the attempt's id is the channel's id. */
  callId: CallId;
  /** E.164, e.g. +8613800138000. */
  to: string;
  /** The caller ID presented (a number from the caller-ID pool). */
  callerId: string;
  callerIdName?: string;
  /** Trunk id = FreeSWITCH gateway name. */
  trunk: string;
  /** Ring no longer than this (no-answer timeout, ESL `originate_timeout`). */
  timeoutSec: number;
  /** Custom channel variables (attemptId, taskId …); returned on terminal events. */
  variables?: Record<string, string>;
  /** Run answering-machine detection: `answered.machine` is then a verdict, else null. */
  amd: boolean;
}

export interface OriginateAccepted {
  callId: CallId;
  /** The background job's id (ESL `Job-UUID`). */
  jobId: string;
}

export interface Prompt {
  /** Text spoken by the switch's TTS. */
  text?: string;
  /** A recording (path or URL the switch can play). */
  recording?: string;
  /** BCP 47, e.g. zh-CN, en. */
  language: string;
}

export interface CollectRequest {
  prompt: Prompt;
  /** A name for the answer (the questionnaire node); the channel variable in ESL. */
  key?: string;
  minDigits?: number;
  maxDigits: number;
  /** Seconds to wait for input once the prompt has played. */
  timeoutSec: number;
  /** The keys that count, e.g. "123" or "0123456789*#". */
  validDigits: string;
  /** Also accept speech, where the switch can recognise it. */
  speech?: boolean;
}

export type CollectResult =
  | { kind: 'digits'; digits: string }
  | { kind: 'speech'; text: string; confidence: number }
  /** Keys outside `validDigits` were pressed. */
  | { kind: 'invalid'; digits: string }
  | { kind: 'noInput' }
  /** The call ended before an answer. */
  | { kind: 'hungUp' };

export interface PlayResult {
  /** False when the call ended (or the prompt was cut) before the prompt finished. */
  completed: boolean;
}

/** Who ended a call. */
export type EndedBy =
  /** the callee or its network (BYE, busy, reject, invalid) */
  | 'remote'
  /** the bridged agent */
  | 'agent'
  /** Waihu (`hangup`) or the switch (no-answer timeout, shutdown) */
  | 'local';

interface EventBase {
  callId: CallId;
  /** When it happened, ms on the switch clock. */
  at: number;
}

/** Ringing (180) or early media (183). */
export interface ProgressEvent extends EventBase {
  type: 'progress';
  earlyMedia: boolean;
}

export interface AnsweredEvent extends EventBase {
  type: 'answered';
  /** The AMD verdict: true machine, false human, null when AMD was off or undecided. */
  machine: boolean | null;
  /** When the far end answered (with AMD, `at` is when the verdict came, later). */
  answeredAt: number;
}

export interface BridgedEvent extends EventBase {
  type: 'bridged';
  agentEndpoint: string;
}

/** The agent leg could not be connected; the customer stays on the line. */
export interface BridgeFailedEvent extends EventBase {
  type: 'bridgeFailed';
  agentEndpoint: string;
  cause: string;
}

export interface DtmfEvent extends EventBase {
  type: 'dtmf';
  digit: string;
}

export interface CollectedEvent extends EventBase {
  type: 'collected';
  key?: string;
  result: CollectResult;
}

/** The final record of a call that had a channel (ESL CHANNEL_HANGUP_COMPLETE). */
export interface HungUpEvent extends EventBase {
  type: 'hungUp';
  /** FreeSWITCH cause name, e.g. NORMAL_CLEARING, USER_BUSY, NO_ANSWER. */
  cause: string;
  /** Q.850 code as reported (internal causes report 16). */
  q850: number;
  outcome: OutcomeClass;
  endedBy: EndedBy;
  /** null: not answered, or answered without AMD. */
  machine: boolean | null;
  agentEndpoint?: string;
  /** Originate to answer, or to the end when never answered. */
  ringSec: number;
  /** Answer to end (0 if never answered). */
  billSec: number;
  /** Bridged to an agent until the end (0 if never bridged). */
  talkSec: number;
  durationSec: number;
  createdAt: number;
  progressAt?: number;
  answeredAt?: number;
  bridgedAt?: number;
  variables: Record<string, string>;
  /** Where the switch recorded the call (FreeSWITCH `record_session`), when recording is on. */
  recordingPath?: string;
}

/** The call never reached the callee: gateway or carrier refused it (capacity, down, throttle). */
export interface OriginateFailedEvent extends EventBase {
  type: 'originateFailed';
  cause: string;
  q850: number;
  variables: Record<string, string>;
}

export type SoftswitchEvent =
  | ProgressEvent
  | AnsweredEvent
  | BridgedEvent
  | BridgeFailedEvent
  | DtmfEvent
  | CollectedEvent
  | HungUpEvent
  | OriginateFailedEvent;

export type SoftswitchEventListener = (event: SoftswitchEvent) => void;

export type CallState = 'dialing' | 'ringing' | 'answered' | 'bridging' | 'bridged';

/** A live call, for reconciliation after a restart (ESL `show channels as json`). */
export interface ActiveCall {
  callId: CallId;
  state: CallState;
  trunk: string;
  to: string;
  createdAt: number;
  agentEndpoint?: string;
  variables: Record<string, string>;
}

export interface SoftswitchHealth {
  ok: boolean;
  message?: string;
  /** Channels in use and capacity per trunk. */
  trunks: Record<string, { used: number; capacity: number }>;
  activeCalls: number;
}

export interface Softswitch {
  /** Resolves when the switch accepted the job; rejects (SoftswitchError) if nothing was started. */
  originate(request: OriginateRequest): Promise<OriginateAccepted>;
  /** Rings the agent's endpoint and connects it: then `bridged`, or `bridgeFailed`. */
  bridge(callId: CallId, agentEndpoint: string): Promise<void>;
  /** Resolves when the prompt has played (or the call ended). */
  play(callId: CallId, prompt: Prompt): Promise<PlayResult>;
  /** Plays the prompt and waits for input; also emits `dtmf` and `collected` events. */
  playAndCollect(callId: CallId, request: CollectRequest): Promise<CollectResult>;
  /** Ends the call with a cause (default NORMAL_CLEARING). False when no such call: harmless. */
  hangup(callId: CallId, cause?: string): Promise<boolean>;
  /** Live calls, to reconcile attempts after a restart. */
  activeCalls(): Promise<ActiveCall[]>;
  /** Returns the unsubscribe function. */
  onEvent(listener: SoftswitchEventListener): () => void;
  health(): Promise<SoftswitchHealth>;
  /** Stops the adapter; later commands reject with reason `closed`. */
  close(): Promise<void>;
}

export type SoftswitchErrorReason = 'closed' | 'invalidRequest' | 'duplicateCall' | 'noSuchCall' | 'notAnswered' | 'busy';

/** A command the switch refused outright (ESL `-ERR` reply to the command itself). */
export class SoftswitchError extends Error {
  constructor(
    readonly reason: SoftswitchErrorReason,
    message: string,
    /** The hangup cause a switch would give, when there is one (e.g. INVALID_NUMBER_FORMAT). */
    readonly hangupCause?: string,
  ) {
    super(message);
    this.name = 'SoftswitchError';
  }
}

/** E.164: a plus, a non-zero country digit, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
