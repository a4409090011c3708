import { type Clock, realClock, type Timer } from '../clock';
import {
  dialogParams,
  type JsonObject,
  parseInvite,
  parseMessage,
  type RpcRequest,
  type RpcResponse,
  VERTO_ERRORS,
  type VertoInvite,
} from './protocol';

// A small typed Verto client (ADR 065): the signalling half of the agent's softphone. Browser-safe
// (it sees only a WebSocket-shaped object), no media: the WebRTC side gives it SDP and is told
// about invites, so this file is tested by replaying FreeSWITCH's recorded sessions.

/** The part of the browser's WebSocket the client uses (tests pass a fake). */
export interface VertoSocket {
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface VertoCredentials {
  /** `<extension>@<domain>` */
  login: string;
  passwd: string;
}

/** Where the session id lives: sessionStorage in the browser, so a reload or reconnect reattaches calls. */
export interface SessionStore {
  get(): string | null;
  set(sessid: string): void;
}

export type VertoState = 'idle' | 'connecting' | 'registered' | 'loginFailed' | 'reconnecting' | 'closed';

export type CallState = 'ringing' | 'answering' | 'active' | 'ended';

export interface VertoCall {
  callID: string;
  invite: VertoInvite;
  state: CallState;
  held: boolean;
}

export interface CallEnd {
  cause: string;
  causeCode: number | null;
  /** Who ended it: the server (`verto.bye` from FreeSWITCH), the agent, or a reconnect that found it gone. */
  by: 'remote' | 'local' | 'lost';
}

export interface VertoListener {
  state?(state: VertoState, detail: { error?: string }): void;
  invite?(invite: VertoInvite): void;
  /** FreeSWITCH reattached a live call after a reconnect and offers new media: answer with `attach`. */
  attach?(callID: string, sdp: string): void;
  ended?(callID: string, end: CallEnd): void;
  held?(callID: string, held: boolean): void;
}

export interface VertoClientOptions {
  url: string;
  /** Fetched before every (re)connect: the server issues short-lived per-agent secrets. */
  credentials(): Promise<VertoCredentials>;
  sessionStore: SessionStore;
  createSocket?: (url: string) => VertoSocket;
  newId?: () => string;
  clock?: Clock;
  random?: () => number;
  /** Reconnect backoff: first delay and the cap (ms). */
  backoff?: { initialMs: number; maxMs: number };
  requestTimeoutMs?: number;
}

export class VertoError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  method: string;
  resolve(result: JsonObject): void;
  reject(error: Error): void;
  timer: Timer;
}

export class VertoClient {
  private socket: VertoSocket | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private calls = new Map<string, VertoCall & { params: JsonObject }>();
  private listeners = new Set<VertoListener>();
  private current: VertoState = 'idle';
  private login = '';
  private attempt = 0;
  private retry: Timer | null = null;
  private stopped = true;
  private wasRegistered = false;
  /** Each connect attempt's number: a slower, older attempt gives way to a newer one. */
  private attemptSeq = 0;
  private readonly clock: Clock;
  readonly sessid: string;

  constructor(private readonly options: VertoClientOptions) {
    this.clock = options.clock ?? realClock();
    const stored = options.sessionStore.get();
    this.sessid = stored ?? (options.newId ?? (() => crypto.randomUUID()))();
    if (!stored) options.sessionStore.set(this.sessid);
  }

  get state(): VertoState {
    return this.current;
  }

  on(listener: VertoListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  call(callID: string): VertoCall | undefined {
    const c = this.calls.get(callID);
    return c && { callID: c.callID, invite: c.invite, state: c.state, held: c.held };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect('connecting');
  }

  /** Signs off for good (page closed, switch changed): no reconnect. */
  stop(): void {
    this.stopped = true;
    this.retry?.cancel();
    this.drop();
    this.setState('closed', {});
  }

  /** Reconnect at once (the browser came back online), skipping the backoff wait. */
  reconnectNow(): void {
    if (this.stopped || this.current === 'loginFailed' || this.current === 'registered') return;
    this.retry?.cancel();
    void this.connect('reconnecting');
  }

  /** Answers a ringing call with the browser's SDP answer. */
  async answer(callID: string, sdp: string): Promise<void> {
    const call = this.calls.get(callID);
    if (call?.state !== 'ringing') throw new Error(`no ringing call ${callID}`);
    call.state = 'answering';
    await this.request('verto.answer', { sdp, dialogParams: dialogParams(this.login, call.params) });
    if (call.state === 'answering') call.state = 'active';
  }

  /** Answers FreeSWITCH's `verto.attach` (a call reattached after a reconnect) with new media. */
  async attach(callID: string, sdp: string): Promise<void> {
    const call = this.calls.get(callID);
    if (!call) throw new Error(`no call ${callID}`);
    await this.request('verto.attach', { sdp, dialogParams: dialogParams(this.login, call.params) });
  }

  /** Hangs up (or, while ringing, declines with a cause such as USER_BUSY). */
  async hangup(callID: string, cause?: string): Promise<void> {
    const call = this.calls.get(callID);
    if (!call || call.state === 'ended') return;
    this.end(call, { cause: cause ?? 'NORMAL_CLEARING', causeCode: null, by: 'local' });
    const params: JsonObject = cause ? { cause } : {};
    await this.request('verto.bye', { ...params, dialogParams: dialogParams(this.login, call.params) }).catch(() => {});
  }

  async dtmf(callID: string, digits: string): Promise<void> {
    const call = this.live(callID);
    await this.request('verto.info', { dtmf: digits, dialogParams: dialogParams(this.login, call.params) });
  }

  /** Hold or unhold; resolves with FreeSWITCH's hold state. */
  async hold(callID: string, hold: boolean): Promise<boolean> {
    const call = this.live(callID);
    const result = await this.request('verto.modify', {
      action: hold ? 'hold' : 'unhold',
      dialogParams: dialogParams(this.login, call.params),
    });
    call.held = result.holdState === 'held';
    this.emit((l) => l.held?.(callID, call.held));
    return call.held;
  }

  private live(callID: string) {
    const call = this.calls.get(callID);
    if (call?.state !== 'active') throw new Error(`no active call ${callID}`);
    return call;
  }

  private async connect(state: 'connecting' | 'reconnecting'): Promise<void> {
    this.drop();
    const seq = ++this.attemptSeq;
    this.setState(state, {});
    let creds: VertoCredentials;
    try {
      creds = await this.options.credentials();
    } catch (error) {
      this.scheduleReconnect(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.stopped || seq !== this.attemptSeq) return;
    this.login = creds.login;
    let socket: VertoSocket;
    try {
      socket = (this.options.createSocket ?? ((url) => new WebSocket(url) as unknown as VertoSocket))(this.options.url);
    } catch (error) {
      this.scheduleReconnect(error instanceof Error ? error.message : String(error));
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.request('login', { login: creds.login, passwd: creds.passwd, loginParams: {}, userVariables: {} }).then(
        () => {
          this.attempt = 0;
          this.setState('registered', {});
        },
        (error: Error) => {
          if (error instanceof VertoError && error.code !== VERTO_ERRORS.sessionError) {
            // Wrong or expired credentials: retrying with the same ones cannot help.
            this.stopped = true;
            this.drop();
            this.setState('loginFailed', { error: error.message });
          } else if (this.socket === socket) this.scheduleReconnect(error.message);
        },
      );
    };
    socket.onmessage = (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(event.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending('disconnected');
      this.scheduleReconnect('disconnected');
    };
    socket.onerror = () => {};
  }

  private scheduleReconnect(error: string): void {
    this.drop();
    if (this.stopped) return;
    if (this.current === 'registered') this.wasRegistered = true;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + 0.4 * (this.options.random ?? Math.random)()));
    this.attempt++;
    this.setState('reconnecting', { error });
    this.retry?.cancel();
    this.retry = this.clock.setTimer(delay, () => void this.connect('reconnecting'));
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    this.failPending('disconnected');
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
  }

  private failPending(reason: string): void {
    for (const p of this.pending.values()) {
      p.timer.cancel();
      p.reject(new Error(reason));
    }
    this.pending.clear();
  }

  private request(method: string, params: JsonObject): Promise<JsonObject> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('disconnected'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimer(this.options.requestTimeoutMs ?? 10_000, () => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      });
      this.pending.set(id, { method, resolve, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: '2.0', method, params: { ...params, sessid: this.sessid }, id }));
    });
  }

  private reply(id: number | undefined, method: string): void {
    if (id === undefined) return;
    this.socket?.send(JSON.stringify({ jsonrpc: '2.0', id, result: { method } }));
  }

  private receive(text: string): void {
    const message = parseMessage(text);
    if (!message) return;
    if ('method' in message) this.serverRequest(message);
    else this.response(message);
  }

  private response(message: RpcResponse): void {
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    p.timer.cancel();
    if (message.error) {
      // The session was lost on the server (it restarted): sign in again with the same sessid.
      if (message.error.code === VERTO_ERRORS.authRequired && p.method !== 'login') this.scheduleReconnect('auth required');
      p.reject(new VertoError(message.error.code, String(message.error.message)));
    } else p.resolve(message.result ?? {});
  }

  private serverRequest(message: RpcRequest): void {
    const params = message.params ?? {};
    const callID = typeof params.callID === 'string' ? params.callID : '';
    switch (message.method) {
      case 'verto.clientReady':
        // Not answered (as jquery.verto): the list says which of our calls survived a reconnect.
        this.reattached(Array.isArray(params.reattached_sessions) ? params.reattached_sessions.map(String) : []);
        return;
      case 'verto.invite': {
        const invite = parseInvite(params);
        this.reply(message.id, message.method);
        if (!invite) return;
        this.calls.set(invite.callID, { callID: invite.callID, invite, state: 'ringing', held: false, params });
        this.emit((l) => l.invite?.(invite));
        return;
      }
      case 'verto.bye': {
        const call = this.calls.get(callID);
        if (call && call.state !== 'ended') {
          const code = typeof params.causeCode === 'number' ? params.causeCode : null;
          this.end(call, { cause: String(params.cause ?? 'NORMAL_CLEARING'), causeCode: code, by: 'remote' });
          // Like jquery.verto, say bye too; FreeSWITCH answers -32002 CALL DOES NOT EXIST, which is ignored.
          void this.request('verto.bye', { dialogParams: dialogParams(this.login, call.params) }).catch(() => {});
        }
        this.reply(message.id, message.method);
        return;
      }
      case 'verto.attach': {
        this.reply(message.id, message.method);
        const call = this.calls.get(callID);
        const sdp = typeof params.sdp === 'string' ? params.sdp : '';
        if (call && call.state !== 'ended' && sdp) this.emit((l) => l.attach?.(callID, sdp));
        return;
      }
      case 'verto.punt':
        // The same sessid signed in elsewhere (another tab took over): stop without retrying.
        this.stopped = true;
        this.drop();
        this.setState('closed', { error: 'punted' });
        return;
      case 'verto.ping':
        this.reply(message.id, message.method);
        return;
      default:
        // verto.media, verto.display, verto.info (chat), verto.event: tolerated; calls' requests acknowledged.
        if (callID) this.reply(message.id, message.method);
    }
  }

  private reattached(callIDs: string[]): void {
    if (!this.wasRegistered) return;
    this.wasRegistered = false;
    for (const call of this.calls.values()) {
      const kept = callIDs.includes(call.callID);
      if (call.state !== 'ended' && !kept) this.end(call, { cause: 'LOST_ON_RECONNECT', causeCode: null, by: 'lost' });
      // Hung up here while the line was down: FreeSWITCH still holds it, so say bye now.
      else if (call.state === 'ended' && kept)
        void this.request('verto.bye', { dialogParams: dialogParams(this.login, call.params) }).catch(() => {});
    }
  }

  private end(call: VertoCall, end: CallEnd): void {
    call.state = 'ended';
    this.emit((l) => l.ended?.(call.callID, end));
  }

  private setState(state: VertoState, detail: { error?: string }): void {
    this.current = state;
    this.emit((l) => l.state?.(state, detail));
  }

  private emit(fn: (listener: VertoListener) => void): void {
    for (const l of this.listeners) {
      try {
        fn(l);
      } catch {
        // A listener's bug must not break the protocol.
      }
    }
  }
}
