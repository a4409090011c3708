import pg from 'pg';
import { inject } from 'vitest';
import { disconnectPrisma } from '../../app/db/prisma.server';
import { resetEnvCache } from '../../app/env.server';

/** Point the app's code (Prisma and everything reading DATABASE_URL) at another database. */
export async function switchDatabase(url: string): Promise<void> {
  await disconnectPrisma();
  process.env.DATABASE_URL = url;
  resetEnvCache();
}

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A new, empty database (no migrations) on the test server; `drop` removes it. */
export async function newDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await asAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(inject('databaseAdminUrl'));
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
