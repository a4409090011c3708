import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface RouteProblem {
  file: string;
  problem: string;
}

export function routeFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\./.test(f))
    .map((f) => path.join(dir, f));
}

/**
 * Every route must declare what it needs: it exports a loader or an action, and each one it
 * exports is wrapped by `withPermission` (which marks it with `.permission`).
 */
export async function findUndeclaredRoutes(dir: string): Promise<RouteProblem[]> {
  const problems: RouteProblem[] = [];
  for (const file of routeFiles(dir)) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const handlers = (['loader', 'action'] as const).filter((name) => typeof mod[name] === 'function');
    if (handlers.length === 0) {
      problems.push({
        file: path.basename(file),
        problem: 'exports neither a loader nor an action, so it declares no permission',
      });
    }
    for (const name of handlers) {
      if (!('permission' in (mod[name] as object))) {
        problems.push({ file: path.basename(file), problem: `its ${name} is not wrapped in withPermission()` });
      }
    }
  }
  return problems;
}

/** The address a route file answers at (Remix flat routes), with its params filled in. */
export function routeUrl(file: string, params: Record<string, string>): string {
  const segments = file
    .replace(/\.(ts|tsx)$/, '')
    .replaceAll('[.]', '\u0000')
    .split('.')
    .filter((s) => s !== '_app' && s !== '_index')
    .map((s) => (s.startsWith('$') ? (params[s.slice(1)] ?? 'x') : s).replaceAll('\u0000', '.'));
  return `/${segments.join('/')}`;
}
