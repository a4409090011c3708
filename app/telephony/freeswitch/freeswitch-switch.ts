/**
 * The softswitch port on FreeSWITCH over the Event Socket (docs/telephony.md has the mapping table).
 * State is keyed on `Unique-ID` = the call id we chose (`origination_uuid`), so ESL's loose event order
 * needs no special path and the loopback `-b` legs (other uuids) are simply not ours. One terminal
 * event per call: a call whose channel showed up ends on its CHANNEL_HANGUP_COMPLETE; a `-ERR` job
 * with no channel ends it at once as `originateFailed`.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, realClock } from '../clock';
import type {
  ActiveCall,
  CallId,
  CallState,
  CollectRequest,
  CollectResult,
  EndedBy,
  OriginateAccepted,
  OriginateRequest,
  PlayResult,
  Prompt,
  Softswitch,
  SoftswitchEvent,
  SoftswitchEventListener,
  SoftswitchHealth,
} from '../port';
import { E164, SoftswitchError } from '../port';
import { causeOf } from '../q850';
import { appArg, digitsRegex, jobError, originateCommand, parseGatewayState, waihuVariable } from './commands';
import { defaultSipDialString, type FreeswitchConfig, type FreeswitchOptions } from './config';
import { EslClient, type EslLogger } from './esl-client';
import type { EslEvent } from './event';

/** The events the adapter needs (CUSTOM avmd::beep is added in avmd mode). */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_EXECUTE_COMPLETE',
  'DTMF',
  'BACKGROUND_JOB',
];

/** How long the switch's own health answer is reused. */
const HEALTH_TTL_MS = 5000;

/** Causes after which the switch, not the callee, ended the call. */
const LOCAL_CAUSES = new Set([
  'NO_ANSWER',
  'ORIGINATOR_CANCEL',
  'ALLOTTED_TIMEOUT',
  'SYSTEM_SHUTDOWN',
  'MANAGER_REQUEST',
  'LOSE_RACE',
]);

/** A row of `show channels as json`. */
interface ChannelRow {
  uuid: string;
  name?: string;
  callstate?: string;
  dest?: string;
  created_epoch?: string;
}

interface Media {
  appUuid: string;
  kind: 'play' | 'collect';
  key?: string;
  variable?: string;
  validDigits?: string;
  resolve: (result: PlayResult | CollectResult) => void;
}

interface AgentLeg {
  legId: string;
  callId: CallId;
  endpoint: string;
  state: 'ringing' | 'bridging' | 'bridged' | 'ended';
  hangupCause?: string;
}

interface Call {
  request: OriginateRequest;
  createdAt: number;
  channelSeen: boolean;
  state: CallState;
  progressAt?: number;
  answeredAt?: number;
  answeredSent: boolean;
  amdTimer?: NodeJS.Timeout;
  machine: boolean | null;
  bridgedAt?: number;
  agentEndpoint?: string;
  agent?: AgentLeg;
  agentEnded: boolean;
  localHangup: boolean;
  recordingPath?: string;
  media?: Media;
  ended: boolean;
}

export interface FreeswitchSwitchDeps {
  /** An ESL client to use (tests, replay); default: one made from the config. */
  client?: EslClient;
  /** Ids for Job-UUID, agent legs and Event-UUID (tests replaying recordings); default randomUUID. */
  ids?: () => string;
  clock?: Clock;
  log?: EslLogger;
}

const µsToMs = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n / 1000 : undefined;
};

/** yyyy-mm-dd in UTC, the folder of a day's recordings. */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class FreeswitchSoftswitch implements Softswitch {
  readonly clock: Clock;
  readonly client: EslClient;
  private readonly calls = new Map<CallId, Call>();
  private readonly legs = new Map<string, AgentLeg>();
  /** Job-UUID → whose job (a customer call or an agent leg). */
  private readonly jobs = new Map<string, { kind: 'call'; callId: CallId } | { kind: 'agent'; legId: string }>();
  /** Originates whose acceptance was lost with the connection: killed after reconnect so nothing rings untracked. */
  private readonly orphans = new Set<CallId>();
  private readonly listeners = new Set<SoftswitchEventListener>();
  private readonly ids: () => string;
  private closed = false;
  private reconciling: Promise<void> | null = null;
  private switchState: { at: number; ok: boolean; message?: string } | null = null;

  constructor(
    private readonly config: FreeswitchConfig,
    private readonly options: FreeswitchOptions = {},
    deps: FreeswitchSwitchDeps = {},
  ) {
    this.clock = deps.clock ?? realClock();
    this.ids = deps.ids ?? randomUUID;
    this.client =
      deps.client ??
      new EslClient({
        host: config.eslHost,
        port: config.eslPort,
        password: config.eslPassword,
        events: config.amd === 'avmd' ? [...SUBSCRIBED_EVENTS, 'CUSTOM', 'avmd::beep'] : SUBSCRIBED_EVENTS,
        maxPending: options.maxPending,
        commandTimeoutMs: options.commandTimeoutMs,
        reconnect: options.reconnect,
        log: deps.log,
      });
    this.client.on('event', (e) => this.onEsl(e));
    this.client.on('ready', ({ reconnected }) => {
      if (reconnected) this.reconciling = this.reconcile().finally(() => (this.reconciling = null));
    });
  }

  /** Connects (auth + subscribe). Commands issued before wait for the connection. */
  start(): Promise<void> {
    return this.client.connect();
  }

  /** Resolves when a reconcile after a reconnect has finished (tests, the contract suite). */
  async settled(): Promise<void> {
    await this.reconciling;
  }

  onEvent(listener: SoftswitchEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async originate(request: OriginateRequest): Promise<OriginateAccepted> {
    this.assertOpen();
    if (!E164.test(request.to)) {
      throw new SoftswitchError('invalidRequest', `not an E.164 number: ${request.to}`, 'INVALID_NUMBER_FORMAT');
    }
    if (this.calls.has(request.callId)) throw new SoftswitchError('duplicateCall', `call ${request.callId} exists`);
    if (!(request.timeoutSec > 0)) throw new SoftswitchError('invalidRequest', 'timeoutSec must be > 0');
    const now = this.clock.now();
    const call: Call = {
      request,
      createdAt: now,
      channelSeen: false,
      state: 'dialing',
      answeredSent: false,
      machine: null,
      agentEnded: false,
      localHangup: false,
      ended: false,
    };
    const trunk = this.options.trunks?.find((t) => t.id === request.trunk);
    if (trunk && this.used(request.trunk) >= trunk.capacity) {
      // Over the gateway's channels: fail at once, as the sim does (never the number's fault).
      const jobId = this.ids();
      this.calls.set(request.callId, call);
      setImmediate(() => this.failOriginate(call, 'NORMAL_TEMPORARY_FAILURE'));
      return { callId: request.callId, jobId };
    }
    const vars: Record<string, string | number | boolean> = {
      origination_uuid: request.callId,
      origination_caller_id_number: request.callerId,
    };
    if (request.callerIdName) vars.origination_caller_id_name = request.callerIdName;
    vars.originate_timeout = Math.ceil(request.timeoutSec);
    vars.ignore_early_media = true;
    vars.tts_engine = this.config.tts.engine;
    if (this.config.tts.voice) vars.tts_voice = this.config.tts.voice;
    for (const [key, value] of Object.entries(request.variables ?? {})) vars[waihuVariable(key)] = value;
    let onAnswer = 0;
    if (this.config.recordingPath) {
      call.recordingPath = `${this.config.recordingPath.replace(/\/+$/, '')}/${day(now)}/${request.callId}.wav`;
      vars[`execute_on_answer_${++onAnswer}`] = `record_session ${call.recordingPath}`;
    }
    if (request.amd && this.config.amd === 'amd') vars[`execute_on_answer_${++onAnswer}`] = 'amd';
    if (request.amd && this.config.amd === 'avmd') vars[`execute_on_answer_${++onAnswer}`] = 'avmd_start';
    const dial = (this.options.dialString ?? defaultSipDialString)(request.trunk, request.to);
    const command = originateCommand(vars, dial);
    const jobId = this.ids();
    // Stored before sending: events may arrive before the reply.
    this.calls.set(request.callId, call);
    this.jobs.set(jobId, { kind: 'call', callId: request.callId });
    try {
      await this.client.bgapi(command, jobId);
    } catch (error) {
      // Rejected: no event may follow. If FreeSWITCH may have started it anyway (the reply was lost
      // or late), the call is killed once the connection is back.
      this.jobs.delete(jobId);
      call.ended = true;
      this.calls.delete(request.callId);
      const kind = (error as { kind?: string }).kind;
      if (kind === 'connection' || kind === 'timeout' || call.channelSeen) this.orphans.add(request.callId);
      if (call.channelSeen && this.client.isReady) void this.killOrphans();
      throw new SoftswitchError('closed', `originate not accepted: ${(error as Error).message}`);
    }
    return { callId: request.callId, jobId };
  }

  async bridge(callId: CallId, agentEndpoint: string): Promise<void> {
    // A running prompt is cut by uuid_bridge (its EXECUTE_COMPLETE resolves it), as the port says.
    const call = this.answeredCall(callId);
    const legId = this.ids();
    const leg: AgentLeg = { legId, callId, endpoint: agentEndpoint, state: 'ringing' };
    const dial = this.config.agentDialString ? this.config.agentDialString(agentEndpoint) : agentEndpoint;
    const command = originateCommand(
      {
        origination_uuid: legId,
        origination_caller_id_number: call.request.callerId,
        originate_timeout: this.options.agentRingTimeoutSec ?? 20,
        ignore_early_media: true,
        waihu_call_id: callId,
        ...Object.fromEntries(Object.entries(call.request.variables ?? {}).map(([k, v]) => [waihuVariable(k), v])),
      },
      dial,
    );
    const jobId = this.ids();
    call.state = 'bridging';
    call.agent = leg;
    this.legs.set(legId, leg);
    this.jobs.set(jobId, { kind: 'agent', legId });
    try {
      await this.client.bgapi(command, jobId);
    } catch (error) {
      this.jobs.delete(jobId);
      this.legs.delete(legId);
      call.agent = undefined;
      if (call.state === 'bridging') call.state = 'answered';
      throw new SoftswitchError('closed', `agent leg not started: ${(error as Error).message}`);
    }
  }

  async play(callId: CallId, prompt: Prompt): Promise<PlayResult> {
    const call = this.mediaReadyCall(callId);
    if (!prompt.text && !prompt.recording) throw new SoftswitchError('invalidRequest', 'a prompt needs text or a recording');
    const appUuid = this.ids();
    const [app, arg] = prompt.recording
      ? ['playback', prompt.recording]
      : ['speak', `${this.config.tts.engine}|${this.config.tts.voice}|${prompt.text!.replace(/[\r\n]+/g, ' ')}`];
    return (await this.execute(call, { appUuid, kind: 'play' }, app, arg)) as PlayResult;
  }

  async playAndCollect(callId: CallId, req: CollectRequest): Promise<CollectResult> {
    const call = this.mediaReadyCall(callId);
    if (!(req.maxDigits >= 1) || !(req.timeoutSec > 0) || req.validDigits.length === 0) {
      throw new SoftswitchError('invalidRequest', 'playAndCollect needs maxDigits ≥ 1, timeoutSec > 0 and validDigits');
    }
    const prompt = req.prompt.recording ?? (req.prompt.text ? `say:${req.prompt.text}` : null);
    if (!prompt) throw new SoftswitchError('invalidRequest', 'a prompt needs text or a recording');
    const variable = waihuVariable(req.key ?? 'answer');
    const min = Math.max(1, req.minDigits ?? 1);
    const terminator = req.validDigits.includes('#') ? 'none' : '#';
    const arg = [
      min,
      req.maxDigits,
      1,
      Math.round(req.timeoutSec * 1000),
      terminator,
      appArg(prompt),
      'silence_stream://250',
      variable,
      appArg(digitsRegex(req.validDigits, min, req.maxDigits)),
      3000,
    ].join(' ');
    const appUuid = this.ids();
    const media: Media = { appUuid, kind: 'collect', key: req.key, variable, validDigits: req.validDigits, resolve: () => {} };
    return (await this.execute(call, media, 'play_and_get_digits', arg)) as CollectResult;
  }

  async hangup(callId: CallId, cause = 'NORMAL_CLEARING'): Promise<boolean> {
    this.assertOpen();
    const call = this.calls.get(callId);
    if (call?.ended) return false;
    if (call) call.localHangup = true;
    const reply = await this.client.api(`uuid_kill ${callId} ${cause}`);
    if (reply.startsWith('+OK')) return true;
    if (call && !call.ended) call.localHangup = false;
    return false;
  }

  async activeCalls(): Promise<ActiveCall[]> {
    this.assertOpen();
    const text = await this.client.api('show channels as json');
    let rows: ChannelRow[] = [];
    try {
      rows = (JSON.parse(text) as { rows?: ChannelRow[] }).rows ?? [];
    } catch {
      throw new Error(`show channels as json: unreadable answer ${JSON.stringify(text.slice(0, 80))}`);
    }
    const result: ActiveCall[] = [];
    for (const row of rows) {
      if (this.legs.has(row.uuid) || /^loopback\/.*-b$/.test(row.name ?? '')) continue;
      const call = this.calls.get(row.uuid);
      result.push({
        callId: row.uuid,
        state: call?.state ?? (row.callstate === 'ACTIVE' ? 'answered' : 'ringing'),
        trunk: call?.request.trunk ?? '',
        to: call?.request.to ?? row.dest ?? '',
        createdAt: call?.createdAt ?? Number(row.created_epoch) * 1000,
        agentEndpoint: call?.agentEndpoint,
        variables: { ...(call?.request.variables ?? {}) },
      });
    }
    return result;
  }

  /**
   * Channel counts are ours (instant); the switch's own state (`status`, each gateway) is asked at
   * most every `HEALTH_TTL_MS`, since the dialer asks for health on every pacing round.
   */
  async health(): Promise<SoftswitchHealth> {
    const activeCalls = [...this.calls.values()].filter((c) => !c.ended).length;
    const trunks: SoftswitchHealth['trunks'] = {};
    for (const t of this.options.trunks ?? []) trunks[t.id] = { used: this.used(t.id), capacity: t.capacity };
    if (this.closed || !this.client.isReady) {
      const message = this.closed ? 'closed' : (this.client.failure?.message ?? `not connected to ${this.client.where}`);
      return { ok: false, message, trunks, activeCalls };
    }
    const now = this.clock.now();
    if (!this.switchState || now - this.switchState.at >= HEALTH_TTL_MS) {
      this.switchState = { at: now, ...(await this.askSwitchState()) };
    }
    return { ok: this.switchState.ok, message: this.switchState.message, trunks, activeCalls };
  }

  private async askSwitchState(): Promise<{ ok: boolean; message?: string }> {
    const status = await this.client.api('status');
    const problems: string[] = [];
    if (!status.startsWith('UP')) problems.push(status.split('\n')[0] ?? status);
    for (const t of this.options.trunks ?? []) {
      const state = parseGatewayState(await this.client.api(`sofia status gateway ${t.id}`));
      if (state === null) problems.push(`gateway ${t.id} is not configured`);
      else if (state !== 'REGED' && state !== 'NOREG') problems.push(`gateway ${t.id} is ${state}`);
    }
    return { ok: problems.length === 0, message: problems.join('; ') || status.split('\n')[1] };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.calls.values()) {
      clearTimeout(call.amdTimer);
      call.media?.resolve(call.media.kind === 'play' ? { completed: false } : { kind: 'hungUp' });
      call.media = undefined;
    }
    await this.client.close();
  }

  // --- ESL events -----------------------------------------------------------------------------

  private onEsl(e: EslEvent): void {
    if (e.name === 'BACKGROUND_JOB') {
      this.onJob(e);
      return;
    }
    const uuid = e.headers['Unique-ID'];
    if (!uuid) return;
    const leg = this.legs.get(uuid);
    if (leg) {
      this.onAgentLeg(leg, e);
      return;
    }
    const call = this.calls.get(uuid);
    if (!call || call.ended) return;
    call.channelSeen = true;
    const at = this.at(e);
    switch (e.name) {
      case 'CHANNEL_PROGRESS':
      case 'CHANNEL_PROGRESS_MEDIA':
        if (call.progressAt === undefined && call.answeredAt === undefined) {
          call.progressAt = at;
          call.state = 'ringing';
          this.emit({ type: 'progress', callId: uuid, at, earlyMedia: e.name === 'CHANNEL_PROGRESS_MEDIA' });
        }
        break;
      case 'CHANNEL_ANSWER':
        if (call.answeredAt === undefined) this.onAnswer(call, e, at);
        break;
      case 'CHANNEL_EXECUTE_COMPLETE':
        this.onExecuteComplete(call, e, at);
        break;
      case 'CUSTOM':
        if (e.headers['Event-Subclass'] === 'avmd::beep' && call.answeredAt !== undefined) {
          call.machine = true;
          this.sendAnswered(call, at);
        }
        break;
      case 'CHANNEL_BRIDGE':
        if (call.agent && call.state !== 'bridged') {
          call.agent.state = 'bridged';
          call.state = 'bridged';
          call.bridgedAt = at;
          call.agentEndpoint = call.agent.endpoint;
          if (call.media) {
            call.media.resolve(call.media.kind === 'play' ? { completed: false } : { kind: 'noInput' });
            call.media = undefined;
          }
          this.emit({ type: 'bridged', callId: uuid, at, agentEndpoint: call.agent.endpoint });
        }
        break;
      case 'CHANNEL_UNBRIDGE':
        // The agent leg went away while ours is still up (recorded: its HANGUP_COMPLETE comes after ours).
        if (!call.localHangup && e.headers.variable_bridge_hangup_cause && e.headers['Answer-State'] !== 'hangup')
          call.agentEnded = true;
        break;
      case 'DTMF':
        if (e.headers['DTMF-Digit']) this.emit({ type: 'dtmf', callId: uuid, at, digit: e.headers['DTMF-Digit'] });
        break;
      case 'CHANNEL_HANGUP_COMPLETE':
        this.onHangupComplete(call, e, at);
        break;
    }
  }

  private onAnswer(call: Call, e: EslEvent, at: number): void {
    call.answeredAt = µsToMs(e.headers['Caller-Channel-Answered-Time']) ?? at;
    call.state = 'answered';
    if (!call.request.amd || this.config.amd === 'off') {
      this.sendAnswered(call, at);
      return;
    }
    // mod_amd reports on the `amd` app's EXECUTE_COMPLETE; mod_avmd only hears beeps: wait a window.
    if (this.config.amd === 'avmd') {
      const windowMs = (this.options.avmdWindowSec ?? 4) * 1000;
      call.amdTimer = setTimeout(() => this.sendAnswered(call, this.clock.now()), windowMs);
    }
  }

  private sendAnswered(call: Call, at: number): void {
    clearTimeout(call.amdTimer);
    if (call.answeredSent || call.ended || call.answeredAt === undefined) return;
    call.answeredSent = true;
    this.emit({ type: 'answered', callId: call.request.callId, at, machine: call.machine, answeredAt: call.answeredAt });
  }

  private onExecuteComplete(call: Call, e: EslEvent, at: number): void {
    const app = e.headers.Application;
    if (app === 'amd' && !call.answeredSent) {
      const verdict = e.headers.variable_amd_result;
      call.machine = verdict === 'MACHINE' ? true : verdict === 'HUMAN' ? false : null;
      this.sendAnswered(call, at);
      return;
    }
    const media = call.media;
    if (!media || e.headers['Application-UUID'] !== media.appUuid) return;
    call.media = undefined;
    if (media.kind === 'play') {
      const response = e.headers['Application-Response'] ?? '';
      media.resolve({ completed: !/ERROR|NOT FOUND|BREAK/i.test(response) && e.headers['Answer-State'] !== 'hangup' });
      return;
    }
    const result = this.collectResult(media, e);
    media.resolve(result);
    this.emit({ type: 'collected', callId: call.request.callId, at, key: media.key, result });
  }

  private collectResult(media: Media, e: EslEvent): CollectResult {
    const digits = media.variable ? e.headers[`variable_${media.variable}`] : undefined;
    const outcome = e.headers.variable_read_result;
    if (outcome === 'success' && digits) return { kind: 'digits', digits };
    const invalid = media.variable ? e.headers[`variable_${media.variable}_invalid`] : undefined;
    if (invalid) return { kind: 'invalid', digits: invalid };
    if (e.headers['Answer-State'] === 'hangup') return { kind: 'hungUp' };
    return { kind: 'noInput' };
  }

  private onHangupComplete(call: Call, e: EslEvent, at: number): void {
    const h = e.headers;
    const cause = h['Hangup-Cause'] ?? h.variable_hangup_cause ?? 'NORMAL_CLEARING';
    const q850 = Number(h.variable_hangup_cause_q850) || causeOf(cause).code;
    const createdAt = µsToMs(h['Caller-Channel-Created-Time']) ?? call.createdAt;
    const hangupAt = µsToMs(h['Caller-Channel-Hangup-Time']) ?? at;
    const answeredAt = µsToMs(h['Caller-Channel-Answered-Time']) ?? call.answeredAt;
    const progress = [
      µsToMs(h['Caller-Channel-Progress-Time']),
      µsToMs(h['Caller-Channel-Progress-Media-Time']),
      call.progressAt,
    ];
    const progressAt = progress.filter((v): v is number => v !== undefined).sort((a, b) => a - b)[0];
    const billMs = Number(h.variable_billmsec);
    const durationMs = Number(h.variable_mduration);
    if (h.variable_amd_result && call.machine === null)
      call.machine = h.variable_amd_result === 'MACHINE' ? true : h.variable_amd_result === 'HUMAN' ? false : null;
    if (h.variable_avmd_detect === 'TRUE') call.machine = true;
    const sec = (ms: number) => Math.max(0, Math.round(ms) / 1000);
    this.finish(call, {
      type: 'hungUp',
      callId: call.request.callId,
      at,
      cause,
      q850,
      outcome: causeOf(cause, q850).outcome,
      endedBy: this.endedBy(call, cause, h),
      machine: answeredAt !== undefined ? call.machine : null,
      agentEndpoint: call.agentEndpoint,
      ringSec: sec((answeredAt ?? hangupAt) - createdAt),
      billSec: answeredAt === undefined ? 0 : sec(Number.isFinite(billMs) ? billMs : hangupAt - answeredAt),
      talkSec: call.bridgedAt === undefined ? 0 : sec(hangupAt - call.bridgedAt),
      durationSec: sec(Number.isFinite(durationMs) ? durationMs : hangupAt - createdAt),
      createdAt,
      progressAt,
      answeredAt,
      bridgedAt: call.bridgedAt,
      variables: { ...(call.request.variables ?? {}) },
      ...(call.recordingPath && answeredAt !== undefined ? { recordingPath: call.recordingPath } : {}),
    });
  }

  private endedBy(call: Call, cause: string, h: Record<string, string>): EndedBy {
    if (call.localHangup) return 'local';
    if (call.agentEnded) return 'agent';
    if (LOCAL_CAUSES.has(cause)) return 'local';
    const disposition = h.variable_sip_hangup_disposition ?? h.variable_verto_hangup_disposition ?? '';
    if (disposition.startsWith('send_')) return 'local';
    return 'remote';
  }

  private onJob(e: EslEvent): void {
    const jobId = e.headers['Job-UUID'];
    const owner = jobId ? this.jobs.get(jobId) : undefined;
    if (!owner || !jobId) return;
    this.jobs.delete(jobId);
    const cause = jobError(e.body ?? '');
    if (owner.kind === 'agent') {
      const leg = this.legs.get(owner.legId);
      if (leg) void this.onAgentJob(leg, cause);
      return;
    }
    const call = this.calls.get(owner.callId);
    // A channel existed: its HANGUP_COMPLETE (before or after this) is the final record.
    if (call && cause && !call.channelSeen && !call.ended) this.failOriginate(call, cause);
  }

  private failOriginate(call: Call, cause: string): void {
    const { code } = causeOf(cause);
    this.finish(call, {
      type: 'originateFailed',
      callId: call.request.callId,
      at: this.clock.now(),
      cause,
      q850: code,
      variables: { ...(call.request.variables ?? {}) },
    });
  }

  private async onAgentJob(leg: AgentLeg, cause: string | null): Promise<void> {
    const call = this.calls.get(leg.callId);
    if (cause) return this.failBridge(leg, cause);
    if (!call || call.ended) {
      await this.client.api(`uuid_kill ${leg.legId}`).catch(() => undefined);
      return this.failBridge(leg, 'ORIGINATOR_CANCEL');
    }
    leg.state = 'bridging';
    let reply: string;
    try {
      reply = await this.client.api(`uuid_bridge ${call.request.callId} ${leg.legId}`);
    } catch (error) {
      reply = `-ERR ${(error as Error).message}`;
    }
    if (!reply.startsWith('+OK')) {
      await this.client.api(`uuid_kill ${leg.legId}`).catch(() => undefined);
      this.failBridge(leg, leg.hangupCause ?? 'NORMAL_TEMPORARY_FAILURE');
    }
  }

  private failBridge(leg: AgentLeg, cause: string): void {
    if (leg.state === 'ended' || leg.state === 'bridged') return;
    leg.state = 'ended';
    this.legs.delete(leg.legId);
    const call = this.calls.get(leg.callId);
    if (!call || call.ended) return;
    call.agent = undefined;
    call.state = 'answered';
    this.emit({ type: 'bridgeFailed', callId: leg.callId, at: this.clock.now(), agentEndpoint: leg.endpoint, cause });
  }

  private onAgentLeg(leg: AgentLeg, e: EslEvent): void {
    if (e.name !== 'CHANNEL_HANGUP_COMPLETE') return;
    leg.hangupCause = e.headers['Hangup-Cause'];
    const call = this.calls.get(leg.callId);
    if (leg.state === 'bridged') {
      if (call && !call.ended && !call.localHangup) call.agentEnded = true;
      this.legs.delete(leg.legId);
    } else if (leg.state === 'bridging') this.failBridge(leg, leg.hangupCause ?? 'NORMAL_CLEARING');
    // Still ringing: the job's -ERR <cause> reports it.
  }

  private finish(call: Call, event: SoftswitchEvent): void {
    if (call.ended) return;
    call.ended = true;
    clearTimeout(call.amdTimer);
    if (call.media) {
      call.media.resolve(call.media.kind === 'play' ? { completed: false } : { kind: 'hungUp' });
      call.media = undefined;
    }
    const leg = call.agent;
    if (leg && (leg.state === 'ringing' || leg.state === 'bridging')) {
      // The customer left while the agent's phone rang: stop it ringing.
      leg.state = 'ended';
      this.legs.delete(leg.legId);
      void this.client.api(`uuid_kill ${leg.legId} ORIGINATOR_CANCEL`).catch(() => undefined);
    }
    this.calls.delete(call.request.callId);
    this.emit(event);
  }

  // --- reconcile after a reconnect ------------------------------------------------------------

  /**
   * Events sent while the socket was down are lost. For each call we still track, ask FreeSWITCH:
   * alive → carry on (a prompt in progress is reported as cut); gone → a terminal event from what we
   * know (`hungUp` NORMAL_CLEARING if it was answered, else UNKNOWN; `originateFailed` UNKNOWN if no
   * channel was ever seen). Originates whose acceptance was lost are killed; ringing agent legs are
   * killed and reported as `bridgeFailed` NORMAL_TEMPORARY_FAILURE.
   */
  private async reconcile(): Promise<void> {
    await this.killOrphans();
    for (const leg of [...this.legs.values()]) {
      if (leg.state === 'bridged') continue;
      await this.client.api(`uuid_kill ${leg.legId}`).catch(() => undefined);
      this.failBridge(leg, 'NORMAL_TEMPORARY_FAILURE');
    }
    for (const call of [...this.calls.values()]) {
      if (call.ended) continue;
      let alive: boolean;
      try {
        alive = (await this.client.api(`uuid_exists ${call.request.callId}`)).trim() === 'true';
      } catch {
        return; // dropped again: the next reconnect reconciles
      }
      if (call.ended) continue;
      if (alive) {
        if (call.media) {
          call.media.resolve(call.media.kind === 'play' ? { completed: false } : { kind: 'noInput' });
          call.media = undefined;
        }
        continue;
      }
      this.reconcileGone(call);
    }
  }

  private async killOrphans(): Promise<void> {
    for (const callId of [...this.orphans]) {
      this.orphans.delete(callId);
      await this.client.api(`uuid_kill ${callId} ORIGINATOR_CANCEL`).catch(() => undefined);
    }
  }

  private reconcileGone(call: Call): void {
    if (!call.channelSeen) {
      this.failOriginate(call, 'UNKNOWN');
      return;
    }
    const at = this.clock.now();
    const cause = call.answeredAt !== undefined ? 'NORMAL_CLEARING' : 'UNKNOWN';
    const q850 = causeOf(cause).code;
    const sec = (ms: number) => Math.max(0, Math.round(ms) / 1000);
    this.finish(call, {
      type: 'hungUp',
      callId: call.request.callId,
      at,
      cause,
      q850,
      outcome: causeOf(cause).outcome,
      endedBy: call.localHangup ? 'local' : 'remote',
      machine: call.answeredAt !== undefined ? call.machine : null,
      agentEndpoint: call.agentEndpoint,
      ringSec: sec((call.answeredAt ?? at) - call.createdAt),
      billSec: call.answeredAt === undefined ? 0 : sec(at - call.answeredAt),
      talkSec: call.bridgedAt === undefined ? 0 : sec(at - call.bridgedAt),
      durationSec: sec(at - call.createdAt),
      createdAt: call.createdAt,
      progressAt: call.progressAt,
      answeredAt: call.answeredAt,
      bridgedAt: call.bridgedAt,
      variables: { ...(call.request.variables ?? {}), reconciled: 'true' },
      ...(call.recordingPath && call.answeredAt !== undefined ? { recordingPath: call.recordingPath } : {}),
    });
  }

  // --- helpers --------------------------------------------------------------------------------

  private async execute(
    call: Call,
    media: Omit<Media, 'resolve'>,
    app: string,
    arg: string,
  ): Promise<PlayResult | CollectResult> {
    const done = new Promise<PlayResult | CollectResult>((resolve) => {
      call.media = { ...media, resolve } as Media;
    });
    try {
      const reply = await this.client.sendmsg(call.request.callId, {
        'call-command': 'execute',
        'execute-app-name': app,
        'execute-app-arg': arg,
        'Event-UUID': media.appUuid,
      });
      if (!reply.startsWith('+OK')) {
        call.media = undefined;
        throw new SoftswitchError('noSuchCall', `${app} refused for call ${call.request.callId}: ${reply}`);
      }
    } catch (error) {
      if (call.media?.appUuid === media.appUuid) call.media = undefined;
      throw error instanceof SoftswitchError ? error : new SoftswitchError('closed', (error as Error).message);
    }
    return done;
  }

  private answeredCall(callId: CallId): Call {
    this.assertOpen();
    const call = this.calls.get(callId);
    if (!call || call.ended) throw new SoftswitchError('noSuchCall', `no call ${callId}`);
    if (call.answeredAt === undefined || !call.answeredSent)
      throw new SoftswitchError('notAnswered', `call ${callId} is not answered yet`);
    if (call.state === 'bridging' || call.state === 'bridged')
      throw new SoftswitchError('busy', `call ${callId} is ${call.state}`);
    return call;
  }

  private mediaReadyCall(callId: CallId): Call {
    const call = this.answeredCall(callId);
    if (call.media) throw new SoftswitchError('busy', `call ${callId} is already playing a prompt`);
    return call;
  }

  private used(trunk: string): number {
    let n = 0;
    for (const c of this.calls.values()) if (!c.ended && c.request.trunk === trunk) n++;
    return n;
  }

  private at(e: EslEvent): number {
    return µsToMs(e.headers['Event-Date-Timestamp']) ?? this.clock.now();
  }

  private assertOpen(): void {
    if (this.closed) throw new SoftswitchError('closed', 'the FreeSWITCH adapter is closed');
  }

  private emit(event: SoftswitchEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the others or the socket.
      }
    }
  }
}

/** The FreeSWITCH adapter for a configuration; call `start()` (or just issue commands) to connect. */
export function createFreeswitchSwitch(
  config: FreeswitchConfig,
  options: FreeswitchOptions = {},
  deps: FreeswitchSwitchDeps = {},
): FreeswitchSoftswitch {
  const sw = new FreeswitchSoftswitch(config, options, deps);
  sw.start().catch(() => undefined);
  return sw;
}
