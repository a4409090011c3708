import type { Condition } from '../../rules';

/** The advanced filter travels in the URL as JSON, so a filtered list can be bookmarked and shared. */
export function parseWhere(raw: string | null): Condition | null {
  if (!raw || raw.length > 20_000) return null;
  try {
    const value = JSON.parse(raw) as Condition;
    return value && Array.isArray(value.rules) ? value : null;
  } catch {
    return null;
  }
}
