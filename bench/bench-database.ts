// The benchmarks' shared setup: a throwaway data folder and embedded PostgreSQL, migrated, with a
// fixed data key and silent logs; torn down afterwards whatever happens.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../app/db/embedded-postgres.server';
import { applyMigrations } from '../app/db/migrate.server';
import { disconnectPrisma } from '../app/db/prisma.server';
import { resetEnvCache } from '../app/env.server';

/** A temporary data folder with the benchmark's environment (call before anything reads env). */
export function benchFolder(name: string, keyByte: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `waihu-bench-${name}-`));
  fs.chmodSync(dir, 0o755);
  process.env.WAIHU_DATA_DIR = dir;
  process.env.WAIHU_DATA_KEY = Buffer.alloc(32, keyByte).toString('base64');
  process.env.WAIHU_LOG_LEVEL = 'silent';
  return dir;
}

/** Runs `bench` against a fresh migrated embedded PostgreSQL in `dir`, then stops it and removes `dir`. */
export async function withBenchDatabase(
  dir: string,
  bench: (url: string) => Promise<void>,
  cleanup: () => Promise<void> = async () => {},
): Promise<void> {
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'cluster') });
  try {
    const url = db.url();
    await applyMigrations(url);
    process.env.DATABASE_URL = url;
    resetEnvCache();
    await bench(url);
  } finally {
    await cleanup();
    await disconnectPrisma();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
