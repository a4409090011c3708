import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { projectRoot, sdkEntry } from './paths.server';

const SDK_SPELLINGS = new Set(['app/plugins/sdk', 'app/plugins/sdk/index', 'app/plugins/sdk/index.ts']);

// Bundles a plugin folder into one script for the sandbox (an IIFE that sets `__waihuPlugin`).
// A plugin imports only `@waihu/sdk` and its own files: anything else fails the build.

export interface Bundle {
  hash: string;
  code: string;
}

const cache = new Map<string, Bundle>();

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|js|mjs|json)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Content hash of the plugin's sources and the SDK: the bundle cache key. */
export function contentHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(dir), ...sourceFiles(path.dirname(sdkEntry()))]) {
    hash.update(path.relative(dir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function boundary(dir: string): Plugin {
  const root = path.resolve(dir) + path.sep;
  const sdkDir = path.dirname(sdkEntry()) + path.sep;
  return {
    name: 'waihu-plugin-boundary',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.path === '@waihu/sdk') return { path: sdkEntry() };
        if (args.path.startsWith('.')) {
          const resolved = path.resolve(args.resolveDir, args.path);
          // The in-repo spelling of the SDK import (tsc has no alias for @waihu/sdk without tsconfig paths).
          if (SDK_SPELLINGS.has(path.relative(projectRoot(), resolved))) return { path: sdkEntry() };
          if (resolved.startsWith(root)) return undefined;
          // The SDK's own files (it is split by topic); plugins still reach them only through the entry.
          if (args.importer.startsWith(sdkDir) && resolved.startsWith(sdkDir)) return undefined;
        }
        return {
          errors: [{ text: `"${args.path}": a plugin may import only "@waihu/sdk" and files inside its own folder` }],
        };
      });
    },
  };
}

export async function bundlePlugin(dir: string): Promise<Bundle> {
  const hash = contentHash(dir);
  const hit = cache.get(hash);
  if (hit) return hit;
  const result = await build({
    entryPoints: [path.join(dir, 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__waihuPlugin',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [boundary(dir)],
  });
  const code = result.outputFiles[0]?.text;
  if (!code) throw new Error(`Bundling ${dir} produced no output`);
  const bundle = { hash, code };
  cache.set(hash, bundle);
  return bundle;
}
