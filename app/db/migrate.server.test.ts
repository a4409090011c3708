import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations, readMigrations } from './migrate.server';
import { diffSchemas } from './schema-diff.server';

const adminUrl = inject('databaseAdminUrl');
const created: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `mig_${process.pid}_${created.length}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  created.push(name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Everything about the public schema that Prisma's schema describes. */
async function describeDatabase(url: string) {
  const [columns, indexes, constraints, enums] = await Promise.all([
    query(
      url,
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
                FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
                ORDER BY table_name, column_name`,
    ),
    query(
      url,
      `SELECT tablename, indexname, indexdef FROM pg_indexes
                WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY indexname`,
    ),
    query(
      url,
      `SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
                JOIN pg_namespace n ON n.oid = c.connamespace
                WHERE n.nspname = 'public' AND c.conrelid::regclass::text <> '_prisma_migrations' ORDER BY c.conname`,
    ),
    query(
      url,
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_type t
                JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
    ),
  ]);
  return { columns, indexes, constraints, enums };
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

describe('migrations', () => {
  it('produce exactly the database that prisma/schema.prisma describes', async () => {
    const migrated = await emptyDatabase();
    await applyMigrations(migrated);
    const fromSchema = await emptyDatabase();
    const sql = await diffSchemas({ fromSchema: null, toSchema: path.resolve('prisma/schema.prisma'), databaseUrl: fromSchema });
    await query(fromSchema, sql);
    const expected = await describeDatabase(fromSchema);
    expect(expected.columns.length).toBeGreaterThan(10);
    expect(await describeDatabase(migrated)).toEqual(expected);
  }, 120_000);

  it('are recorded the way Prisma records them, and applying again changes nothing', async () => {
    const url = await emptyDatabase();
    const first = await applyMigrations(url);
    const files = readMigrations();
    expect(first.applied).toEqual(files.map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    for (const [i, file] of files.entries()) {
      const sha = createHash('sha256')
        .update(fs.readFileSync(path.join('prisma/migrations', file.name, 'migration.sql')))
        .digest('hex');
      expect(rows[i]).toMatchObject({ migration_name: file.name, checksum: sha, applied_steps_count: 1 });
      expect(rows[i]?.finished_at).toBeInstanceOf(Date);
    }
    const second = await applyMigrations(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(files.map((m) => m.name));
  });

  it('roll a failing migration back whole and name it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-migs-'));
    fs.mkdirSync(path.join(dir, '20260101000000_good'));
    fs.writeFileSync(path.join(dir, '20260101000000_good', 'migration.sql'), 'CREATE TABLE good (id int);');
    fs.mkdirSync(path.join(dir, '20260102000000_bad'));
    fs.writeFileSync(
      path.join(dir, '20260102000000_bad', 'migration.sql'),
      'CREATE TABLE half (id int);\nSELECT nonsense FROM nowhere;',
    );
    const url = await emptyDatabase();
    await expect(applyMigrations(url, dir)).rejects.toThrow(/20260102000000_bad failed and was rolled back/);
    const tables = await query<{ tablename: string }>(
      url,
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.tablename)).toEqual(['_prisma_migrations', 'good']);
    // A changed file after apply is reported, not silently re-run.
    fs.writeFileSync(path.join(dir, '20260101000000_good', 'migration.sql'), 'CREATE TABLE good (id bigint);');
    fs.rmSync(path.join(dir, '20260102000000_bad'), { recursive: true });
    expect((await applyMigrations(url, dir)).modifiedAfterApply).toEqual(['20260101000000_good']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
