/**
 * @waihu/sdk — the only module a plugin may import. It is bundled into the plugin's code and runs
 * inside the sandbox, so it must stay free of Node imports and of anything from the core.
 * See docs/plugin-guide.md for the guide and the capability model.
 */

export type PluginKind = 'carrier' | 'crm' | 'notify';

/** A JSON Schema object (draft-07, as react-jsonschema-form and ajv read it). */
export type JsonSchema = { [key: string]: unknown };
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Capabilities {
  /**
   * Origins the plugin may fetch from: either literal origins (`https://crm.example.com`) or
   * `config:<field>` — the origin of the URL in that config field (for generic connectors whose
   * address the admin configures). Nothing else is reachable.
   */
  fetch?: string[];
  /**
   * Read-only status commands on the configured FreeSWITCH over the Event Socket (`ctx.esl.api`), run
   * by the host: the sandbox opens no sockets. Only `status`, `sofia status` and
   * `sofia status gateway <name>` are allowed.
   */
  esl?: boolean;
}

/** The host's Event Socket bridge, for plugins that declare `capabilities.esl`. */
export interface EslBridge {
  /** Runs `api <command>` on the configured FreeSWITCH and returns the response body. */
  api(command: string): Promise<string>;
}

export interface Logger {
  debug(message: string, data?: Json): void;
  info(message: string, data?: Json): void;
  warn(message: string, data?: Json): void;
  error(message: string, data?: Json): void;
}

/** The installation's own key-value store; values are JSON. */
export interface KvStore {
  get<T extends Json = Json>(key: string): Promise<T | null>;
  set(key: string, value: Json): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface FetchInit {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  /** A string body; use JSON.stringify for JSON. */
  body?: string;
  /** Milliseconds, capped by the host. */
  timeoutMs?: number;
}

export interface FetchResponse {
  status: number;
  ok: boolean;
  url: string;
  headers: Record<string, string>;
  text(): Promise<string>;
  json<T = unknown>(): Promise<T>;
}

/** Helpers the host computes for the plugin (the sandbox has no Node crypto). */
export interface CryptoHelpers {
  /** HMAC-SHA256 of `message` with `key`, as lowercase hex. */
  hmacSha256Hex(key: string, message: string): string;
  sha256Hex(message: string): string;
}

export interface HookContext<Config> {
  log: Logger;
  kv: KvStore;
  /** The installation's config, secrets decrypted. */
  config: Config;
  /** Only the declared origins are reachable; anything else throws a CapabilityError. */
  fetch(url: string, init?: FetchInit): Promise<FetchResponse>;
  crypto: CryptoHelpers;
  installation: { id: string; pluginId: string; pluginVersion: string };
  /** Only with `capabilities.esl`. */
  esl?: EslBridge;
}

export interface HealthResult {
  ok: boolean;
  message?: string;
}

// ---- CRM ----
export interface ContactRef {
  /** The contact's id in Waihu. */
  ref: string;
  /** The business system's id, when the list came from it. */
  externalId?: string;
  phoneToken?: string;
  fields?: Record<string, Json>;
}
export interface Enrichment {
  ref: string;
  tags?: string[];
  fields?: Record<string, Json>;
}
export interface WrapUpResult {
  callId: string;
  contact: ContactRef;
  outcome: string;
  disposition?: string;
  agent?: string;
  startedAt: string;
  durationSec: number;
  notes?: string;
  fields?: Record<string, Json>;
}
export interface LeadOrder {
  orderId: string;
  contact: ContactRef;
  product?: string;
  amount?: number;
  fields?: Record<string, Json>;
}
export interface CrmHooks<C> {
  enrich(contacts: ContactRef[], ctx: HookContext<C>): Promise<Enrichment[]>;
  writeBack(result: WrapUpResult, ctx: HookContext<C> & { idempotencyKey: string }): Promise<{ externalId?: string }>;
  createLead(order: LeadOrder, ctx: HookContext<C> & { idempotencyKey: string }): Promise<{ externalId: string }>;
  /** For systems that hand over a phone token; called only at the moment of dialling. */
  resolvePhone?(token: string, ctx: HookContext<C>): Promise<{ phone: string }>;
  healthCheck(ctx: HookContext<C>): Promise<HealthResult>;
}

// ---- Carrier ----
export interface NumberRewriteRule {
  /** A regular expression (JavaScript syntax) matched against the dialled number. */
  match: string;
  replace: string;
}
export interface Trunk {
  id: string;
  name: string;
  /** Concurrent channels (one E1 carries 30). */
  capacity: number;
  dialPrefix?: string;
  rewrite?: NumberRewriteRule[];
  regions?: string[];
  /** The FreeSWITCH gateway this trunk dials through (default: the id); see `dialString`. */
  gateway?: string;
}
export interface CallerId {
  number: string;
  areaCode?: string;
  dailyCap?: number;
  trunkId?: string;
}
export interface GatewayConfig {
  name: string;
  /** FreeSWITCH gateway parameters (sofia profile `param` name → value). */
  params: Record<string, string>;
}
/** A file for the operator to install on FreeSWITCH (e.g. `sip_profiles/external/<name>.xml`). */
export interface ConfigFile {
  fileName: string;
  content: string;
}
/** How simulated calls end (rates sum to 1); only simulated carriers provide it. */
export interface OutcomeProfile {
  answer: number;
  busy: number;
  noAnswer: number;
  machine: number;
  invalid: number;
  ringMeanSec: number;
  talkMeanSec: number;
}
export interface CarrierHooks<C> {
  trunks(config: C, ctx: HookContext<C>): Promise<Trunk[]>;
  callerIds(config: C, ctx: HookContext<C>): Promise<CallerId[]>;
  gatewayConfig?(config: C, ctx: HookContext<C>): Promise<GatewayConfig[]>;
  /** The gateway XML files for FreeSWITCH, secrets included: shown masked, downloaded by an admin (audited). */
  gatewayXml?(config: C, ctx: HookContext<C>): Promise<ConfigFile[]>;
  /** Simulated carriers: the call-outcome profile the switch simulator draws from. */
  outcomeProfile?(config: C, ctx: HookContext<C>): Promise<OutcomeProfile>;
  healthCheck(ctx: HookContext<C>): Promise<HealthResult>;
  /** Checks JSON Schema cannot express; returns messages by dotted field path (`gateways.1.name`), `{}` when valid. */
  validateConfig?(config: C, ctx: HookContext<C>): Promise<Record<string, string>>;
}

// ---- Notify ----
export interface NotifyMessage {
  to: string;
  subject?: string;
  text: string;
  link?: string;
}
export interface NotifyHooks<C> {
  send(message: NotifyMessage, ctx: HookContext<C>): Promise<{ id?: string }>;
  healthCheck?(ctx: HookContext<C>): Promise<HealthResult>;
}

export interface HooksByKind<C> {
  crm: CrmHooks<C>;
  carrier: CarrierHooks<C>;
  notify: NotifyHooks<C>;
}

export interface PluginDefinition<K extends PluginKind = PluginKind, C = Record<string, Json>> {
  id: string;
  name: string;
  /** Semver; saved installations record the version they were configured with. */
  version: string;
  kind: K;
  /** JSON Schema of the config. Mark secrets with `format: 'password'` or `'x-secret': true`. */
  configSchema: JsonSchema;
  /** react-jsonschema-form uiSchema, optional. */
  uiSchema?: JsonSchema;
  capabilities: Capabilities;
  hooks: HooksByKind<C>[K];
}

/** Declare a plugin; `export default definePlugin({...})` from the plugin's index.ts. */
export function definePlugin<K extends PluginKind, C = Record<string, Json>>(
  definition: PluginDefinition<K, C>,
): PluginDefinition<K, C> {
  return definition;
}

/** Hook names each kind must (or may) implement. */
export const HOOKS: { [K in PluginKind]: { required: string[]; optional: string[] } } = {
  crm: { required: ['enrich', 'writeBack', 'createLead', 'healthCheck'], optional: ['resolvePhone'] },
  carrier: {
    required: ['trunks', 'callerIds', 'healthCheck'],
    optional: ['gatewayConfig', 'gatewayXml', 'outcomeProfile', 'validateConfig'],
  },
  notify: { required: ['send'], optional: ['healthCheck'] },
};

export * from './carrier';
