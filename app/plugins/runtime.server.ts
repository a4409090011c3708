import { type ChildProcess, fork } from 'node:child_process';
import { singleton } from '../utils/singleton.server';
import { projectRoot, sandboxEntry } from './paths.server';
import {
  type CallRequest,
  type CallResult,
  DEFAULT_LIMITS,
  type FromChild,
  type Limits,
  type LogEntry,
  type ToChild,
} from './runtime/protocol';
import type { EslHandler, KvHandler } from './runtime/sandbox';

// The host side of the plugin runtime. Hook calls run in a separate sandbox process (child.ts),
// each in a fresh isolated-vm isolate with a memory and a time limit. If that process dies (V8
// aborts on some inputs whatever the isolate limits) or stops answering, the calls in flight fail,
// the process is replaced, and the web server carries on. See docs/decisions/020-plugin-runtime.md.

export interface HookCall {
  code: string;
  hook: string;
  args?: unknown[];
  ctxExtra?: Record<string, unknown>;
  config?: unknown;
  installation: CallRequest['installation'];
  allowedOrigins: string[];
  limits?: Partial<Limits>;
  kv?: KvHandler;
  /** `ctx.esl.api` for plugins that declare the capability. */
  esl?: EslHandler;
}

export interface HookOutcome {
  ok: boolean;
  value?: unknown;
  error?: string;
  logs: LogEntry[];
  durationMs: number;
}

interface Pending {
  child: ChildProcess;
  call: HookCall;
  resolve: (result: CallResult) => void;
  watchdog: NodeJS.Timeout;
}

const GRACE_MS = 3_000;
/** Calls in flight in the sandbox process at once (each has its own isolate); the rest wait. */
const MAX_IN_FLIGHT = 8;

class SandboxProcess {
  private child: ChildProcess | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 0;
  private waiting: (() => void)[] = [];

  private start(): ChildProcess {
    const child = fork(sandboxEntry(), [], {
      execArgv: ['--import', 'tsx'],
      cwd: projectRoot(),
      // No secrets of the server in the sandbox process: only what Node and tsx need.
      env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'production' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2_000);
    });
    child.on('message', (message: FromChild) => this.onMessage(child, message));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const reason = signal ? `signal ${signal}` : `exit code ${code}`;
      const detail = stderr.trim().split('\n').slice(-3).join(' | ');
      this.failAll(child, `The plugin sandbox process crashed (${reason})${detail ? `: ${detail}` : ''}`);
    });
    child.on('error', () => {});
    child.unref();
    child.channel?.unref();
    return child;
  }

  private onMessage(child: ChildProcess, message: FromChild) {
    if (message.type === 'kv' || message.type === 'esl') {
      const call = this.pending.get(message.callId)?.call;
      const reply = (r: Omit<Extract<ToChild, { type: 'kv-reply' }>, 'type' | 'reqId'>) =>
        child.connected && child.send({ type: 'kv-reply', reqId: message.reqId, ...r } satisfies ToChild);
      const work = message.type === 'kv' ? call?.kv?.(message.op, message.key, message.value) : call?.esl?.(message.command);
      if (!work) {
        const missing =
          message.type === 'kv' ? 'no key-value store in this context' : 'no Event Socket access (capabilities.esl)';
        reply({ ok: false, error: `This plugin has ${missing}` });
        return;
      }
      work.then(
        (value) => reply({ ok: true, value: value ?? null }),
        (error: Error) => reply({ ok: false, error: error.message }),
      );
      return;
    }
    if (message.type === 'result') {
      this.settle(message.id, message);
    }
  }

  private failAll(child: ChildProcess, error: string) {
    for (const [id, pending] of this.pending) {
      if (pending.child !== child) continue;
      this.settle(id, { type: 'result', id, ok: false, error, logs: [] });
    }
  }

  private settle(id: number, result: CallResult) {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.watchdog);
    pending.resolve(result);
    this.waiting.shift()?.();
  }

  async run(call: HookCall, limits: Limits): Promise<CallResult> {
    while (this.pending.size >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (!this.child?.connected) this.child = this.start();
    const child = this.child;
    const id = ++this.nextId;
    const request: CallRequest = {
      type: 'call',
      id,
      code: call.code,
      hook: call.hook,
      args: call.args ?? [],
      ctxExtra: call.ctxExtra ?? {},
      config: call.config ?? {},
      installation: call.installation,
      allowedOrigins: call.allowedOrigins,
      esl: !!call.esl,
      limits,
    };
    return new Promise((resolve) => {
      // A loop that ignores the isolate's timeout: kill the whole sandbox process.
      const watchdog = setTimeout(() => {
        this.settle(id, {
          type: 'result',
          id,
          ok: false,
          error: `Timed out: the hook ran longer than ${limits.timeoutMs} ms`,
          logs: [],
        });
        if (this.child === child) this.child = undefined;
        child.kill('SIGKILL');
      }, limits.timeoutMs + GRACE_MS);
      this.pending.set(id, { child, call, resolve, watchdog });
      child.send(request satisfies ToChild, (error) => {
        if (error)
          this.settle(id, {
            type: 'result',
            id,
            ok: false,
            error: `Could not reach the plugin sandbox process: ${error.message}`,
            logs: [],
          });
      });
    });
  }

  stop() {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}

// One sandbox process per server process, also across dev-server module reloads.
const sandbox = singleton('plugin-sandbox', () => new SandboxProcess());

/** Call one hook of a bundled plugin in the sandbox. Never throws: failures come back as `ok: false`. */
export async function runHook(call: HookCall): Promise<HookOutcome> {
  const limits = { ...DEFAULT_LIMITS, ...call.limits };
  const started = performance.now();
  const result = await sandbox.run(call, limits);
  const logs =
    result.logs.length || result.ok
      ? result.logs
      : [{ level: 'error' as const, message: result.error ?? 'failed', at: new Date().toISOString() }];
  return {
    ok: result.ok,
    value: result.value,
    error: result.error,
    logs,
    durationMs: Math.round(performance.now() - started),
  };
}

/** For tests and shutdown: stop the sandbox process (the next call starts a new one). */
export function stopSandbox(): void {
  sandbox.stop();
}
