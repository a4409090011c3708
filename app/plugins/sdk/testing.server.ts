import path from 'node:path';
import { resolveOrigins } from '../manifest';
import { describePlugin, type PluginDescription, readManifest } from '../registry.server';
import type { Limits } from '../runtime/protocol';
import { type HookOutcome, runHook } from '../runtime.server';

/**
 * The SDK's test harness: load a plugin folder, bundle it, and call its hooks in the real sandbox
 * with a fake config, an in-memory key-value store and the same fetch allowlist as production
 * (the manifest's capabilities resolved against the config).
 *
 *   const plugin = await loadPlugin(import.meta.dirname);
 *   const out = await plugin.call('healthCheck', [], { config: { baseUrl: server.url } });
 */
export interface TestCallOptions {
  config?: Record<string, unknown>;
  ctxExtra?: Record<string, unknown>;
  limits?: Partial<Limits>;
  /** A stand-in for the host's Event Socket bridge (`ctx.esl.api`), for plugins with `capabilities.esl`. */
  esl?: (command: string) => Promise<string>;
}

export interface TestPlugin {
  manifest: ReturnType<typeof readManifest>;
  description: PluginDescription;
  kv: Map<string, unknown>;
  call(hook: string, args?: unknown[], options?: TestCallOptions): Promise<HookOutcome>;
  /** Like call, but throws with the plugin's error (and its log) when the hook fails. */
  invoke<T = unknown>(hook: string, args?: unknown[], options?: TestCallOptions): Promise<T>;
}

export async function loadPlugin(dir: string, defaults: TestCallOptions = {}): Promise<TestPlugin> {
  const folder = path.resolve(dir);
  const manifest = readManifest(folder);
  const description = await describePlugin({ manifest, dir: folder });
  const kv = new Map<string, unknown>();
  const call = (hook: string, args: unknown[] = [], options: TestCallOptions = {}) => {
    const config = options.config ?? defaults.config ?? {};
    return runHook({
      code: description.code,
      hook,
      args,
      config,
      ctxExtra: options.ctxExtra ?? defaults.ctxExtra,
      installation: { id: 'test', pluginId: manifest.id, pluginVersion: manifest.version },
      allowedOrigins: resolveOrigins(manifest.capabilities, config),
      limits: options.limits ?? defaults.limits,
      esl: manifest.capabilities.esl ? (options.esl ?? defaults.esl) : undefined,
      kv: async (op, key, value) => {
        if (op === 'get') return kv.get(key) ?? null;
        if (op === 'set') kv.set(key, value);
        else kv.delete(key);
        return null;
      },
    });
  };
  return {
    manifest,
    description,
    kv,
    call,
    async invoke<T>(hook: string, args: unknown[] = [], options: TestCallOptions = {}) {
      const out = await call(hook, args, options);
      if (!out.ok) {
        const log = out.logs.map((l) => `  [${l.level}] ${l.message}`).join('\n');
        throw new Error(`${manifest.id}.${hook} failed: ${out.error}\n${log}`);
      }
      return out.value as T;
    },
  };
}
