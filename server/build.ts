import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../app/utils/logger.server';

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** `npm start` on a fresh clone (or after a pull) builds the UI first; an up-to-date build is reused. */
export function ensureProductionBuild(): void {
  const built = newestMtime('build/server/index.js');
  const sources = Math.max(...['app', 'public', 'vite.config.ts', 'package.json'].map(newestMtime));
  if (built > sources) return;
  logger.info('building the web app (first start or sources changed)…');
  // VITEST (set when a test starts the server) would turn the Remix plugin off in vite.config.ts.
  const { VITEST: _vitest, ...env } = process.env;
  const result = spawnSync(process.execPath, [path.resolve('node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'], {
    stdio: 'inherit',
    env,
  });
  if (result.status !== 0) throw new Error('The web app build failed (see above).');
}
