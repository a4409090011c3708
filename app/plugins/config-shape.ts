import type { JsonSchema } from './sdk';

// What a plugin's JSON Schema does not say but every stored config must respect (ADR 113): no
// prototype keys, no field the schema does not define, bounded depth, length and size, and text
// PostgreSQL can store (no NUL, no broken surrogate). Checked before anything copies the config, so
// a hostile one is refused with the field it concerns instead of overflowing the stack later.

export const CONFIG_LIMITS = {
  /** Objects and lists inside one another. */
  depth: 12,
  /** Characters of a text field whose schema sets no maxLength. */
  text: 10_000,
  /** Items of a list whose schema sets no maxItems. */
  items: 1_000,
  /** The whole config, as JSON. */
  bytes: 256 * 1024,
};

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ShapeResult {
  errors: Record<string, string> | null;
  /** The config without fields the schema no longer defines that the stored config already had. */
  config: Obj;
  /** Those dropped leftovers (from an older plugin version), by dotted path. */
  dropped: string[];
}

/**
 * Check `submitted` against `schema`'s structure. A field the schema does not define is refused,
 * unless the stored config (`stored`) had it too: a leftover of an older plugin version that the
 * form sends back; it is dropped instead.
 */
export function checkConfigShape(schema: JsonSchema, submitted: Obj, stored: unknown): ShapeResult {
  // A Map: a field named "constructor" must not find Object.prototype's.
  const errors = new Map<string, string>();
  const dropped: string[] = [];
  const fail = (path: string, message: string) => {
    if (!errors.has(path || '_form')) errors.set(path || '_form', message);
  };

  const walk = (value: unknown, node: JsonSchema | null, old: unknown, path: string, depth: number): unknown => {
    if (typeof value === 'string') {
      const max = typeof node?.maxLength === 'number' ? node.maxLength : CONFIG_LIMITS.text;
      if (value.length > max) fail(path, `too long: ${value.length} characters, at most ${max}`);
      else if (value.includes('\u0000') || !value.isWellFormed())
        fail(path, 'contains characters that cannot be stored (NUL or a broken surrogate)');
      return value;
    }
    if (value === null || typeof value !== 'object') return value;
    if (depth >= CONFIG_LIMITS.depth) {
      fail(path, `nested too deeply (at most ${CONFIG_LIMITS.depth} levels)`);
      return value;
    }
    if (Array.isArray(value)) {
      const max = typeof node?.maxItems === 'number' ? node.maxItems : CONFIG_LIMITS.items;
      if (value.length > max) {
        fail(path, `too many items: ${value.length}, at most ${max}`);
        return value;
      }
      const items = isObj(node?.items) ? (node.items as JsonSchema) : null;
      return value.map((item, i) => walk(item, items, Array.isArray(old) ? old[i] : undefined, join(path, i), depth + 1));
    }
    const props = isObj(node?.properties) ? (node.properties as Obj) : null;
    const extra = node?.additionalProperties;
    const out: Obj = {};
    for (const [key, child] of Object.entries(value as Obj)) {
      if (key.length > 200) {
        fail(path, `a field name is too long: ${key.length} characters, at most 200`);
        continue;
      }
      const at = join(path, key);
      if (FORBIDDEN.has(key)) {
        fail(at, `"${key}" is not allowed as a field name`);
        continue;
      }
      let sub: JsonSchema | null = null;
      if (props && Object.hasOwn(props, key)) sub = isObj(props[key]) ? (props[key] as JsonSchema) : null;
      else if (isObj(extra)) sub = extra as JsonSchema;
      else if (props && extra !== true) {
        // A field the plugin's schema does not define.
        if (isObj(old) && Object.hasOwn(old, key)) dropped.push(at);
        else fail(at, 'unknown field: this plugin has no such setting');
        continue;
      }
      out[key] = walk(child, sub, isObj(old) ? old[key] : undefined, at, depth + 1);
    }
    return out;
  };

  const config = walk(submitted, schema, stored, '', 0) as Obj;
  if (!errors.size) {
    const bytes = Buffer.byteLength(JSON.stringify(config));
    if (bytes > CONFIG_LIMITS.bytes) {
      // Named after the field that takes the most room.
      const sizes = Object.entries(config).map(([k, v]) => [k, Buffer.byteLength(JSON.stringify(v) ?? '')] as const);
      const [largest] = sizes.sort((a, b) => b[1] - a[1]);
      fail(
        largest?.[0] ?? '',
        `too large: the config would be ${Math.ceil(bytes / 1024)} KB, at most ${CONFIG_LIMITS.bytes / 1024} KB`,
      );
    }
  }
  return { errors: errors.size ? Object.fromEntries(errors) : null, config, dropped };
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
