import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, type MigrationReport, readMigrations } from '../../app/db/migrate.server';
import { prisma } from '../../app/db/prisma.server';
import { restoreBackup, tableRowCounts } from '../../app/modules/system/backup.server';
import { newDatabase, switchDatabase } from './databases';

// The upgrade path (ADR 112): the previous release's database, recorded in the repository as a
// Waihu backup made by that release (tests/fixtures/upgrade/v<version>/), is rebuilt with exactly
// that release's migrations and data, then today's migrations run forward and today's code runs.

interface Release {
  version: string;
  commit: string;
  dataKey: string;
  migrations: { name: string; checksum: string }[];
  rows: Record<string, number>;
}

const FIXTURES = path.resolve('tests/fixtures/upgrade');
const releases = fs
  .readdirSync(FIXTURES)
  .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'release.json')))
  .map((d) => ({
    dir: path.join(FIXTURES, d),
    ...(JSON.parse(fs.readFileSync(path.join(FIXTURES, d, 'release.json'), 'utf8')) as Release),
  }))
  .sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
const previous = releases.at(-1) as (typeof releases)[number];
process.env.WAIHU_DATA_KEY = previous.dataKey;

const sourceUrl = process.env.DATABASE_URL as string;
let target: Awaited<ReturnType<typeof newDatabase>>;
let upgrade: MigrationReport;

beforeAll(async () => {
  target = await newDatabase('upgrade');
  await restoreBackup(target.url, path.join(previous.dir, 'database.backup.gz'), { migrateForward: false });
  upgrade = await applyMigrations(target.url);
  await switchDatabase(target.url);
}, 180_000);

afterAll(async () => {
  await switchDatabase(sourceUrl);
  await target?.drop();
});

describe(`upgrading from the previous release (v${previous.version})`, () => {
  it('runs every migration released since, in order, and leaves nothing pending', async () => {
    const released = new Set(previous.migrations.map((m) => m.name));
    const newer = readMigrations()
      .map((m) => m.name)
      .filter((name) => !released.has(name));
    expect(upgrade.applied).toEqual(newer);
    expect((await applyMigrations(target.url)).applied).toEqual([]);
  });

  it('keeps every row of the previous release', async () => {
    const now = await tableRowCounts(target.url);
    // At least: a migration may add rows (defaults), never lose them.
    for (const [table, rows] of Object.entries(previous.rows)) expect(now[table], table).toBeGreaterThanOrEqual(rows);
  });

  it("decrypts the previous release's phones with its data key", async () => {
    const { revealPhone } = await import('../../app/modules/lists/phone-vault.server');
    const contacts = await prisma.contact.findMany({ where: { phoneCipher: { not: null } }, take: 50 });
    expect(contacts.length).toBe(50);
    for (const c of contacts) {
      const phone = revealPhone(c.phoneCipher as string);
      expect(phone).toMatch(/^\+?\d{6,}$/);
      expect(phone.endsWith(c.phoneMasked.slice(-4))).toBe(true);
    }
  });

  it('serves a signed-in page: the project list as its administrator', async () => {
    const { createSession } = await import('../../app/modules/auth/session.server');
    const { request } = await import('../helpers');
    const admin = await prisma.user.findUniqueOrThrow({ where: { login: 'admin' } });
    const cookie = (await createSession(request('/login'), admin.id)).split(';')[0] as string;
    const { loader } = await import('../../app/routes/_app.projects._index');
    const result = JSON.stringify(await loader({ request: request('/projects', { cookie }), params: {}, context: {} }));
    for (const project of await prisma.project.findMany()) expect(result).toContain(project.name);
  });

  it("admits a contact of the previous release's running task through the dial gate, and refuses it twice", async () => {
    const { admit } = await import('../../app/modules/dialing/gate.server');
    const { getProject } = await import('../../app/modules/projects/projects.server');
    const row = await prisma.task.findFirstOrThrow({ where: { status: 'running', dialMode: 'predictive' } });
    const project = await getProject(row.projectId);
    const task = {
      id: row.id,
      projectId: row.projectId,
      rulesVersion: project.rulesVersion,
      rules: project.rules,
      running: true,
      selection: row.condition as never,
    };
    const fresh = await prisma.contact.findMany({
      where: { projectId: row.projectId, attempts: 0, deletedAt: null },
      take: 30,
      orderBy: { id: 'asc' },
    });
    // A fixed working day (Wednesday 10:00 in Shanghai): the demo's holidays cannot interfere.
    const AT = new Date('2026-11-25T02:00:00Z');
    const admissions = [];
    for (const c of fresh) {
      const a = await admit(task, c.id, 'predictive', AT);
      admissions.push(a);
      if (a.ok) {
        expect(await admit(task, c.id, 'predictive', AT)).toMatchObject({ ok: false, reason: 'activeAttempt' });
        break;
      }
    }
    expect(admissions.some((a) => a.ok)).toBe(true);
  });

  it('the audit log of the previous release became append-only', async () => {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await expect(client.query('DELETE FROM "AuditLog"')).rejects.toThrow();
    } finally {
      await client.end();
    }
    expect(await prisma.auditLog.count()).toBeGreaterThanOrEqual(previous.rows.AuditLog ?? 0);
  });
});

describe('released migrations are never edited', () => {
  const today = new Map(readMigrations().map((m) => [m.name, m.checksum]));

  it.each(releases.map((r) => [r.version, r] as const))(
    'v%s: every migration it shipped is in the repository, byte for byte',
    (_v, release) => {
      for (const m of release.migrations) {
        expect(today.has(m.name), `${m.name} was removed`).toBe(true);
        expect(today.get(m.name), `${m.name} was edited after release ${release.version}`).toBe(m.checksum);
      }
    },
  );

  it('a new migration sorts after every released one (databases upgrade in the same order as fresh ones)', () => {
    const released = new Set(releases.flatMap((r) => r.migrations.map((m) => m.name)));
    const lastReleased = [...released].sort().at(-1) as string;
    const misplaced = [...today.keys()].filter((name) => !released.has(name) && name < lastReleased);
    expect(misplaced).toEqual([]);
  });
});
