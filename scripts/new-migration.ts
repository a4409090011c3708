// Author the next migration from a change to prisma/schema.prisma:
//   npm run db:migration -- add_contacts
// Diffs the schema as of the last migration (prisma/schema.last-migration.prisma) against the
// current one with Prisma's offline JS engine, writes prisma/migrations/<timestamp>_<name>/,
// and updates the snapshot. Uses DATABASE_URL, or a throwaway embedded PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../app/db/embedded-postgres.server';
import { MIGRATIONS_DIR } from '../app/db/migrate.server';
import { diffSchemas, isEmptyMigration } from '../app/db/schema-diff.server';

const SCHEMA = path.resolve('prisma/schema.prisma');
const SNAPSHOT = path.resolve('prisma/schema.last-migration.prisma');

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('Usage: npm run db:migration -- <name in snake_case>');
  process.exit(1);
}

const scratch = process.env.DATABASE_URL ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-migration-'));
const db = scratch ? await startEmbeddedPostgres({ dataDir: scratch }) : null;
try {
  const sql = await diffSchemas({
    fromSchema: fs.existsSync(SNAPSHOT) ? SNAPSHOT : null,
    toSchema: SCHEMA,
    databaseUrl: process.env.DATABASE_URL ?? db!.url('postgres'),
  });
  if (isEmptyMigration(sql)) {
    console.log('The schema has not changed since the last migration: nothing to write.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'migration.sql'), sql);
    fs.writeFileSync(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), 'provider = "postgresql"\n');
    fs.copyFileSync(SCHEMA, SNAPSHOT);
    console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql — review it, then commit it with the snapshot.`);
  }
} finally {
  await db?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
}
