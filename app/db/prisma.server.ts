import { PrismaPg } from '@prisma/adapter-pg';
import { env } from '../env.server';
import { PrismaClient } from '../generated/prisma/client';
import { forgetSingleton, singleton } from '../utils/singleton.server';

function createClient(): PrismaClient {
  const { DATABASE_URL: url, WAIHU_DB_POOL_SIZE: max } = env();
  if (!url) throw new Error('DATABASE_URL is not set: open the database before using Prisma');
  // pg's pool waits for a free connection for ever by default: a starved or leaked pool would hang
  // its callers silently. Fail loudly instead; keep-alive finds
  // connections a network dropped.
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max, connectionTimeoutMillis: 20_000, keepAlive: true }),
  });
}

function client(): PrismaClient {
  return singleton('prisma', createClient);
}

/**
 * The Prisma client, created on first use so that the CLI can start the embedded database
 * (which decides DATABASE_URL) before anything connects.
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const real = client();
    const value = Reflect.get(real, property);
    return typeof value === 'function' ? value.bind(real) : value;
  },
});

export async function disconnectPrisma(): Promise<void> {
  const store = globalThis as unknown as { __waihuSingletons?: Map<string, unknown> };
  const existing = store.__waihuSingletons?.get('prisma') as PrismaClient | undefined;
  if (existing) await existing.$disconnect();
  forgetSingleton('prisma');
}
