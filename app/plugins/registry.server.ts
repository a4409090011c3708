import fs from 'node:fs';
import path from 'node:path';
import { bundlePlugin } from './bundle.server';
import { type Manifest, ManifestSchema } from './manifest';
import { pluginsDir } from './paths.server';
import { runHook } from './runtime.server';
import { HOOKS, type JsonSchema } from './sdk';

// Discovers plugins (`plugins/<id>/manifest.json`), validates manifests loudly, and bundles and
// describes plugin code lazily (cached by content hash in bundle.server.ts).

export interface RegisteredPlugin {
  manifest: Manifest;
  dir: string;
}

export interface PluginDescription {
  code: string;
  hash: string;
  configSchema: JsonSchema;
  uiSchema: JsonSchema;
  hooks: string[];
}

export class PluginError extends Error {
  override name = 'PluginError';
}

export function readManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PluginError(`${file}: ${(error as Error).message}`);
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new PluginError(`Invalid plugin manifest ${file}:\n${problems}`);
  }
  if (parsed.data.id !== path.basename(dir)) {
    throw new PluginError(`Invalid plugin manifest ${file}: id "${parsed.data.id}" must equal the folder name`);
  }
  for (const required of ['index.ts', 'README.md']) {
    if (!fs.existsSync(path.join(dir, required))) throw new PluginError(`Plugin ${parsed.data.id} has no ${required}`);
  }
  return parsed.data;
}

/** All plugins in the folder; an invalid manifest throws (first-party plugins must all be valid). */
export function listPlugins(dir: string = pluginsDir()): RegisteredPlugin[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'manifest.json')))
    .map((e) => ({ manifest: readManifest(path.join(dir, e.name)), dir: path.join(dir, e.name) }))
    .sort((a, b) => a.manifest.id.localeCompare(b.manifest.id));
}

export function getPlugin(id: string, dir: string = pluginsDir()): RegisteredPlugin | null {
  if (!/^[a-z0-9-]+$/.test(id)) return null;
  const folder = path.join(dir, id);
  if (!fs.existsSync(path.join(folder, 'manifest.json'))) return null;
  return { manifest: readManifest(folder), dir: folder };
}

const descriptions = new Map<string, PluginDescription>();

/**
 * Bundle the plugin and read its definition in the sandbox; checks that the code declares the same
 * id, version, kind and capabilities as the manifest and has the hooks its kind requires.
 */
export async function describePlugin(plugin: RegisteredPlugin): Promise<PluginDescription> {
  const { manifest } = plugin;
  let bundle: Awaited<ReturnType<typeof bundlePlugin>>;
  try {
    bundle = await bundlePlugin(plugin.dir);
  } catch (error) {
    throw new PluginError(`Plugin ${manifest.id} does not build: ${(error as Error).message}`);
  }
  const cached = descriptions.get(bundle.hash);
  if (cached) return cached;
  const outcome = await runHook({
    code: bundle.code,
    hook: 'describe',
    installation: { id: 'describe', pluginId: manifest.id, pluginVersion: manifest.version },
    allowedOrigins: [],
  });
  if (!outcome.ok) throw new PluginError(`Plugin ${manifest.id} failed to load: ${outcome.error}`);
  const def = outcome.value as {
    id: string;
    version: string;
    kind: string;
    configSchema?: JsonSchema;
    uiSchema?: JsonSchema;
    capabilities?: { fetch?: string[]; esl?: boolean };
    hooks: string[];
  };
  const problems: string[] = [];
  if (def.id !== manifest.id) problems.push(`id ${def.id} ≠ manifest ${manifest.id}`);
  if (def.version !== manifest.version) problems.push(`version ${def.version} ≠ manifest ${manifest.version}`);
  if (def.kind !== manifest.kind) problems.push(`kind ${def.kind} ≠ manifest ${manifest.kind}`);
  const declared = JSON.stringify([...(def.capabilities?.fetch ?? [])].sort());
  if (declared !== JSON.stringify([...manifest.capabilities.fetch].sort())) {
    problems.push(`capabilities.fetch ${declared} ≠ manifest ${JSON.stringify(manifest.capabilities.fetch)}`);
  }
  if (!!def.capabilities?.esl !== !!manifest.capabilities.esl) {
    problems.push(`capabilities.esl ${!!def.capabilities?.esl} ≠ manifest ${!!manifest.capabilities.esl}`);
  }
  const missing = HOOKS[manifest.kind].required.filter((h) => !def.hooks.includes(h));
  if (missing.length) problems.push(`missing hooks: ${missing.join(', ')}`);
  if (def.configSchema?.type !== 'object') problems.push('configSchema must be a JSON Schema of type object');
  if (problems.length) throw new PluginError(`Plugin ${manifest.id} does not match its manifest: ${problems.join('; ')}`);
  const description: PluginDescription = {
    code: bundle.code,
    hash: bundle.hash,
    configSchema: def.configSchema ?? { type: 'object' },
    uiSchema: def.uiSchema ?? {},
    hooks: def.hooks,
  };
  descriptions.set(bundle.hash, description);
  return description;
}
