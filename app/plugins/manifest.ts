import { z } from 'zod';
import type { Capabilities } from './sdk';

// The manifest (`plugins/<id>/manifest.json`) is what the registry and the admin see before any
// plugin code runs; the capabilities enforced are the manifest's, and the code must declare the same.

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const Text = z.union([z.string().min(1), z.object({ en: z.string().min(1), 'zh-CN': z.string().min(1) })]);

export const FetchCapability = z
  .string()
  .refine(
    (value) => /^config:[A-Za-z_][A-Za-z0-9_]*$/.test(value) || isOrigin(value),
    'must be an origin like https://crm.example.com (no path) or config:<field>',
  );

export const ManifestSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/, 'lowercase letters, digits and dashes'),
  name: Text,
  description: Text.optional(),
  version: z.string().regex(SEMVER, 'must be a semantic version like 1.2.3'),
  kind: z.enum(['carrier', 'crm', 'notify']),
  publisher: z.string().optional(),
  capabilities: z.strictObject({ fetch: z.array(FetchCapability).default([]), esl: z.boolean().optional() }),
});

export type Manifest = z.infer<typeof ManifestSchema>;

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/**
 * The origins a call may fetch from: the literal origins, plus for each `config:<field>` the origin
 * of the URL in that config field (ignored when the field is empty or not an http(s) URL).
 */
export function resolveOrigins(capabilities: Capabilities, config: unknown): string[] {
  const out = new Set<string>();
  for (const entry of capabilities.fetch ?? []) {
    if (entry.startsWith('config:')) {
      const value = (config as Record<string, unknown> | null)?.[entry.slice('config:'.length)];
      if (typeof value !== 'string') continue;
      try {
        const url = new URL(value);
        if (url.protocol === 'http:' || url.protocol === 'https:') out.add(url.origin);
      } catch {
        // an invalid URL in config allows nothing
      }
    } else {
      out.add(new URL(entry).origin);
    }
  }
  return [...out];
}

export function localized(text: Manifest['name'] | undefined, language: string): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return language.startsWith('zh') ? text['zh-CN'] : text.en;
}
