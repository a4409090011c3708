// Records a release's database for the upgrade test (ADR 112): run at release time, in the
// release's own checkout (or pointing --checkout at one), it seeds the demo, lets the dialer and
// the worker run on the simulated switch for a while (attempts, write-backs, rollups), and writes
// tests/fixtures/upgrade/v<version>/ — a Waihu backup of that database and release.json (the
// release's migrations with their checksums, the fixture's test-only data key, row counts).
//
//   npm run upgrade:fixture -- --version 0.2.0 [--checkout <dir>] [--commit <sha>] [--dial-seconds 30]
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../app/db/embedded-postgres.server';
import { writeBackup } from '../app/modules/system/backup.server';

const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    checkout: { type: 'string' },
    commit: { type: 'string' },
    'dial-seconds': { type: 'string', default: '30' },
  },
});
if (!values.version || !/^\d+\.\d+\.\d+$/.test(values.version)) {
  process.stderr.write('--version x.y.z is required\n');
  process.exit(1);
}
const checkout = path.resolve(values.checkout ?? '.');
const commit = values.commit ?? execFileSync('git', ['rev-parse', 'HEAD'], { cwd: checkout, encoding: 'utf8' }).trim();
const out = path.resolve('tests/fixtures/upgrade', `v${values.version}`);
// Test-only secrets: the fixture must be readable by the test, so they are in release.json.
const DATA_KEY = Buffer.alloc(32, 0x5a).toString('base64');
const DEMO_PASSWORD = 'upgrade-fixture-1';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-upgrade-fixture-'));
fs.chmodSync(work, 0o755);
const db = await startEmbeddedPostgres({ dataDir: path.join(work, 'cluster') });
const url = db.url();
const env = {
  ...process.env,
  DATABASE_URL: url,
  WAIHU_DATA_DIR: path.join(work, 'data'),
  WAIHU_DATA_KEY: DATA_KEY,
  WAIHU_DEMO_PASSWORD: DEMO_PASSWORD,
  WAIHU_LOG_LEVEL: 'warn',
  WAIHU_SIM_TIME_SCALE: '10',
  WAIHU_AUTO_AGENTS: 'true',
  NODE_ENV: 'production' as const,
};
const waihu = (args: string[]): ChildProcess =>
  spawn(process.execPath, ['bin/waihu.js', ...args], { cwd: checkout, env, stdio: ['ignore', 'inherit', 'inherit'] });
const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', resolve));

try {
  const seed = await exited(waihu(['seed']));
  if (seed !== 0) throw new Error(`waihu seed exited with ${seed}`);
  const roles = [waihu(['worker']), waihu(['dialer'])];
  await new Promise((resolve) => setTimeout(resolve, Number(values['dial-seconds']) * 1000));
  for (const child of roles) child.kill('SIGTERM');
  await Promise.all(roles.map(exited));
  fs.mkdirSync(out, { recursive: true });
  const file = path.join(out, 'database.backup.gz');
  await writeBackup(url, file);
  const { verifyBackup } = await import('../app/modules/system/backup.server');
  const { header } = await verifyBackup(file);
  const release = {
    version: values.version,
    commit,
    recordedAt: new Date().toISOString(),
    note: 'Test fixture: the database of this release with demo data. The data key and password are for tests only.',
    dataKey: DATA_KEY,
    demoPassword: DEMO_PASSWORD,
    migrations: header.migrations,
    rows: Object.fromEntries(header.tables.map((t) => [t.name, t.rows])),
  };
  fs.writeFileSync(path.join(out, 'release.json'), `${JSON.stringify(release, null, 2)}\n`);
  process.stdout.write(
    `Wrote ${path.relative(process.cwd(), out)}: ${header.migrations.length} migrations, ${header.tables.length} tables\n`,
  );
} finally {
  await db.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
