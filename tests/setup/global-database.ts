import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../app/db/embedded-postgres.server';
import { applyMigrations } from '../../app/db/migrate.server';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A maintenance connection to the test server, for creating and dropping databases. */
    databaseAdminUrl: string;
    /** The migrated database every test database is copied from. */
    databaseTemplateName: string;
  }
}

// A real PostgreSQL for the whole run: started once, migrated once into a template database.
export default async function setup(project: TestProject) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-test-pg-'));
  const db = await startEmbeddedPostgres({ dataDir });
  await applyMigrations(db.url('waihu'));
  project.provide('databaseAdminUrl', db.url('postgres'));
  project.provide('databaseTemplateName', 'waihu');
  return async () => {
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
