// Messages between the host (runtime.server.ts) and the sandbox process (child.ts).

export interface Limits {
  /** Isolate heap limit in MB. */
  memoryMb: number;
  /** Per hook call, wall clock, in ms. */
  timeoutMs: number;
  /** Cap on the JSON result copied out of the isolate, in characters. */
  maxResultChars: number;
}

export const DEFAULT_LIMITS: Limits = { memoryMb: 64, timeoutMs: 10_000, maxResultChars: 1_000_000 };

/** A plugin's log line is cut to this many characters (in the sandbox, before the host sees it). */
export const MAX_LOG_CHARS = 2_000;

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  at: string;
}

export interface CallRequest {
  type: 'call';
  id: number;
  code: string;
  /** A hook name, or `describe` for the plugin's definition (metadata and schemas). */
  hook: string;
  args: unknown[];
  /** Extra fields merged into the hook's ctx (e.g. `idempotencyKey`). */
  ctxExtra: Record<string, unknown>;
  config: unknown;
  installation: { id: string; pluginId: string; pluginVersion: string };
  allowedOrigins: string[];
  /** Whether the hook gets `ctx.esl` (the host runs the commands). */
  esl?: boolean;
  limits: Limits;
}

export type KvOp = 'get' | 'set' | 'delete';

export interface KvRequest {
  type: 'kv';
  callId: number;
  reqId: number;
  op: KvOp;
  key: string;
  value?: unknown;
}

/** `ctx.esl.api(command)`: answered by the host with a `kv-reply` (the same reply shape). */
export interface EslRequest {
  type: 'esl';
  callId: number;
  reqId: number;
  command: string;
}

/** The host's answer to a kv or esl request. */
export interface KvReply {
  type: 'kv-reply';
  reqId: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface CallResult {
  type: 'result';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
  logs: LogEntry[];
}

export type ToChild = CallRequest | KvReply;
export type FromChild = KvRequest | EslRequest | CallResult | { type: 'ready' };
