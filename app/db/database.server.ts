import { env, resetEnvCache } from '../env.server';
import { logger } from '../utils/logger.server';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.server';

export interface OpenDatabase {
  url: string;
  embedded?: EmbeddedDatabase;
  close: () => Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL in the data folder (started, or
 * attached to when another Waihu process already runs it). Exposes the URL as DATABASE_URL so
 * every later reader (Prisma, pg-boss) sees the same server.
 */
export async function openDatabase(): Promise<OpenDatabase> {
  const config = env();
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, close: async () => {} };
  const log = logger.child({ component: 'embedded-postgres' });
  const embedded = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.WAIHU_PG_PORT,
    log: (line) => log.debug(line),
  });
  const url = embedded.url();
  process.env.DATABASE_URL = url;
  resetEnvCache();
  log.info(
    { port: embedded.port, dataDir: config.dataDir, started: embedded.owned },
    embedded.owned ? 'embedded PostgreSQL started' : 'attached to the running embedded PostgreSQL',
  );
  return { url, embedded, close: () => embedded.stop() };
}
