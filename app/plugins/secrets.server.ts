import { decryptString, encryptString } from '../utils/data-key.server';
import { MAX_LOG_CHARS } from './runtime/protocol';
import type { JsonSchema } from './sdk';

// Which config fields are secrets (`format: 'password'` or `'x-secret': true` in the config schema),
// how they are split from the rest, sealed with the data key, and kept when the form leaves them empty.
// Secret fields are found in object properties at any depth (not inside arrays).

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Dotted paths of the secret fields of a config schema. */
export function secretPaths(schema: JsonSchema, prefix = ''): string[] {
  const props = schema.properties;
  if (!isObj(props)) return [];
  const out: string[] = [];
  for (const [key, sub] of Object.entries(props)) {
    if (!isObj(sub)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (sub.format === 'password' || sub['x-secret'] === true) out.push(path);
    else if (sub.type === 'object') out.push(...secretPaths(sub, path));
  }
  return out;
}

function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), obj);
}

function setPath(obj: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (!isObj(o[k])) o[k] = {};
    o = o[k] as Obj;
  }
  o[keys.at(-1) as string] = value;
}

function deletePath(obj: Obj, path: string): void {
  const keys = path.split('.');
  const parent = getPath(obj, keys.slice(0, -1).join('.'));
  const target = keys.length === 1 ? obj : parent;
  if (isObj(target)) delete target[keys.at(-1) as string];
}

/** Split a full config into the non-secret part and a flat `{ path: value }` of secrets. */
export function splitConfig(schema: JsonSchema, config: Obj): { plain: Obj; secrets: Record<string, unknown> } {
  const plain = structuredClone(config);
  const secrets: Record<string, unknown> = {};
  for (const path of secretPaths(schema)) {
    const value = getPath(config, path);
    if (value !== undefined && value !== '') secrets[path] = value;
    deletePath(plain, path);
  }
  return { plain, secrets };
}

/** The full config a hook sees: plain fields with the secrets put back. */
export function joinConfig(plain: Obj, secrets: Record<string, unknown>): Obj {
  const out = structuredClone(plain);
  for (const [path, value] of Object.entries(secrets)) setPath(out, path, value);
  return out;
}

/**
 * A submitted form against what is stored: a secret left empty (or absent) keeps the stored value;
 * a non-empty one replaces it. Returns the full config to validate and save, and which secrets changed.
 */
export function mergeSubmitted(
  schema: JsonSchema,
  submitted: Obj,
  storedSecrets: Record<string, unknown>,
): { config: Obj; changedSecrets: string[] } {
  const { plain, secrets } = splitConfig(schema, submitted);
  const changedSecrets = Object.keys(secrets).filter((p) => secrets[p] !== storedSecrets[p]);
  return { config: joinConfig(plain, { ...storedSecrets, ...secrets }), changedSecrets };
}

export function sealSecrets(secrets: Record<string, unknown>): string | null {
  return Object.keys(secrets).length ? encryptString(JSON.stringify(secrets)) : null;
}

export function openSecrets(sealed: string | null): Record<string, unknown> {
  return sealed ? (JSON.parse(decryptString(sealed)) as Record<string, unknown>) : {};
}

/**
 * The schema as the browser gets it: secret fields that are already stored are not `required`
 * (empty means keep), so the generated form accepts an empty password box.
 */
export function browserSchema(schema: JsonSchema, storedSecretPaths: string[], prefix = ''): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (Array.isArray(schema.required)) {
    out.required = (schema.required as string[]).filter((k) => !storedSecretPaths.includes(prefix ? `${prefix}.${k}` : k));
  }
  if (isObj(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, sub]) => [
        k,
        isObj(sub) && sub.type === 'object' ? browserSchema(sub, storedSecretPaths, prefix ? `${prefix}.${k}` : k) : sub,
      ]),
    );
  }
  return out;
}

export const SECRET_MASK = '••••••••';
/** Shorter values are not masked: replacing every "1" or "ab" in a log would make it unreadable. */
const MIN_MASKED_LENGTH = 4;

/** The stored secret strings of an installation, for `redactSecrets`. */
export function secretStrings(sealed: string | null): string[] {
  return Object.values(openSecrets(sealed)).filter((v): v is string => typeof v === 'string' && v.length >= MIN_MASKED_LENGTH);
}

/**
 * Text a plugin produced (its log lines, its error) with every stored secret masked: raw, as it
 * appears inside JSON, and URL-encoded — a hook that logs its config must not put the secret in
 * the call log, the server log or the admin page. A line the sandbox cut (`MAX_LOG_CHARS`) may end
 * with the beginning of a secret: that end is masked too.
 */
export function redactSecrets(text: string, secrets: string[]): string {
  let out = text;
  const forms = secrets.flatMap((s) => [...new Set([s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)])]);
  for (const form of forms) out = out.split(form).join(SECRET_MASK);
  if (text.length >= MAX_LOG_CHARS) {
    for (const form of forms) {
      for (let k = form.length - 1; k > 0; k--) {
        if (out.endsWith(form.slice(0, k))) {
          out = out.slice(0, -k) + SECRET_MASK;
          break;
        }
      }
    }
  }
  return out;
}
