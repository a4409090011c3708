import { parseArgs } from 'node:util';
import { openDatabase } from '../app/db/database.server';
import { applyMigrations } from '../app/db/migrate.server';
import { disconnectPrisma } from '../app/db/prisma.server';
import { env } from '../app/env.server';
import { stopBoss } from '../app/jobs/boss.server';
import { startWorker } from '../app/jobs/worker.server';
import { isRole, ROLES } from '../app/modules/auth/permissions';
import { startDialer } from '../app/modules/dialing/dialer.server';
import { closeLive } from '../app/modules/dialing/live.server';
import { formatCredentials, seedDemo } from '../app/modules/system/seed.server';
import { UserCreateSchema } from '../app/modules/users/user-schema';
import { createUser } from '../app/modules/users/users.server';
import { logger } from '../app/utils/logger.server';
import { ensureProductionBuild } from './build';
import { startWebServer } from './web';

const USAGE = `Usage: waihu <command>

  start         everything in one process: database (embedded unless DATABASE_URL), migrations,
                demo data on an empty database, web, worker and dialer
  web           the web server only
  worker        the background job worker only
  dialer        the dialer only
  migrate       apply pending database migrations and exit
  seed          create the demo data if the database is empty, and exit
  create-user   --login <login> --role <${ROLES.join('|')}> [--name <display name>] [--password <pw>]
  reports:rebuild  recompute every report rollup from the raw call attempts and write-backs, and exit
  keys:status   which data keys the ring holds, and how many sealed values each key has in the database
  keys:rotate   [--reencrypt-only] [--batch-size <n>]   add a new current data key (key file) and
                re-encrypt every sealed value under it, in batches with a checkpoint, while Waihu runs
  keys:retire   <keyId>   drop an old key from the key file once nothing is sealed with it
  keys:lookup-key   print the phone lookup key (WAIHU_PHONE_LOOKUP_KEY) before rotating env keys
  backup        <file>   write a backup of the database (every table, one snapshot; gzip) to <file>;
                save the data key file with it, separately (docs/operations.md)
  restore       <file>   restore a backup into an EMPTY database (a new WAIHU_DATA_DIR or DATABASE_URL),
                then apply any newer migrations
  plugin new    <name> --kind crm|carrier|notify   scaffold a plugin under plugins/<name> with a passing test
`;

type Stop = () => Promise<void>;

// What to undo on exit, newest last: a fatal error after the database started still stops it.
const stops: Stop[] = [];

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((error) => logger.error({ err: error }, 'error during shutdown'));
  }
}

async function migrate(url: string): Promise<void> {
  const report = await applyMigrations(url);
  if (report.applied.length) logger.info({ applied: report.applied }, 'database migrations applied');
  for (const name of report.modifiedAfterApply) {
    logger.warn({ migration: name }, 'a migration file changed after it was applied; the database keeps the old version');
  }
}

/** Runs until SIGINT/SIGTERM, then stops the parts in reverse order. */
function stopOnSignal(): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await stopAll();
    logger.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function runRoles(roles: { web?: boolean; worker?: boolean; dialer?: boolean; seed?: boolean }) {
  if (roles.web && env().NODE_ENV !== 'development') ensureProductionBuild();
  stopOnSignal();
  const db = await openDatabase();
  // Stopped in reverse: jobs, the live-updates connection, Prisma, then the database.
  stops.push(db.close, disconnectPrisma, closeLive, stopBoss);
  await migrate(db.url);
  if (roles.seed) {
    const result = await seedDemo();
    if (result.seeded) process.stdout.write(formatCredentials(result.credentials));
  }
  if (roles.worker) await startWorker();
  // The all-in-one demo (`waihu start`) lets auto-agents take calls unless WAIHU_AUTO_AGENTS=false.
  const autoAgents = env().WAIHU_AUTO_AGENTS ? env().WAIHU_AUTO_AGENTS === 'true' : !!roles.seed;
  if (roles.dialer) stops.push((await startDialer({ autoAgents })).stop);
  if (roles.web) stops.push((await startWebServer()).close);
}

async function once(task: (url: string) => Promise<void>): Promise<void> {
  const db = await openDatabase();
  stops.push(db.close, disconnectPrisma);
  await task(db.url);
  await stopAll();
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'start':
      return runRoles({ web: true, worker: true, dialer: true, seed: true });
    case 'web':
      return runRoles({ web: true });
    case 'worker':
      return runRoles({ worker: true });
    case 'dialer':
      return runRoles({ dialer: true });
    case 'migrate':
      return once(migrate);
    case 'seed':
      return once(async (url) => {
        await migrate(url);
        const result = await seedDemo();
        process.stdout.write(
          result.seeded ? formatCredentials(result.credentials) : 'The database already has users; nothing seeded.\n',
        );
      });
    case 'create-user': {
      const { values } = parseArgs({
        args: rest,
        options: { login: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
      });
      if (!values.login || !isRole(values.role)) throw new UsageError('create-user needs --login and a valid --role');
      const input = UserCreateSchema.parse({ login: values.login, role: values.role, displayName: values.name ?? values.login });
      return once(async (url) => {
        await migrate(url);
        const { password } = await createUser({ name: 'cli' }, input, values.password);
        process.stdout.write(`Created ${input.login} (${input.role}). Password: ${password}\n`);
      });
    }
    case 'reports:rebuild':
      return once(async (url) => {
        await migrate(url);
        const { rebuildRollups } = await import('../app/modules/reports/rollup.server');
        const result = await rebuildRollups((step) => process.stdout.write(`${step}\n`));
        process.stdout.write(`Rebuilt ${result.touched} task-hours in ${(result.ms / 1000).toFixed(1)} s.\n`);
      });
    case 'keys:status':
    case 'keys:rotate':
    case 'keys:retire':
    case 'keys:lookup-key':
      return keysCommand(command, rest);
    case 'backup':
    case 'restore':
      return backupCommand(command, rest);
    case 'plugin': {
      const { scaffoldPlugin, ScaffoldError } = await import('../app/plugins/scaffold.server');
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { kind: { type: 'string' } } });
      if (positionals[0] !== 'new' || !positionals[1] || !values.kind) {
        throw new UsageError('plugin new <name> --kind crm|carrier|notify');
      }
      try {
        const { dir, relativeDir, files } = scaffoldPlugin({ name: positionals[1], kind: values.kind });
        process.stdout.write(`Created ${dir}: ${files.join(', ')}\nRun its test: npx vitest run ${relativeDir}\n`);
        return;
      } catch (error) {
        if (error instanceof ScaffoldError) throw new UsageError(error.message);
        throw error;
      }
    }
    default:
      throw new UsageError(command ? `Unknown command: ${command}` : 'No command given');
  }
}

class UsageError extends Error {}

/** `waihu keys:*` (ADR 090): the data key ring and its rotation; every change is audited. */
async function keysCommand(command: string, args: string[]): Promise<void> {
  const keys = await import('../app/modules/system/data-keys.server');
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'reencrypt-only': { type: 'boolean' }, 'batch-size': { type: 'string' } },
  });
  const batchSize = values['batch-size'] ? Number(values['batch-size']) : undefined;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0 && batchSize <= 10_000)) {
    throw new UsageError('--batch-size must be a whole number from 1 to 10000');
  }
  if (command === 'keys:retire' && !positionals[0]) throw new UsageError('keys:retire needs the key id (see keys:status)');
  const actor = { name: 'cli' };
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return once(async (url) => {
    await migrate(url);
    try {
      if (command === 'keys:status') print(await keys.dataKeyStatus());
      else if (command === 'keys:lookup-key') process.stdout.write(`${keys.phoneLookupKeyBase64()}\n`);
      else if (command === 'keys:retire') {
        const { removedFromFile } = await keys.retireDataKey(actor, positionals[0] as string);
        process.stdout.write(
          removedFromFile
            ? `Removed data key ${positionals[0]} from the key file.\n`
            : `Nothing is sealed with ${positionals[0]}: remove it from WAIHU_DATA_KEYS_OLD on every process.\n`,
        );
      } else {
        const report = await keys.rotateDataKey({
          actor,
          reencryptOnly: values['reencrypt-only'] === true,
          ...(batchSize ? { batchSize } : {}),
          onProgress: (line) => process.stdout.write(`${line}\n`),
        });
        print(report);
        if (Object.keys(report.leftovers).length) process.exitCode = 2;
      }
    } catch (error) {
      if (!(error instanceof keys.DataKeyRotationError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    }
  });
}

/** `waihu backup|restore <file>` (ADR 111). */
async function backupCommand(command: 'backup' | 'restore', args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (!file) throw new UsageError(`${command} needs a file`);
  const backup = await import('../app/modules/system/backup.server');
  return once(async (url) => {
    try {
      if (command === 'backup') {
        const summary = await backup.writeBackup(url, file);
        process.stdout.write(
          `Backed up ${summary.rows} rows of ${summary.tables} tables to ${summary.file}.\n` +
            (summary.keyIds.length
              ? `Values in it are sealed with data key ${summary.keyIds.join(', ')}: keep a copy of the data key (${process.env.WAIHU_DATA_KEY ? 'WAIHU_DATA_KEY' : `${env().dataDir}/data-key`}) apart from the backup.\n`
              : ''),
        );
      } else {
        const report = await backup.restoreBackup(url, file);
        process.stdout.write(
          `Restored ${report.rows} rows of ${report.tables} tables from ${file}.\n` +
            (report.upgraded.length
              ? `Then applied ${report.upgraded.length} newer migrations: ${report.upgraded.join(', ')}\n`
              : ''),
        );
      }
    } catch (error) {
      if (!(error instanceof backup.BackupError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    }
  });
}

main().catch(async (error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}`);
  } else {
    logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
  }
  await stopAll();
  process.exit(1);
});
