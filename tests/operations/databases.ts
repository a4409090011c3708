import { disconnectPrisma } from '../../app/db/prisma.server';
import { resetEnvCache } from '../../app/env.server';

/** Point the app's code (Prisma and everything reading DATABASE_URL) at another database. */
export async function switchDatabase(url: string): Promise<void> {
  await disconnectPrisma();
  process.env.DATABASE_URL = url;
  resetEnvCache();
}
