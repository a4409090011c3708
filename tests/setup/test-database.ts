import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { disconnectPrisma } from '../../app/db/prisma.server';
import { resetEnvCache } from '../../app/env.server';
import { stopBoss } from '../../app/jobs/boss.server';
import { closeLive } from '../../app/modules/dialing/live.server';

// Each test file runs against its own copy of the migrated template database.
const adminUrl = inject('databaseAdminUrl');
const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('databaseTemplateName')}`);
await admin.end();

const url = new URL(adminUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();
resetEnvCache();

afterAll(async () => {
  await stopBoss();
  await disconnectPrisma();
  // The live LISTEN connection (opened by SSE routes) would reconnect to the dropped database.
  await closeLive();
  const cleanup = new pg.Client({ connectionString: adminUrl });
  await cleanup.connect();
  await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await cleanup.end();
});
