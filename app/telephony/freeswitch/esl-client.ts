/**
 * An inbound Event Socket connection (mod_event_socket): auth, `event json …`, `api`, `bgapi` with
 * our own Job-UUID, `sendmsg`. Replies carry no id, so exactly one command is on the wire at a time
 * and its reply is the next `command/reply`/`api/response` frame; everything else is an event.
 * Commands wait in a bounded queue (back-pressure); the connection comes back by itself after a drop
 * (exponential backoff with jitter, same subscriptions), except after a refused password or ACL.
 */

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { type EslEvent, isEventFrame, parseEvent } from './event';
import { type EslFrame, EslFrameParser } from './frame-parser';

export class EslError extends Error {
  constructor(
    readonly kind: 'auth' | 'rejected' | 'connection' | 'timeout' | 'backpressure' | 'closed' | 'protocol',
    message: string,
  ) {
    super(message);
    this.name = 'EslError';
  }
}

export interface EslLogger {
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
}

export interface EslClientOptions {
  host: string;
  port: number;
  password: string;
  /** Subscribed on every (re)connect: `event <format> <events…>`. */
  events: string[];
  format?: 'json' | 'plain';
  /** Commands waiting for the socket beyond this are refused at once (default 1000). */
  maxPending?: number;
  /** A command not answered within this (from when it was queued) fails (default 30 s). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** false: one attempt only (a connection test). Default: backoff 250 ms → 30 s. */
  reconnect?: false | { initialMs?: number; maxMs?: number };
  /** Tests: where to connect and the jitter source. */
  connect?: (host: string, port: number) => Duplex;
  random?: () => number;
  log?: EslLogger;
}

export interface BgapiAccepted {
  jobId: string;
  /** The command/reply text, `+OK Job-UUID: <id>`. */
  reply: string;
  /** The BACKGROUND_JOB body (`+OK …\n` / `-ERR CAUSE\n`); rejects if the connection drops first. */
  result: Promise<string>;
}

interface Pending {
  text: string;
  resolve: (frame: EslFrame) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

type State = 'idle' | 'connecting' | 'ready' | 'closed' | 'failed';

const noop = () => {};

/** Delay before reconnect attempt `attempt` (0-based): doubling from `initialMs` up to `maxMs`, between half and all of it. */
export function backoffDelay(
  attempt: number,
  { initialMs = 250, maxMs = 30_000 }: { initialMs?: number; maxMs?: number },
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Header values on a command line must not break the frame. */
function oneLine(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw new EslError('protocol', `ESL ${what} must be one line: ${JSON.stringify(value.slice(0, 80))}`);
  return value;
}

export declare interface EslClient {
  on(event: 'event', listener: (event: EslEvent) => void): this;
  /** Authenticated and subscribed; `reconnected` is true after a drop. */
  on(event: 'ready', listener: (info: { reconnected: boolean }) => void): this;
  on(event: 'disconnected', listener: (info: { reason: string }) => void): this;
  /** A refused password or ACL: the client stopped and will not retry. */
  on(event: 'fatal', listener: (error: EslError) => void): this;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: typed event names for the emitter
export class EslClient extends EventEmitter {
  private state: State = 'idle';
  private socket: Duplex | null = null;
  private parser = new EslFrameParser();
  private queue: Pending[] = [];
  private inFlight: Pending | null = null;
  private jobs = new Map<string, { resolve: (body: string) => void; reject: (error: Error) => void }>();
  private attempt = 0;
  private everReady = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private firstReady: { resolve: () => void; reject: (error: Error) => void; promise: Promise<void> } | null = null;
  private disconnectNotice = false;
  private fatal: EslError | null = null;
  private readonly maxPending: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: EslClientOptions) {
    super();
    this.maxPending = options.maxPending ?? 1000;
    this.timeoutMs = options.commandTimeoutMs ?? 30_000;
  }

  get where(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Why the client stopped for good (wrong password, ACL), if it did. */
  get failure(): EslError | null {
    return this.fatal;
  }

  private closedError(): EslError {
    return this.fatal ?? new EslError('closed', 'ESL client is closed');
  }

  /** Commands waiting for the socket (not counting the one on the wire). */
  get pendingCount(): number {
    return this.queue.length;
  }

  /** Connects, authenticates and subscribes. Rejects on a refused password, or on the first failure without reconnect. */
  connect(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'closed' || this.state === 'failed') return Promise.reject(this.closedError());
    if (!this.firstReady) {
      let settle!: { resolve: () => void; reject: (error: Error) => void };
      const promise = new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      });
      this.firstReady = { ...settle, promise };
    }
    if (this.state === 'idle') this.open();
    return this.firstReady.promise;
  }

  /** `api <command>`: resolves with the body (FreeSWITCH's answer, `-ERR …` included). */
  async api(command: string): Promise<string> {
    const frame = await this.enqueue(`api ${oneLine(command, 'api command')}\n\n`);
    return frame.body ?? '';
  }

  /** `bgapi <command>` with our `Job-UUID` header, so the BACKGROUND_JOB can be matched. */
  async bgapi(command: string, jobId: string = randomUUID()): Promise<BgapiAccepted> {
    oneLine(command, 'bgapi command');
    const result = new Promise<string>((resolve, reject) => this.jobs.set(jobId, { resolve, reject }));
    result.catch(noop);
    try {
      const frame = await this.enqueue(`bgapi ${command}\nJob-UUID: ${oneLine(jobId, 'Job-UUID')}\n\n`);
      const reply = frame.headers['Reply-Text'] ?? '';
      if (!reply.startsWith('+OK')) {
        this.jobs.delete(jobId);
        throw new EslError('protocol', `bgapi ${command.split(' ')[0]} refused: ${reply}`);
      }
      return { jobId, reply, result };
    } catch (error) {
      this.jobs.get(jobId)?.reject(error as Error);
      this.jobs.delete(jobId);
      throw error;
    }
  }

  /** `sendmsg <uuid>` with header lines (call-command, execute-app-name, Event-UUID …); resolves with Reply-Text. */
  async sendmsg(uuid: string, headers: Record<string, string>): Promise<string> {
    const lines = Object.entries(headers).map(([k, v]) => `${oneLine(k, 'sendmsg header')}: ${oneLine(v, `sendmsg ${k}`)}\n`);
    const frame = await this.enqueue(`sendmsg ${oneLine(uuid, 'uuid')}\n${lines.join('')}\n`);
    return frame.headers['Reply-Text'] ?? '';
  }

  /** Any other command (`filter …`, `nixevent …`); resolves with the reply frame. */
  command(line: string): Promise<EslFrame> {
    return this.enqueue(`${oneLine(line, 'command')}\n\n`);
  }

  /** Sends `exit` when connected, then stops for good; waiting commands fail with `closed`. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.failQueued(new EslError('closed', 'ESL client closed'));
    if (wasReady && this.socket && !this.inFlight) {
      const socket = this.socket;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.write('exit\n\n');
      });
    }
    this.socket?.destroy();
    this.socket = null;
  }

  /** Drops the TCP connection as a network fault would (tests and the contract suite). */
  dropConnection(): void {
    this.socket?.destroy();
  }

  private enqueue(text: string): Promise<EslFrame> {
    if (this.state === 'closed' || this.state === 'failed') return Promise.reject(this.closedError());
    if (this.queue.length >= this.maxPending) {
      return Promise.reject(
        new EslError(
          'backpressure',
          `ESL command queue full: ${this.queue.length} commands are waiting for ${this.where} (limit ${this.maxPending}); FreeSWITCH is slow or unreachable`,
        ),
      );
    }
    if (this.state === 'idle') this.open(); // the first command connects
    return new Promise<EslFrame>((resolve, reject) => {
      const item: Pending = { text, resolve, reject };
      item.timer = setTimeout(() => this.timeout(item), this.timeoutMs);
      this.queue.push(item);
      this.pump();
    });
  }

  private timeout(item: Pending): void {
    const what = (item.text.split('\n')[0] ?? '').slice(0, 60);
    const error = new EslError('timeout', `ESL command "${what}" got no reply from ${this.where} within ${this.timeoutMs} ms`);
    if (this.inFlight === item) {
      // Its reply may still come and would be taken for the next command's: start over.
      this.inFlight = null;
      item.reject(error);
      this.socket?.destroy();
      return;
    }
    const index = this.queue.indexOf(item);
    if (index >= 0) this.queue.splice(index, 1);
    item.reject(error);
  }

  private pump(): void {
    if (this.inFlight || this.state !== 'ready' || !this.socket) return;
    const next = this.queue.shift();
    if (!next) return;
    this.inFlight = next;
    this.socket.write(next.text);
  }

  private send(text: string): Promise<EslFrame> {
    return new Promise((resolve, reject) => {
      // The handshake (auth, subscribe) goes out before the queue opens.
      const item: Pending = { text, resolve, reject };
      item.timer = setTimeout(() => this.timeout(item), this.timeoutMs);
      this.inFlight = item;
      this.socket?.write(text);
    });
  }

  private open(): void {
    this.state = 'connecting';
    this.parser.reset();
    this.disconnectNotice = false;
    const { host, port } = this.options;
    const socket = this.options.connect ? this.options.connect(host, port) : net.createConnection({ host, port });
    this.socket = socket;
    let authRequested: (() => void) | null = null;
    const authRequest = new Promise<void>((resolve) => {
      authRequested = resolve;
    });
    const connectTimer = setTimeout(
      () => socket.destroy(new Error(`no auth/request within ${this.options.connectTimeoutMs ?? 10_000} ms`)),
      this.options.connectTimeoutMs ?? 10_000,
    );
    let lastError = '';
    socket.on('data', (chunk: Buffer) => {
      let frames: EslFrame[];
      try {
        frames = this.parser.push(chunk);
      } catch (error) {
        this.options.log?.warn({ err: (error as Error).message }, 'ESL: unreadable data, reconnecting');
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        if (frame.headers['Content-Type'] === 'auth/request') {
          clearTimeout(connectTimer);
          authRequested?.();
        } else this.onFrame(frame);
      }
    });
    socket.on('error', (error: Error) => {
      lastError = error.message;
    });
    socket.on('close', () => {
      clearTimeout(connectTimer);
      this.onClose(socket, lastError || (this.disconnectNotice ? 'disconnect notice' : 'connection closed'));
    });
    void authRequest.then(() => this.handshake(socket));
  }

  private async handshake(socket: Duplex): Promise<void> {
    try {
      const auth = await this.send(`auth ${oneLine(this.options.password, 'password')}\n\n`);
      const reply = auth.headers['Reply-Text'] ?? '';
      if (!reply.startsWith('+OK')) {
        this.fail(
          new EslError('auth', `ESL authentication to ${this.where} refused (${reply}): check the event socket password`),
        );
        socket.destroy();
        return;
      }
      if (this.options.events.length) {
        const sub = await this.send(`event ${this.options.format ?? 'json'} ${this.options.events.join(' ')}\n\n`);
        const text = sub.headers['Reply-Text'] ?? '';
        if (!text.startsWith('+OK')) throw new EslError('protocol', `ESL subscription refused by ${this.where}: ${text}`);
      }
    } catch (error) {
      this.options.log?.warn({ err: (error as Error).message }, 'ESL handshake failed');
      socket.destroy();
      return;
    }
    if (this.socket !== socket || this.state !== 'connecting') return;
    const reconnected = this.everReady;
    this.state = 'ready';
    this.everReady = true;
    this.attempt = 0;
    this.firstReady?.resolve();
    this.firstReady = null;
    this.options.log?.info({ where: this.where, reconnected }, 'ESL connected');
    this.emit('ready', { reconnected });
    this.pump();
  }

  private onFrame(frame: EslFrame): void {
    const type = frame.headers['Content-Type'];
    if (type === 'command/reply' || type === 'api/response') {
      const item = this.inFlight;
      if (!item) {
        this.options.log?.warn({ type }, 'ESL: a reply with no command waiting, ignored');
        return;
      }
      this.inFlight = null;
      clearTimeout(item.timer);
      item.resolve(frame);
      this.pump();
    } else if (isEventFrame(frame)) {
      let event: EslEvent;
      try {
        event = parseEvent(frame);
      } catch (error) {
        this.options.log?.warn({ err: (error as Error).message }, 'ESL: unreadable event, skipped');
        return;
      }
      if (event.name === 'BACKGROUND_JOB') {
        const jobId = event.headers['Job-UUID'];
        const job = jobId ? this.jobs.get(jobId) : undefined;
        if (job && jobId) {
          this.jobs.delete(jobId);
          job.resolve(event.body ?? '');
        }
      }
      this.emit('event', event);
    } else if (type === 'text/disconnect-notice') {
      this.disconnectNotice = true;
    } else if (type === 'text/rude-rejection') {
      this.fail(
        new EslError(
          'rejected',
          `FreeSWITCH at ${this.where} refused the connection (event socket ACL): ${frame.body?.trim() ?? ''}`,
        ),
      );
      this.socket?.destroy();
    }
  }

  private onClose(socket: Duplex, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    const error = new EslError('connection', `ESL connection to ${this.where} lost (${reason})`);
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer);
      this.inFlight.reject(error);
      this.inFlight = null;
    }
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
    const wasReady = this.state === 'ready';
    if (this.state === 'closed' || this.state === 'failed') return;
    if (wasReady) this.emit('disconnected', { reason });
    if (this.options.reconnect === false) {
      this.fail(error);
      return;
    }
    if (this.firstReady && !this.everReady && this.attempt === 0) {
      // The first attempt failed: tell the caller, keep trying in the background.
      this.firstReady.reject(error);
      this.firstReady = null;
    }
    this.state = 'connecting';
    const delay = backoffDelay(this.attempt, this.options.reconnect ?? {}, this.options.random ?? Math.random);
    this.attempt++;
    this.options.log?.warn({ where: this.where, reason, delayMs: Math.round(delay) }, 'ESL disconnected, reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.state === 'connecting') this.open();
    }, delay);
  }

  private fail(error: EslError): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.fatal = error;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.failQueued(error);
    this.firstReady?.reject(error);
    this.firstReady = null;
    if (this.listenerCount('fatal')) this.emit('fatal', error);
  }

  private failQueued(error: Error): void {
    for (const item of this.queue.splice(0)) {
      clearTimeout(item.timer);
      item.reject(error);
    }
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer);
      this.inFlight.reject(error);
      this.inFlight = null;
    }
    for (const job of this.jobs.values()) job.reject(error);
    this.jobs.clear();
  }
}
