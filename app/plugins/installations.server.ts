import { createHash } from 'node:crypto';
import { prisma } from '../db/prisma.server';
import type { Prisma } from '../generated/prisma/client';
import { type AuditActor, audit } from '../modules/audit/audit.server';
import { pluginEslApi } from '../modules/telephony-settings/esl-bridge.server';
import { logger } from '../utils/logger.server';
import { checkConfigShape } from './config-shape';
import { validateConfig } from './config-validation';
import { resolveOrigins } from './manifest';
import { describePlugin, getPlugin, PluginError, type RegisteredPlugin } from './registry.server';
import type { KvHandler } from './runtime/sandbox';
import { type HookOutcome, runHook } from './runtime.server';
import {
  browserSchema,
  joinConfig,
  mergeSubmitted,
  openSecrets,
  redactSecrets,
  SECRET_MASK,
  sealSecrets,
  secretPaths,
  secretStrings,
  splitConfig,
} from './secrets.server';

// Installations: configured instances of a plugin (several per plugin allowed), their encrypted
// secrets, enable/disable, health checks, hook calls and the call log. Every change is audited.

export class InstallationError extends Error {
  constructor(
    readonly code: 'not_found' | 'plugin_missing' | 'disabled' | 'invalid_config',
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }
}

const KV_MAX_VALUE_CHARS = 64_000;
const KV_MAX_KEYS = 1_000;
const LOG_EXCERPT = 20;

type Row = NonNullable<Awaited<ReturnType<typeof prisma.pluginInstallation.findUnique>>>;

export async function listInstallations() {
  return prisma.pluginInstallation.findMany({
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      pluginId: true,
      pluginVersion: true,
      name: true,
      enabled: true,
      lastHealthAt: true,
      lastHealthOk: true,
      createdAt: true,
    },
  });
}

async function load(id: string): Promise<{ row: Row; plugin: RegisteredPlugin | null }> {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.pluginInstallation.findUnique({ where: { id } }) : null;
  if (!row) throw new InstallationError('not_found', `No plugin installation ${id}`);
  return { row, plugin: getPlugin(row.pluginId) };
}

function fullConfig(row: Row): Record<string, unknown> {
  return joinConfig(row.config as Record<string, unknown>, openSecrets(row.secrets));
}

/** What the admin page needs: never the secrets, only which secret fields are set. */
export async function installationView(id: string) {
  const { row, plugin } = await load(id);
  const description = plugin ? await describePlugin(plugin).catch((error: Error) => error) : null;
  const schema = description && !(description instanceof Error) ? description.configSchema : null;
  const secretsSet = Object.keys(openSecrets(row.secrets));
  return {
    installation: {
      id: row.id,
      name: row.name,
      pluginId: row.pluginId,
      pluginVersion: row.pluginVersion,
      enabled: row.enabled,
      lastHealthAt: row.lastHealthAt,
      lastHealthOk: row.lastHealthOk,
    },
    manifest: plugin?.manifest ?? null,
    loadError: plugin
      ? description instanceof Error
        ? description.message
        : null
      : `Plugin ${row.pluginId} is not installed on this server`,
    config: row.config as Record<string, unknown>,
    configSchema: schema ? browserSchema(schema, secretsSet) : null,
    uiSchema: description && !(description instanceof Error) ? description.uiSchema : {},
    secretPaths: schema ? secretPaths(schema) : [],
    hooks: description && !(description instanceof Error) ? description.hooks : [],
    secretsSet,
    allowedOrigins: plugin ? resolveOrigins(plugin.manifest.capabilities, row.config) : [],
  };
}

export async function createInstallation(actor: AuditActor, pluginId: string, name: string) {
  const plugin = getPlugin(pluginId);
  if (!plugin) throw new InstallationError('plugin_missing', `No plugin ${pluginId}`);
  await describePlugin(plugin);
  const row = await prisma.pluginInstallation.create({
    data: { pluginId, pluginVersion: plugin.manifest.version, name, config: {} },
  });
  await audit(actor, 'plugins.install', row.id, { pluginId, version: plugin.manifest.version, name });
  return row;
}

/**
 * Save a submitted config: empty secrets keep the stored ones, the merged config must satisfy the
 * plugin's schema, secrets are sealed, and the installation records the plugin's current version.
 */
export async function saveConfig(actor: AuditActor, id: string, submitted: Record<string, unknown>, name?: string) {
  const { row, plugin } = await load(id);
  if (!plugin) throw new InstallationError('plugin_missing', `Plugin ${row.pluginId} is not installed`);
  const { configSchema } = await describePlugin(plugin);
  const shape = checkConfigShape(configSchema, submitted, row.config);
  if (shape.errors) throw new InstallationError('invalid_config', 'The config does not match the plugin schema', shape.errors);
  const stored = openSecrets(row.secrets);
  const { config, changedSecrets } = mergeSubmitted(configSchema, shape.config, stored);
  const errors = validateConfig(configSchema, config) ?? (await pluginChecks(row, plugin, config));
  if (errors) throw new InstallationError('invalid_config', 'The config does not match the plugin schema', errors);
  const { plain, secrets } = splitConfig(configSchema, config);
  await prisma.pluginInstallation.update({
    where: { id },
    data: {
      config: plain as Prisma.InputJsonValue,
      secrets: sealSecrets(secrets),
      pluginVersion: plugin.manifest.version,
      ...(name ? { name } : {}),
    },
  });
  const changed = Object.keys(plain).filter(
    (k) => JSON.stringify(plain[k]) !== JSON.stringify((row.config as Record<string, unknown>)[k]),
  );
  await audit(actor, 'plugins.configure', id, {
    pluginId: row.pluginId,
    version: plugin.manifest.version,
    changed,
    secretsChanged: changedSecrets,
    ...(shape.dropped.length ? { dropped: shape.dropped } : {}),
    ...(name && name !== row.name ? { name } : {}),
  });
}

export async function setEnabled(actor: AuditActor, id: string, enabled: boolean) {
  const { row, plugin } = await load(id);
  if (enabled) {
    if (!plugin) throw new InstallationError('plugin_missing', `Plugin ${row.pluginId} is not installed`);
    const { configSchema } = await describePlugin(plugin);
    const errors = validateConfig(configSchema, fullConfig(row)) ?? (await pluginChecks(row, plugin, fullConfig(row)));
    if (errors) throw new InstallationError('invalid_config', 'Save a valid config before enabling', errors);
  }
  await prisma.pluginInstallation.update({ where: { id }, data: { enabled } });
  await audit(actor, enabled ? 'plugins.enable' : 'plugins.disable', id, { pluginId: row.pluginId });
}

export async function deleteInstallation(actor: AuditActor, id: string) {
  const { row } = await load(id);
  await prisma.pluginInstallation.delete({ where: { id } });
  await audit(actor, 'plugins.uninstall', id, { pluginId: row.pluginId, name: row.name });
}

/** The plugin's own `validateConfig` hook, for rules its JSON Schema cannot express; null when valid. */
async function pluginChecks(row: Row, plugin: RegisteredPlugin, config: Record<string, unknown>) {
  const description = await describePlugin(plugin);
  if (!description.hooks.includes('validateConfig')) return null;
  const outcome = await runHook({
    code: description.code,
    hook: 'validateConfig',
    args: [config],
    config,
    installation: { id: row.id, pluginId: row.pluginId, pluginVersion: plugin.manifest.version },
    allowedOrigins: [],
  });
  if (!outcome.ok) return { _form: `The plugin could not check the config: ${outcome.error}` };
  const errors = (outcome.value ?? {}) as Record<string, string>;
  return Object.keys(errors).length ? errors : null;
}

function kvFor(installationId: string): KvHandler {
  return async (op, key, value) => {
    if (key.length > 200) throw new Error('kv key longer than 200 characters');
    const where = { installationId_key: { installationId, key } };
    if (op === 'get') return (await prisma.pluginKv.findUnique({ where }))?.value ?? null;
    if (op === 'delete') {
      await prisma.pluginKv.deleteMany({ where: { installationId, key } });
      return null;
    }
    if (JSON.stringify(value).length > KV_MAX_VALUE_CHARS)
      throw new Error(`kv value larger than ${KV_MAX_VALUE_CHARS} characters`);
    const exists = await prisma.pluginKv.findUnique({ where, select: { key: true } });
    if (!exists && (await prisma.pluginKv.count({ where: { installationId } })) >= KV_MAX_KEYS) {
      throw new Error(`kv store full (${KV_MAX_KEYS} keys)`);
    }
    const json = value as Prisma.InputJsonValue;
    await prisma.pluginKv.upsert({ where, create: { installationId, key, value: json }, update: { value: json } });
    return null;
  };
}

/** A key that stays the same for every retry of the same logical operation. */
export function idempotencyKey(installationId: string, hook: string, naturalKey: string): string {
  return createHash('sha256').update(`${installationId}\0${hook}\0${naturalKey}`).digest('hex').slice(0, 32);
}

export interface CallOptions {
  /** For writeBack/createLead: the stable key (see idempotencyKey()). */
  idempotencyKey?: string;
  /** Health checks run on disabled installations too (to test before enabling). */
  allowDisabled?: boolean;
  /** Hooks whose first parameter is the installation's config (carrier `trunks`, `callerIds`, `outcomeProfile`). */
  withConfig?: boolean;
}

/** Call a hook of an installation in the sandbox and record it in the call log. Never throws for plugin failures. */
export async function callHook(id: string, hook: string, args: unknown[] = [], options: CallOptions = {}): Promise<HookOutcome> {
  const { row, plugin } = await load(id);
  if (!plugin) throw new InstallationError('plugin_missing', `Plugin ${row.pluginId} is not installed`);
  if (!row.enabled && !options.allowDisabled) throw new InstallationError('disabled', `Installation ${row.name} is disabled`);
  const startedAt = new Date();
  let outcome: HookOutcome;
  try {
    const description = await describePlugin(plugin);
    const config = fullConfig(row);
    outcome = await runHook({
      code: description.code,
      hook,
      args: options.withConfig ? [config, ...args] : args,
      config,
      ctxExtra: options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {},
      installation: { id: row.id, pluginId: row.pluginId, pluginVersion: plugin.manifest.version },
      allowedOrigins: resolveOrigins(plugin.manifest.capabilities, config),
      kv: kvFor(row.id),
      ...(plugin.manifest.capabilities.esl ? { esl: pluginEslApi } : {}),
    });
  } catch (error) {
    const message = error instanceof PluginError ? error.message : `Host error: ${(error as Error).message}`;
    outcome = { ok: false, error: message, logs: [{ level: 'error', message, at: new Date().toISOString() }], durationMs: 0 };
  }
  // The plugin sees its secrets; what it says (log lines, errors) goes to the call log, the server
  // log and the admin page, so it is masked first. The value is the caller's (a gateway file needs them).
  const secrets = secretStrings(row.secrets);
  if (secrets.length) {
    outcome = {
      ...outcome,
      ...(outcome.error !== undefined ? { error: redactSecrets(outcome.error, secrets) } : {}),
      logs: outcome.logs.map((l) => ({ ...l, message: redactSecrets(l.message, secrets) })),
    };
  }
  await prisma.pluginCall.create({
    data: {
      installationId: row.id,
      hook,
      startedAt,
      durationMs: outcome.durationMs,
      ok: outcome.ok,
      error: outcome.error?.slice(0, 2_000) ?? null,
      log: outcome.logs.slice(-LOG_EXCERPT) as unknown as Prisma.InputJsonValue,
    },
  });
  if (!outcome.ok) logger.warn({ installation: row.id, plugin: row.pluginId, hook, error: outcome.error }, 'plugin hook failed');
  return outcome;
}

export async function runHealthCheck(actor: AuditActor, id: string): Promise<{ ok: boolean; message?: string }> {
  const { row, plugin } = await load(id);
  const hasCheck = plugin ? (await describePlugin(plugin).catch(() => null))?.hooks.includes('healthCheck') : false;
  let result: { ok: boolean; message?: string };
  if (plugin && hasCheck === false) {
    result = { ok: true, message: 'no health check' };
  } else {
    const outcome = await callHook(id, 'healthCheck', [], { allowDisabled: true });
    const value = outcome.value as { ok?: unknown; message?: unknown } | undefined;
    result = outcome.ok
      ? {
          ok: value?.ok === true,
          message: typeof value?.message === 'string' ? redactSecrets(value.message, secretStrings(row.secrets)) : undefined,
        }
      : { ok: false, message: outcome.error };
  }
  await prisma.pluginInstallation.update({ where: { id }, data: { lastHealthAt: new Date(), lastHealthOk: result.ok } });
  await audit(actor, 'plugins.healthCheck', id, { pluginId: row.pluginId, ok: result.ok });
  return result;
}

export interface GatewayFile {
  fileName: string;
  content: string;
}

const xmlEscaped = (v: string) =>
  v.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

/**
 * The FreeSWITCH files of a carrier installation (its `gatewayXml` hook). `masked` replaces every
 * stored secret, raw or XML-escaped, for display; the unmasked files are for download only and each
 * download is audited.
 */
export async function gatewayFiles(id: string, options: { masked: boolean; actor?: AuditActor }): Promise<GatewayFile[]> {
  const { row } = await load(id);
  const outcome = await callHook(id, 'gatewayXml', [fullConfig(row)], { allowDisabled: true });
  if (!outcome.ok) throw new InstallationError('invalid_config', outcome.error ?? 'gatewayXml failed');
  const files = (Array.isArray(outcome.value) ? outcome.value : []) as GatewayFile[];
  if (!options.masked) {
    if (options.actor) {
      await audit(options.actor, 'plugins.downloadGatewayXml', id, {
        pluginId: row.pluginId,
        files: files.map((f) => f.fileName),
      });
    }
    return files;
  }
  const secrets = Object.values(openSecrets(row.secrets)).filter((v): v is string => typeof v === 'string' && v.length > 0);
  return files.map((f) => ({
    fileName: f.fileName,
    content: secrets.reduce(
      (text, secret) => text.split(xmlEscaped(secret)).join(SECRET_MASK).split(secret).join(SECRET_MASK),
      f.content,
    ),
  }));
}

export async function listCalls(id: string, take = 50) {
  const rows = await prisma.pluginCall.findMany({ where: { installationId: id }, orderBy: { id: 'desc' }, take });
  return rows.map((r) => ({
    id: r.id.toString(),
    hook: r.hook,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    ok: r.ok,
    error: r.error,
    log: r.log as { level: string; message: string; at: string }[],
  }));
}

/** Enabled installations of a kind, for the modules that use plugins (dialer, lists, alerts). */
export async function enabledInstallations(pluginIds?: string[]) {
  return prisma.pluginInstallation.findMany({
    where: { enabled: true, ...(pluginIds ? { pluginId: { in: pluginIds } } : {}) },
    select: { id: true, pluginId: true, name: true },
  });
}
