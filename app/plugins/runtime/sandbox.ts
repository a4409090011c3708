import { createHash, createHmac } from 'node:crypto';
import ivm from 'isolated-vm';
import { CapabilityError, hostFetch } from './host-fetch';
import { type CallRequest, type CallResult, type KvOp, type LogEntry, MAX_LOG_CHARS } from './protocol';

// Runs one hook call in a fresh isolate. Lives in the sandbox process (child.ts), never in the
// web server: some inputs abort V8 outright whatever the isolate's limits, and then only this
// process dies.

const MAX_LOG_ENTRIES = 200;

// Evaluated inside the isolate before the plugin: builds the ctx from the host callbacks and
// removes what a plugin must not reach.
const PRELUDE = `(() => {
'use strict';
const __hostLog = __waihu_log, __hostFetch = __waihu_fetch, __hostKv = __waihu_kv, __hostCrypto = __waihu_crypto, __hostEsl = globalThis.__waihu_esl;
delete globalThis.__waihu_log; delete globalThis.__waihu_fetch; delete globalThis.__waihu_kv; delete globalThis.__waihu_crypto; delete globalThis.__waihu_esl;
const __str = (v) => { if (typeof v === 'string') return v; try { return JSON.stringify(v); } catch { return String(v); } };
const __logger = {};
for (const level of ['debug', 'info', 'warn', 'error']) {
  __logger[level] = (message, data) => __hostLog(level, data === undefined ? __str(message) : __str(message) + ' ' + __str(data));
}
globalThis.console = { log: __logger.info, info: __logger.info, debug: __logger.debug, warn: __logger.warn, error: __logger.error };
Object.defineProperty(globalThis, 'process', { get() { throw new Error('process is not available in the plugin sandbox: no environment variables, no Node APIs; read settings from ctx.config'); } });
const __call = (ref, args) => ref.apply(undefined, args, { arguments: { copy: true }, result: { promise: true, copy: true } });
globalThis.__waihuCtx = (config, installation, extra) => Object.freeze({
  ...extra,
  config,
  installation,
  log: Object.freeze(__logger),
  crypto: Object.freeze({
    hmacSha256Hex: (key, message) => __hostCrypto('hmac', String(key), String(message)),
    sha256Hex: (message) => __hostCrypto('sha256', '', String(message)),
  }),
  kv: Object.freeze({
    get: async (key) => { const v = await __call(__hostKv, ['get', String(key), '']); return v === '' ? null : JSON.parse(v); },
    set: async (key, value) => { await __call(__hostKv, ['set', String(key), JSON.stringify(value ?? null)]); },
    delete: async (key) => { await __call(__hostKv, ['delete', String(key), '']); },
  }),
  ...(__hostEsl ? { esl: Object.freeze({ api: async (command) => __call(__hostEsl, [String(command)]) }) } : {}),
  fetch: async (url, init) => {
    const r = JSON.parse(await __call(__hostFetch, [String(url), JSON.stringify(init ?? {})]));
    return Object.freeze({ status: r.status, ok: r.status >= 200 && r.status < 300, url: r.url, headers: r.headers,
      text: async () => r.body, json: async () => JSON.parse(r.body) });
  },
});
})();`;

const RUN = `
return (async () => {
  const plugin = globalThis.__waihuPlugin && globalThis.__waihuPlugin.default;
  if (!plugin || typeof plugin !== 'object' || !plugin.hooks) throw new Error('The plugin does not export default definePlugin({...})');
  if ($0 === 'describe') {
    const { hooks, ...meta } = plugin;
    return JSON.stringify({ ...meta, hooks: Object.keys(hooks).filter((k) => typeof hooks[k] === 'function') });
  }
  const hook = plugin.hooks[$0];
  if (typeof hook !== 'function') throw new Error('The plugin has no hook ' + $0);
  const ctx = globalThis.__waihuCtx(JSON.parse($2), JSON.parse($3), JSON.parse($4));
  const value = await hook.apply(plugin.hooks, [...JSON.parse($1), ctx]);
  const out = JSON.stringify(value === undefined ? null : value);
  if (out.length > $5) throw new Error('The hook result is larger than ' + $5 + ' characters');
  return out;
})()`;

export type KvHandler = (op: KvOp, key: string, value: unknown) => Promise<unknown>;
/** Runs one `api` command on the switch for `ctx.esl.api`; the host decides which commands are allowed. */
export type EslHandler = (command: string) => Promise<string>;

function describeError(error: unknown, timeoutMs: number, memoryMb: number): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/timed out/i.test(message)) return `Timed out: the hook ran longer than ${timeoutMs} ms`;
  if (/disposed|memory limit|out of memory/i.test(message)) {
    return `Out of memory: the plugin exceeded its ${memoryMb} MB memory limit`;
  }
  return message;
}

export async function runInSandbox(request: CallRequest, kv: KvHandler, esl?: EslHandler): Promise<CallResult> {
  const logs: LogEntry[] = [];
  const log = (level: LogEntry['level'], message: string) => {
    if (logs.length >= MAX_LOG_ENTRIES) logs.shift();
    logs.push({ level, message: String(message).slice(0, MAX_LOG_CHARS), at: new Date().toISOString() });
  };
  const { limits } = request;
  const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
  let timer: NodeJS.Timeout | undefined;
  try {
    const context = await isolate.createContext();
    const global = context.global;
    await global.set('globalThis', global.derefInto());
    await global.set('__waihu_log', new ivm.Callback((level: LogEntry['level'], message: string) => log(level, message)));
    await global.set(
      '__waihu_crypto',
      new ivm.Callback((op: string, key: string, message: string) =>
        op === 'hmac'
          ? createHmac('sha256', key).update(message).digest('hex')
          : createHash('sha256').update(message).digest('hex'),
      ),
    );
    await global.set(
      '__waihu_fetch',
      new ivm.Reference(async (url: string, init: string) => {
        try {
          const response = await hostFetch(request.allowedOrigins, url, JSON.parse(init));
          log('debug', `fetch ${response.status} ${url}`);
          return JSON.stringify(response);
        } catch (error) {
          // Refusals and failures are logged by the host, so a plugin that swallows them still shows up.
          log('error', (error as Error).message);
          throw new (error instanceof CapabilityError ? CapabilityError : Error)((error as Error).message);
        }
      }),
    );
    await global.set(
      '__waihu_kv',
      new ivm.Reference(async (op: KvOp, key: string, value: string) => {
        const result = await kv(op, key, op === 'set' ? JSON.parse(value) : undefined);
        return op === 'get' ? (result === null || result === undefined ? '' : JSON.stringify(result)) : '';
      }),
    );
    if (esl) {
      await global.set(
        '__waihu_esl',
        new ivm.Reference(async (command: string) => {
          try {
            return await esl(command);
          } catch (error) {
            log('error', `esl ${command}: ${(error as Error).message}`);
            throw new Error((error as Error).message);
          }
        }),
      );
    }
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The isolate's own timeout covers CPU; this covers a hook stuck awaiting the host.
        reject(new Error('timed out'));
        if (!isolate.isDisposed) isolate.dispose();
      }, limits.timeoutMs + 500);
    });
    const run = (async () => {
      await context.eval(PRELUDE, { timeout: limits.timeoutMs });
      const script = await isolate.compileScript(request.code, { filename: `plugin:${request.installation.pluginId}` });
      await script.run(context, { timeout: limits.timeoutMs });
      return (await context.evalClosure(
        RUN,
        [
          request.hook,
          JSON.stringify(request.args),
          JSON.stringify(request.config ?? {}),
          JSON.stringify(request.installation),
          JSON.stringify(request.ctxExtra ?? {}),
          limits.maxResultChars,
        ],
        { timeout: limits.timeoutMs, result: { promise: true } },
      )) as string;
    })();
    const out = await Promise.race([run, deadline]);
    if (typeof out !== 'string' || out.length > limits.maxResultChars) throw new Error('The hook returned no usable result');
    return { type: 'result', id: request.id, ok: true, value: JSON.parse(out), logs };
  } catch (error) {
    const message = describeError(error, limits.timeoutMs, limits.memoryMb);
    log('error', `${request.hook} failed: ${message}`);
    return { type: 'result', id: request.id, ok: false, error: message, logs };
  } finally {
    clearTimeout(timer);
    if (!isolate.isDisposed) isolate.dispose();
  }
}
