import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../app/db/migrate.server';
import { prisma } from '../../app/db/prisma.server';
import { finishAttempt, startDialing } from '../../app/modules/dialing/attempts.server';
import { admit, type DialTask } from '../../app/modules/dialing/gate.server';
import { dialableTask } from '../../app/modules/dialing/testing.server';
import { getProject } from '../../app/modules/projects/projects.server';
import { BackupError, restoreBackup, tableRowCounts, writeBackup } from '../../app/modules/system/backup.server';
import { seedDemo } from '../../app/modules/system/seed.server';
import { encryptString, keyFromBytes } from '../../app/utils/data-key.server';
import { newDatabase, switchDatabase } from './databases';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 21).toString('base64');
process.env.WAIHU_DEMO_PASSWORD = 'demo-password-1';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-backup-test-'));
const file = path.join(dir, 'waihu.backup.gz');
const sourceUrl = process.env.DATABASE_URL as string;
let restored: { url: string; drop: () => Promise<void> };
let before: Record<string, number>;
let sample: { id: bigint; phone: string };

beforeAll(async () => {
  await seedDemo();
  const { taskId } = await dialableTask(20, '1381234');
  await dialSome(taskId, 5);
  // A contact whose phone we know, sealed with the data key like every import does.
  const contact = await prisma.contact.findFirstOrThrow({ where: { phoneCipher: { not: null } }, orderBy: { id: 'asc' } });
  const { revealPhone } = await import('../../app/modules/lists/phone-vault.server');
  sample = { id: contact.id, phone: revealPhone(contact.phoneCipher as string) };
  before = await tableRowCounts(sourceUrl);
  await writeBackup(sourceUrl, file);
  restored = await newDatabase('restored');
  await restoreBackup(restored.url, file);
}, 180_000);

afterAll(async () => {
  await switchDatabase(sourceUrl);
  await restored?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Real attempts through the compliance gate, dialled and finished. */
async function dialSome(taskId: string, n: number) {
  const row = await prisma.task.findUniqueOrThrow({ where: { id: taskId } });
  const project = await getProject(row.projectId);
  const task: DialTask = {
    id: row.id,
    projectId: row.projectId,
    rulesVersion: project.rulesVersion,
    rules: project.rules,
    running: true,
    selection: row.condition as DialTask['selection'],
  };
  const contacts = await prisma.contact.findMany({
    where: { projectId: row.projectId },
    orderBy: { id: 'asc' },
    skip: 2,
    take: n,
  });
  for (const contact of contacts) {
    const admitted = await admit(task, contact.id, 'predictive');
    if (!admitted.ok) throw new Error(`not admitted: ${admitted.reason}`);
    await startDialing(admitted.attemptId, 'd1');
    await finishAttempt(admitted.attemptId, { result: 'noAnswer', cause: 'NO_ANSWER', causeCode: 19 });
  }
}

/** An md5 of each table's rows in a fixed order (the audit row added by a test comes later). */
async function tableDigests(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, string> = {};
    for (const table of Object.keys(before)) {
      const { rows } = await client.query(
        `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS d FROM "${table}" t`,
      );
      out[table] = rows[0].d;
    }
    return out;
  } finally {
    await client.end();
  }
}

describe('backup and restore', () => {
  it('the seeded database holds real data of every kind the backup must carry', () => {
    for (const table of ['Project', 'Contact', 'Task', 'CallAttempt', 'AuditLog', 'User', 'DncEntry']) {
      expect(before[table], table).toBeGreaterThan(0);
    }
  });

  it('restores every table with the same number of rows', async () => {
    expect(await tableRowCounts(restored.url)).toEqual(before);
  });

  it('and every row is the same, value for value', async () => {
    expect(await tableDigests(restored.url)).toEqual(await tableDigests(sourceUrl));
  });

  it('the restored database is fully migrated: nothing pending', async () => {
    const report = await applyMigrations(restored.url);
    expect(report.applied).toEqual([]);
    expect(report.modifiedAfterApply).toEqual([]);
  });

  it('the app runs on it: a signed-in loader lists the projects and a phone decrypts with the same key', async () => {
    await switchDatabase(restored.url);
    const { createSession } = await import('../../app/modules/auth/session.server');
    const { request } = await import('../helpers');
    const admin = await prisma.user.findUniqueOrThrow({ where: { login: 'admin' } });
    const cookie = (await createSession(request('/login'), admin.id)).split(';')[0] as string;
    const { loader } = await import('../../app/routes/_app.projects._index');
    const result = (await loader({ request: request('/projects', { cookie }), params: {}, context: {} })) as unknown;
    const names = (await prisma.project.findMany()).map((p) => p.name);
    expect(names.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).toContain(names[0]);
    const { revealPhone } = await import('../../app/modules/lists/phone-vault.server');
    const contact = await prisma.contact.findUniqueOrThrow({ where: { id: sample.id } });
    expect(revealPhone(contact.phoneCipher as string)).toBe(sample.phone);
  });

  it('the restored audit log is still append-only (its triggers came back)', async () => {
    const client = new pg.Client({ connectionString: restored.url });
    await client.connect();
    try {
      await expect(client.query('UPDATE "AuditLog" SET action = action')).rejects.toThrow();
      await expect(client.query('DELETE FROM "AuditLog"')).rejects.toThrow();
      await expect(client.query('TRUNCATE "AuditLog"')).rejects.toThrow();
    } finally {
      await client.end();
    }
  });

  it('new rows get fresh ids after a restore (sequences continue after the restored rows)', async () => {
    await switchDatabase(restored.url);
    const { audit } = await import('../../app/modules/audit/audit.server');
    await audit({ name: 'test' }, 'backup.test', 'restored');
    expect(await prisma.auditLog.count()).toBe((before.AuditLog ?? 0) + 1);
  });
});

describe('a backup that cannot be restored is refused, and the target stays empty', () => {
  const emptyAfter = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM "Contact"`).catch(() => ({ rows: [{ n: 0 }] }));
    await client.end();
    return rows[0].n;
  };

  it('a truncated file', async () => {
    const whole = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
    const cut = path.join(dir, 'cut.backup');
    fs.writeFileSync(cut, whole.slice(0, Math.floor(whole.length / 2)).join('\n'));
    const target = await newDatabase('cut');
    try {
      await expect(restoreBackup(target.url, cut)).rejects.toThrow(/incomplete|should hold/);
      expect(await emptyAfter(target.url)).toBe(0);
    } finally {
      await target.drop();
    }
  });

  it('a gzip file cut short', async () => {
    const bytes = fs.readFileSync(file);
    const cut = path.join(dir, 'cut.backup.gz');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    await expect(restoreBackup(sourceUrl, cut)).rejects.toThrow(/cannot be read after line \d+|incomplete/);
  });

  it('a file that is not a backup, and a missing file', async () => {
    const junk = path.join(dir, 'junk.backup');
    fs.writeFileSync(junk, 'PGDMP\u0000binary');
    await expect(restoreBackup(sourceUrl, junk)).rejects.toThrow(BackupError);
    await expect(restoreBackup(sourceUrl, path.join(dir, 'nope'))).rejects.toThrow(/No backup file/);
  });

  it('a database that is not empty', async () => {
    await expect(restoreBackup(sourceUrl, file)).rejects.toThrow(/not empty/);
  });

  it('with no data key at all (a new data folder): refused, and no new key file made', async () => {
    const saved = { key: process.env.WAIHU_DATA_KEY, dir: process.env.WAIHU_DATA_DIR };
    const emptyDir = fs.mkdtempSync(path.join(dir, 'data-'));
    delete process.env.WAIHU_DATA_KEY;
    process.env.WAIHU_DATA_DIR = emptyDir;
    const { resetEnvCache } = await import('../../app/env.server');
    resetEnvCache();
    const target = await newDatabase('nokeyfile');
    try {
      await expect(restoreBackup(target.url, file)).rejects.toThrow(/No data key: the backup needs data key [0-9a-f]{8}/);
      expect(fs.readdirSync(emptyDir)).toEqual([]);
    } finally {
      process.env.WAIHU_DATA_KEY = saved.key;
      if (saved.dir === undefined) delete process.env.WAIHU_DATA_DIR;
      else process.env.WAIHU_DATA_DIR = saved.dir;
      resetEnvCache();
      await target.drop();
    }
  });

  it('without the data key the values were sealed with', async () => {
    const saved = process.env.WAIHU_DATA_KEY;
    process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 99).toString('base64');
    const { resetEnvCache } = await import('../../app/env.server');
    resetEnvCache();
    const target = await newDatabase('nokey');
    try {
      await expect(restoreBackup(target.url, file)).rejects.toThrow(/data key .* lacks/);
      expect(await emptyAfter(target.url)).toBe(0);
    } finally {
      process.env.WAIHU_DATA_KEY = saved;
      resetEnvCache();
      await target.drop();
    }
    // The key id names the key: a different key has a different id.
    expect(encryptString('x', keyFromBytes(Buffer.alloc(32, 99))).split(':')[1]).not.toBe(
      encryptString('x', keyFromBytes(Buffer.alloc(32, 21))).split(':')[1],
    );
  });
});

describe('the waihu backup and waihu restore commands', () => {
  const waihu = (args: string[], databaseUrl: string) =>
    promisify(execFile)(process.execPath, ['bin/waihu.js', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, WAIHU_LOG_LEVEL: 'warn' },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);

  it('back up one database and restore it into an empty one; refuse a non-empty one with a message', async () => {
    const cliFile = path.join(dir, 'cli.backup.gz');
    const made = await waihu(['backup', cliFile], sourceUrl);
    expect(made.stdout).toMatch(/Backed up \d+ rows of \d+ tables/);
    expect(made.stdout).toMatch(/sealed with data key [0-9a-f]{8}/);
    const target = await newDatabase('cli');
    try {
      const done = await waihu(['restore', cliFile], target.url);
      expect(done.stdout).toMatch(/Restored \d+ rows/);
      expect((await tableRowCounts(target.url)).Contact).toBe(before.Contact);
      const again = (await waihu(['restore', cliFile], target.url)) as { code: number; stderr: string };
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('not empty');
    } finally {
      await target.drop();
    }
  });
});
