import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../app/db/prisma.server';
import { resetEnvCache } from '../../app/env.server';
import { createSession } from '../../app/modules/auth/session.server';
import { createApiKey } from '../../app/modules/lists/api-keys.server';
import { customField, FIXED_FIELDS, type FieldDef } from '../../app/modules/lists/field-template';
import { detectFormat, readRows, xlsxLimits } from '../../app/modules/lists/file-reader.server';
import { IMPORT_FAILURES, importFailureKey } from '../../app/modules/lists/file-settings';
import { importRow } from '../../app/modules/lists/import-row';
import { rejectionReport, runImport } from '../../app/modules/lists/imports.server';
import { phoneHash } from '../../app/modules/lists/phone-vault.server';
import { createProject } from '../../app/modules/projects/projects.server';
import { action as pushContacts } from '../../app/routes/api.v1.projects.$projectId.contacts';
import { action as upload } from '../../app/routes/projects.$projectId.upload';
import { insertUser, request } from '../helpers';
import { fuzzOptions, hostileJson, hostileString, mutate, mutations, ONE_MB, settlesWithin } from './fuzz';

// Hostile files through the real import job (runImport, as the worker runs it), the upload
// preview route and the contacts API: no crash, a clear failure, and every valid row kept.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 5).toString('base64');
const CORPUS = path.resolve('tests/fixtures/hostile');
const corpus = (name: string) => path.join(CORPUS, name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
// Uploads through the preview route land here, not in the worktree's data folder.
process.env.WAIHU_DATA_DIR = tmp;
resetEnvCache();
// Some damaged zips stall the streaming reader; in production it waits a minute before calling the file damaged.
xlsxLimits.stallMs = 2000;

const FIELDS: FieldDef[] = [...FIXED_FIELDS, customField('premium', 'money', { label: { zh: '保费', en: 'Premium' } })];
const MAPPING = { 0: 'name', 1: 'phone', 2: 'premium', 3: 'tags' };
let projectId = '';
let apiKey = '';
let cookie = '';

beforeAll(async () => {
  projectId = (await createProject({ name: 't' }, { name: '敌意输入', type: 'sales', description: '', fields: FIELDS })).id;
  apiKey = (await createApiKey({ name: 't' }, projectId, 'fuzz', ['contacts.write'])).key;
  cookie = (await createSession(request('/login'), (await insertUser('admin')).id)).split(';')[0]!;
});

/** Runs one file through the import job on an empty project, as the worker would. */
async function importOnce(file: string) {
  await prisma.contact.deleteMany({ where: { projectId } });
  const job = await prisma.contactImport.create({
    data: { projectId, fileName: path.basename(file), filePath: file, format: detectFormat(file), mapping: MAPPING },
  });
  let thrown: unknown = null;
  await settlesWithin(
    runImport(job.id).catch((error: unknown) => {
      thrown = error;
    }),
    20_000,
    `import of ${path.basename(file)}`,
  );
  const done = await prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
  const contacts = await prisma.contact.findMany({ where: { importId: job.id }, select: { name: true, phoneHash: true } });
  const rejections = await prisma.importRejection.findMany({ where: { importId: job.id }, orderBy: { line: 'asc' } });
  return { job: done, thrown, contacts, rejections };
}

type Outcome = Awaited<ReturnType<typeof importOnce>>;

/** What every import of every file must satisfy, whatever the file holds. */
function expectSettled({ job, thrown, contacts, rejections }: Outcome) {
  // A broken file is a recorded failure the page explains, never a crashed job.
  expect(thrown).toBeNull();
  expect(['done', 'failed']).toContain(job.status);
  if (job.status === 'failed') expect(IMPORT_FAILURES).toContain(importFailureKey(job.error));
  // Every row read is accounted for, and every rejection names its line and field.
  expect(job.accepted + job.updated + job.duplicates + job.rejected).toBe(job.rowsRead);
  expect(contacts).toHaveLength(job.accepted);
  expect(rejections).toHaveLength(job.rejected);
  for (const r of rejections) {
    expect(r.line).toBeGreaterThan(1);
    expect((r.errors as { field: string }[]).length).toBeGreaterThan(0);
    for (const e of r.errors as { field: string; code: string }[]) expect(e.field && e.code).toBeTruthy();
  }
}

const phone = (i: number) => `+861380000${String(i).padStart(4, '0')}`;
const hashes = (...numbers: number[]) => numbers.map((i) => phoneHash(phone(i))).sort();
const storedHashes = (o: Outcome) => o.contacts.map((c) => c.phoneHash).sort();

describe('the hostile CSV and XLSX corpus through the import job', () => {
  it('a valid file imports every row (the baseline the mutations start from)', async () => {
    for (const name of ['valid.csv', 'valid.xlsx']) {
      const outcome = await importOnce(corpus(name));
      expectSettled(outcome);
      expect(outcome.job).toMatchObject({ status: 'done', accepted: 20, rejected: 0 });
    }
  });

  it('an unclosed quote: the rows before it are kept and the failure names the line after which the file breaks', async () => {
    const outcome = await importOnce(corpus('unclosed-quote.csv'));
    expectSettled(outcome);
    expect(outcome.job).toMatchObject({ status: 'failed', error: 'quoteNotClosed', lastLine: 3, accepted: 2 });
    expect(storedHashes(outcome)).toEqual(hashes(1, 2));
  });

  it('stray quotes, NUL bytes, ragged rows and BOMs are read row by row; the good rows are kept', async () => {
    const cases: [string, number[]][] = [
      ['stray-quotes.csv', [1, 5]],
      ['nul-bytes.csv', [1, 2, 3, 4]],
      ['ragged.csv', [1, 3, 4]],
      ['bom-utf8.csv', [1, 2]],
      ['utf16le-bom.csv', [1, 2]],
      ['gbk.csv', [1, 2]],
    ];
    for (const [name, kept] of cases) {
      const outcome = await importOnce(corpus(name));
      expectSettled(outcome);
      expect(outcome.job.status, name).toBe('done');
      for (const hash of hashes(...kept)) expect(storedHashes(outcome), name).toContain(hash);
    }
    // A NUL byte is dropped, not stored and not fatal: the name reads as typed.
    const nul = await importOnce(corpus('nul-bytes.csv'));
    expect(nul.contacts.map((c) => c.name)).toContain('赵六');
  });

  it('a 10 000-character cell is one rejected row naming the field; its neighbours are kept', async () => {
    const outcome = await importOnce(corpus('long-cell.csv'));
    expectSettled(outcome);
    expect(outcome.job).toMatchObject({ status: 'done', accepted: 2, rejected: 1 });
    expect(outcome.rejections[0]).toMatchObject({ line: 3, errors: [{ field: 'name', code: 'value.tooLong' }] });
  });

  it('formula cells are imported as text and neutralised in the rejection report', async () => {
    const outcome = await importOnce(corpus('formula-injection.csv'));
    expectSettled(outcome);
    expect(outcome.job).toMatchObject({ status: 'done', accepted: 4, rejected: 1 });
    const report = await rejectionReport(projectId, outcome.job.id, (e) => `${e.field}:${e.code}`);
    const text = String(report.body);
    expect(text).toContain("'=1+1");
    expect(text).not.toMatch(/(^|,)=1\+1/m);
  });

  it('200 000 empty lines cost nothing but reading: the two rows around them are imported', async () => {
    const outcome = await importOnce(corpus('empty-lines.csv'));
    expectSettled(outcome);
    expect(outcome.job).toMatchObject({ status: 'done', accepted: 2, rejected: 0 });
  });

  it('a header-only file, binary garbage and UTF-16BE finish without a crash', async () => {
    for (const name of ['header-only.csv', 'binary-garbage.csv', 'utf16be-bom.csv', 'not-a-zip.xlsx']) {
      const outcome = await importOnce(corpus(name));
      expectSettled(outcome);
      expect(outcome.job.status, name).toBe('done');
    }
  });

  it('a truncated workbook and a fake zip fail as an unreadable workbook, keeping what was read', async () => {
    for (const name of ['truncated.xlsx', 'zip-header-only.xlsx']) {
      const outcome = await importOnce(corpus(name));
      expectSettled(outcome);
      expect(outcome.job, name).toMatchObject({ status: 'failed', error: 'xlsxUnreadable' });
    }
  });

  it('the upload preview answers every corpus file with a preview or a clear 400, never a 500', async () => {
    for (const name of fs.readdirSync(CORPUS).filter((f) => /\.(csv|xlsx)$/.test(f))) {
      const response = (await settlesWithin(
        upload({
          request: request(`/projects/${projectId}/upload?fileName=${encodeURIComponent(name)}`, {
            method: 'POST',
            cookie,
            body: fs.readFileSync(corpus(name)),
          }),
          params: { projectId },
          context: {},
        }),
        20_000,
        `preview of ${name}`,
      )) as Response;
      const body = await response.json();
      if (response.status === 200) expect(body.ok, name).toBe(true);
      else
        expect({ name, status: response.status, body }).toMatchObject({
          status: 400,
          body: { ok: false, error: 'upload.unreadable' },
        });
    }
  });
});

/** What a plain parse of the same bytes says should survive: the valid rows before any read error. */
async function validPhones(file: string): Promise<{ hashes: string[]; readable: boolean }> {
  const found = new Set<string>();
  let header = true;
  try {
    for await (const row of readRows(file)) {
      if (header) {
        header = false;
        continue;
      }
      const outcome = importRow(FIELDS, MAPPING, row);
      if (outcome.ok) found.add(phoneHash(String(outcome.contact.values.phone)));
    }
    return { hashes: [...found].sort(), readable: true };
  } catch {
    return { hashes: [...found].sort(), readable: false };
  }
}

describe('random damage to a valid file', () => {
  for (const base of ['valid.csv', 'valid.xlsx']) {
    it(`${base}: every row still valid after the damage is imported, and nothing else`, async () => {
      const original = fs.readFileSync(corpus(base));
      let n = 0;
      await fc.assert(
        fc.asyncProperty(mutations, async (steps) => {
          const file = path.join(tmp, `mutated-${n++}${path.extname(base)}`);
          fs.writeFileSync(file, mutate(original, steps));
          const expected = await settlesWithin(validPhones(file), 20_000, 'reference parse');
          const outcome = await importOnce(file);
          expectSettled(outcome);
          expect(outcome.job.status).toBe(expected.readable ? 'done' : 'failed');
          expect(storedHashes(outcome)).toEqual(expected.hashes);
          fs.rmSync(file);
        }),
        fuzzOptions(base.endsWith('.csv') ? 60 : 12),
      );
    }, 300_000);
  }
});

async function push(body: string, headers: Record<string, string> = {}) {
  const response = (await pushContacts({
    request: new Request(`http://localhost/api/v1/projects/${projectId}/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body,
    }),
    params: { projectId },
    context: {},
  })) as Response;
  return { status: response.status, body: await response.json() };
}

describe('hostile JSON through the contacts API', () => {
  it('wrong types: the valid items are imported, each invalid one is reported by index with its field', async () => {
    await prisma.contact.deleteMany({ where: { projectId } });
    const { status, body } = await push(fs.readFileSync(corpus('api-wrong-types.json'), 'utf8'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 2, rejected: 7 });
    expect(body.errors.map((e: { index: number }) => e.index)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    for (const e of body.errors) expect(e.errors[0].field).toBeTruthy();
  });

  it('deep nesting, a huge array, a 2 MB string, broken JSON and an oversized body get a clear answer', async () => {
    const deep = await push(fs.readFileSync(corpus('api-deep-nesting.json'), 'utf8'));
    expect(deep).toMatchObject({ status: 200, body: { accepted: 0, rejected: 1, errors: [{ index: 0 }] } });
    const huge = await push(fs.readFileSync(corpus('api-huge-array.json'), 'utf8'));
    expect(huge).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    const long = await push(JSON.stringify({ contacts: [{ name: ONE_MB + ONE_MB, phone: '13800000001' }] }));
    expect(long).toMatchObject({ status: 200, body: { accepted: 0, rejected: 1 } });
    const broken = await push(fs.readFileSync(corpus('api-not-json.json'), 'utf8'));
    expect(broken).toMatchObject({ status: 400, body: { error: 'invalid_body' } });
    const oversized = await push('{"contacts":[]}', { 'content-length': String(200 * 1024 * 1024) });
    expect(oversized).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
  });

  it('random items: every one is accounted for (imported, duplicate or reported), never a 500', async () => {
    const item = fc.oneof(
      hostileJson,
      fc.record(
        {
          name: fc.oneof(hostileString, hostileJson),
          phone: fc.oneof(fc.constantFrom('13800000001', '+86 139 0000 0002', '021-12345678'), hostileString, hostileJson),
          premium: fc.oneof(fc.double(), hostileString),
          tags: fc.oneof(fc.array(hostileString, { maxLength: 60 }), hostileJson),
          externalId: hostileString,
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 20 }), async (items) => {
        const { status, body } = await push(JSON.stringify({ contacts: items }));
        expect(status).toBe(200);
        expect(body.accepted + body.updated + body.duplicates + body.rejected).toBe(items.length);
        expect(body.errors).toHaveLength(body.rejected);
      }),
      fuzzOptions(50),
    );
  }, 120_000);
});
