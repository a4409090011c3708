import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { prisma } from '../../db/prisma.server';
import { env } from '../../env.server';
import type { Prisma } from '../../generated/prisma/client';
import { sendJob } from '../../jobs/boss.server';
import { MAX_UPLOAD_BYTES } from '../../utils/body-limits';
import { encryptString } from '../../utils/data-key.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { getProject } from '../projects/projects.server';
import type { FieldDef, FieldError, FieldValue } from './field-template';
import { suggestMapping } from './field-template';
import {
  countDataRows,
  detectCsvSettings,
  detectFormat,
  type FileFormat,
  listSheets,
  type ReadOptions,
  readRows,
  type SourceRow,
} from './file-reader.server';
import type { ImportFailure } from './file-settings';
import { maskIdCard } from './id-card';
import { type ColumnMapping, checkMapping, type ImportedContact, importRow, type RejectedRow } from './import-row';
import { normalizePhone } from './phone';
import { sealPhone, sealToken } from './phone-vault.server';
import { type SheetFormat, sheet } from './spreadsheet-safety';
import { applyProjectTagRules } from './tag-rules.server';

const BATCH_SIZE = 2000;
const PREVIEW_ROWS = 20;

export class ImportError extends Error {
  constructor(
    readonly code: string,
    readonly details: FieldError[] = [],
  ) {
    super(code);
  }
}

/** Uploaded files wait here for the worker (a shared volume when web and worker run on different hosts). */
export function uploadsDir(): string {
  const dir = path.join(env().dataDir, 'uploads');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function readOptions(
  format: FileFormat,
  opts: { encoding?: string | null; delimiter?: string | null; sheet?: string | null },
): ReadOptions {
  return {
    format,
    ...(opts.encoding ? { encoding: opts.encoding as ReadOptions['encoding'] } : {}),
    ...(opts.delimiter ? { delimiter: opts.delimiter } : {}),
    // The page sends the sheet's 1-based position (a sheet may well be named "2024").
    ...(opts.sheet ? { sheet: /^\d+$/.test(opts.sheet) ? Number(opts.sheet) : opts.sheet } : {}),
  };
}

/**
 * The mapping step: headers, detected settings, a suggested mapping and the first rows checked.
 * Given an encoding, delimiter or sheet, reads the file that way instead (the page's overrides).
 */
export async function previewImport(
  projectId: string,
  filePath: string,
  opts: { encoding?: string; delimiter?: string; sheet?: string } = {},
) {
  const project = await getProject(projectId);
  const format = detectFormat(filePath);
  const options = readOptions(format, opts);
  const settings = format === 'csv' ? detectCsvSettings(filePath, options) : null;
  const rows: { line: number; cells: unknown[] }[] = [];
  let headers: string[] = [];
  for await (const row of readRows(filePath, { ...options, ...settings })) {
    if (headers.length === 0) {
      headers = row.cells.map((c) => String(c ?? '').trim());
      continue;
    }
    rows.push(row);
    if (rows.length >= PREVIEW_ROWS) break;
  }
  const remembered = project.importMapping as Record<string, string>;
  const suggested = suggestMapping(headers, project.fields);
  headers.forEach((h, i) => {
    const field = remembered[h];
    if (field && suggested[i] === undefined) suggested[i] = field;
  });
  const checked = rows.map((row) => importRow(project.fields, suggested, { line: row.line, cells: row.cells as never }));
  return {
    format,
    encoding: settings?.encoding ?? null,
    delimiter: settings?.delimiter ?? null,
    sheets: format === 'xlsx' ? await listSheets(filePath) : [],
    sheet: format === 'xlsx' ? (opts.sheet ?? '1') : null,
    headers,
    rows: rows.map((r) => ({ line: r.line, cells: r.cells.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : c)) })),
    mapping: suggested,
    problems: checked.flatMap((c) => (c.ok ? [] : [{ line: c.rejected.line, errors: c.rejected.errors }])),
    fields: project.fields,
  };
}

export async function startImport(
  actor: AuditActor,
  projectId: string,
  input: {
    fileName: string;
    filePath: string;
    mapping: ColumnMapping;
    encoding?: string;
    delimiter?: string;
    sheet?: string;
    headers: string[];
  },
) {
  const project = await getProject(projectId);
  const problems = checkMapping(project.fields, input.mapping);
  if (problems.length) throw new ImportError('mapping.invalid', problems);
  const format = detectFormat(input.filePath);
  const created = await prisma.contactImport.create({
    data: {
      projectId,
      fileName: input.fileName,
      filePath: input.filePath,
      format,
      encoding: input.encoding ?? null,
      delimiter: input.delimiter ?? null,
      sheet: input.sheet ?? null,
      headers: input.headers,
      mapping: input.mapping as Prisma.InputJsonValue,
      createdById: actor.id ?? null,
    },
  });
  // Remember header → field for the next file of this project.
  const remembered = { ...(project.importMapping as Record<string, string>) };
  for (const [index, field] of Object.entries(input.mapping)) {
    const header = input.headers[Number(index)];
    if (header) remembered[header] = field;
  }
  await prisma.project.update({ where: { id: projectId }, data: { importMapping: remembered } });
  await sendJob('lists.import', { importId: created.id });
  await audit(actor, 'lists.import.start', created.id, { projectId, fileName: input.fileName });
  return created;
}

interface PreparedContact {
  contact: ImportedContact;
  /** The row as received, for the rejection report if the database refuses it. */
  cells: RejectedRow['cells'];
  phone: { hash: string; cipher: string | null; masked: string };
  phoneKind: string;
  /** The encrypted phone token of a tokenised contact. */
  token: string | null;
  secondary: ReturnType<typeof sealPhone> | null;
  fields: Record<string, unknown>;
}

const CN_MOBILE = /^\+861[3-9]\d{9}$/;
const COLUMN_FIELDS = new Set(['name', 'phone', 'secondaryPhone', 'externalId', 'timeZone']);

// Per template, not per row: an import seals a million rows against the same fields.
const sensitiveByTemplate = new WeakMap<FieldDef[], Set<string>>();
function sensitiveKeys(fields: FieldDef[]): Set<string> {
  let keys = sensitiveByTemplate.get(fields);
  if (!keys) {
    keys = new Set(fields.filter((f) => f.sensitive).map((f) => f.key));
    sensitiveByTemplate.set(fields, keys);
  }
  return keys;
}

/** Template values stored in `Contact.fields` (not the ones with their own column), sensitive ones sealed. */
export function sealValues(fields: FieldDef[], values: Record<string, FieldValue>): Record<string, unknown> {
  const sensitive = sensitiveKeys(fields);
  const other: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (COLUMN_FIELDS.has(key)) continue;
    // Sensitive values (an ID card…) are kept encrypted, beside their masked form.
    other[key] = sensitive.has(key) ? { cipher: encryptString(String(value)), masked: maskSensitive(fields, key, value) } : value;
  }
  return other;
}

export function prepare(fields: FieldDef[], contact: ImportedContact, cells: RejectedRow['cells']): PreparedContact {
  const other = sealValues(fields, contact.values);
  const secondary = contact.values.secondaryPhone;
  if (contact.phoneToken) {
    // Tokenised: no number is stored; the CRM plugin resolves the token when the call is placed.
    return {
      contact,
      cells,
      phone: sealToken(contact.phoneToken, contact.phoneTokenHash),
      phoneKind: 'token',
      token: encryptString(contact.phoneToken),
      secondary: null,
      fields: other,
    };
  }
  const phone = String(contact.values.phone);
  // Validation already parsed the number; Chinese mobiles (nearly every row) need no second parse.
  const parsed = CN_MOBILE.test(phone) ? ({ ok: true, kind: 'mobile' } as const) : normalizePhone(phone);
  return {
    contact,
    cells,
    phone: sealPhone(phone),
    phoneKind: parsed.ok ? parsed.kind : 'other',
    token: null,
    secondary: typeof secondary === 'string' ? sealPhone(secondary) : null,
    fields: other,
  };
}

function maskSensitive(fields: FieldDef[], key: string, value: FieldValue): string {
  const text = String(value);
  if (fields.find((f) => f.key === key)?.type === 'idCard') return maskIdCard(text);
  return text.length <= 2 ? '*'.repeat(text.length) : `${text[0]}${'*'.repeat(text.length - 2)}${text.at(-1)}`;
}

export interface BatchCounts {
  rejected: RejectedRow[];
  accepted: number;
  updated: number;
  duplicates: number;
  dncMarked: number;
}

/** A connection of its own for an import's batches (see writeBatch). */
export async function openImportConnection(): Promise<pg.Client> {
  const url = env().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const client = new pg.Client({ connectionString: url });
  // A lost connection fails the query in flight (and so the job, which pg-boss retries); without a
  // listener the 'error' event would end the whole worker process.
  client.on('error', () => {});
  await client.connect();
  return client;
}

// One statement per batch: the DNC lookup, the contacts, the rejections and the checkpoint with its
// counters. A statement commits atomically on its own, so a crash repeats nothing, and the batch costs
// one round trip to the database instead of six (BEGIN, lookups, inserts, UPDATE, COMMIT), each of
// which waited for the parser to let the event loop read the reply.
const BATCH_STATEMENT = (onConflict: string) => `
WITH dnc AS (
  SELECT DISTINCT "phoneHash" FROM "DncEntry" WHERE "scope" IN ('global', $1::uuid::text) AND "phoneHash" = ANY($5::text[])
), written AS (
  INSERT INTO "Contact" ("projectId","externalId","name","phoneHash","phoneCipher","phoneMasked","phoneKind",
     "secondaryPhoneHash","secondaryPhoneCipher","secondaryPhoneMasked","fields","tags","tagSources","dnc","timeZone","importId",
     "phoneToken","consentStatus","consentEvidence","updatedAt")
  SELECT $1::uuid, u.ext, u.name, u.ph, u.pc, u.pm, u.pk, u.sh, u.sc, u.sm, u.f::jsonb,
         ARRAY(SELECT jsonb_array_elements_text(u.t::jsonb)), u.ts::jsonb, u.ph IN (SELECT "phoneHash" FROM dnc), u.tz, $2::uuid,
         u.tok, u.cs, u.ce::jsonb, now()
  FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
              $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
    AS u(ext, name, ph, pc, pm, pk, sh, sc, sm, f, t, ts, tz, tok, cs, ce)
  ${onConflict}
  RETURNING (xmax = 0) AS inserted
), rejections AS (
  INSERT INTO "ImportRejection" ("importId", "line", "cells", "errors")
  SELECT $2::uuid, r.line, r.cells::jsonb, r.errors::jsonb FROM unnest($19::int[], $20::text[], $21::text[]) AS r(line, cells, errors)
  ON CONFLICT DO NOTHING
), counts AS (
  SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*)::int AS written, (SELECT count(*) FROM dnc)::int AS dnc
  FROM written
), checkpoint AS (
  UPDATE "ContactImport" SET "rowsRead" = "rowsRead" + $22, "accepted" = "accepted" + c.inserted,
    "updated" = "updated" + c.written - c.inserted, "rejected" = "rejected" + cardinality($19::int[]),
    "duplicates" = "duplicates" + $23 + cardinality($5::text[]) - c.written, "dncMarked" = "dncMarked" + c.dnc,
    "lastLine" = $24
  FROM counts c WHERE "id" = $2::uuid
  RETURNING 1
)
SELECT c.inserted, c.written, c.dnc, (SELECT count(*) FROM checkpoint)::int AS moved FROM counts c`;

const ON_CONFLICT = {
  skip: 'ON CONFLICT DO NOTHING',
  update: `ON CONFLICT ("projectId","phoneHash") DO UPDATE SET "name" = EXCLUDED."name", "fields" = "Contact"."fields" || EXCLUDED."fields",
     "tags" = ARRAY(SELECT DISTINCT t FROM unnest("Contact"."tags" || EXCLUDED."tags") t),
     "tagSources" = EXCLUDED."tagSources" || "Contact"."tagSources", "updatedAt" = now()`,
};

/**
 * One batch: contacts, rejections, counters and the checkpoint, in one statement on a pg connection
 * (each list passed as one array parameter; through Prisma's interactive transaction the same work
 * took several times as long). Without a connection it opens one for the call (the API import).
 */
export async function writeBatch(
  importId: string,
  project: { id: string; dedupPolicy: string },
  evidenceSource: string,
  accepted: PreparedContact[],
  rejectedRows: RejectedRow[],
  rowsRead: number,
  lastLine: number,
  connection?: pg.Client,
): Promise<BatchCounts> {
  const db = connection ?? (await openImportConnection());
  try {
    return await writeStatement(db, importId, project, evidenceSource, accepted, rejectedRows, rowsRead, lastLine);
  } finally {
    if (!connection) await db.end();
  }
}

async function writeStatement(
  db: pg.Client,
  importId: string,
  project: { id: string; dedupPolicy: string },
  evidenceSource: string,
  accepted: PreparedContact[],
  rejectedRows: RejectedRow[],
  rowsRead: number,
  lastLine: number,
): Promise<BatchCounts> {
  // Within one batch as across batches: with "skip" the first row for a phone (or an external id)
  // wins, with "update" the last.
  const byHash = new Map<string, PreparedContact>();
  const byExternal = new Map<string, PreparedContact>();
  for (const p of accepted) {
    const external = p.contact.values.externalId as string | undefined;
    const earlier = byHash.get(p.phone.hash) ?? (external ? byExternal.get(external) : undefined);
    if (earlier && project.dedupPolicy !== 'update') continue;
    if (earlier) {
      byHash.delete(earlier.phone.hash);
      const earlierExternal = earlier.contact.values.externalId as string | undefined;
      if (earlierExternal) byExternal.delete(earlierExternal);
    }
    byHash.set(p.phone.hash, p);
    if (external) byExternal.set(external, p);
  }
  let unique = [...byHash.values()];
  let rejected = rejectedRows;
  const inBatchDuplicates = accepted.length - unique.length;
  // An external id already used by a contact with another phone is a conflict the row must explain.
  const externals = unique.map((p) => p.contact.values.externalId).filter((e): e is string => typeof e === 'string');
  if (externals.length) {
    const taken = await db.query<{ externalId: string; phoneHash: string }>(
      `SELECT "externalId", "phoneHash" FROM "Contact" WHERE "projectId" = $1 AND "externalId" = ANY($2::text[])`,
      [project.id, externals],
    );
    const owner = new Map(taken.rows.map((c) => [c.externalId, c.phoneHash]));
    const clashing = new Set(
      unique.filter((p) => {
        const other = owner.get(p.contact.values.externalId as string);
        return other !== undefined && other !== p.phone.hash;
      }),
    );
    if (clashing.size) {
      unique = unique.filter((p) => !clashing.has(p));
      rejected = [
        ...rejected,
        ...[...clashing].map((p) => ({
          line: p.contact.line,
          cells: p.cells,
          errors: [{ field: 'externalId', code: 'value.externalIdTaken' }],
        })),
      ];
    }
  }
  const col = <T>(f: (p: PreparedContact) => T) => unique.map(f);
  const now = new Date().toISOString();
  const result = await db.query<{ inserted: number; written: number; dnc: number; moved: number }>(
    BATCH_STATEMENT(project.dedupPolicy === 'update' ? ON_CONFLICT.update : ON_CONFLICT.skip),
    [
      project.id,
      importId,
      col((p) => (p.contact.values.externalId as string | undefined) ?? null),
      col((p) => String(p.contact.values.name ?? '')),
      col((p) => p.phone.hash),
      col((p) => p.phone.cipher),
      col((p) => p.phone.masked),
      col((p) => p.phoneKind),
      col((p) => p.secondary?.hash ?? null),
      col((p) => p.secondary?.cipher ?? null),
      col((p) => p.secondary?.masked ?? null),
      col((p) => JSON.stringify(p.fields)),
      col((p) => JSON.stringify(p.contact.tags)),
      col((p) => JSON.stringify(Object.fromEntries(p.contact.tags.map((t) => [t, 'file'])))),
      col((p) => (p.contact.values.timeZone as string | undefined) ?? null),
      col((p) => p.token),
      col((p) => p.contact.consent ?? null),
      col((p) => (p.contact.consent ? JSON.stringify({ status: p.contact.consent, source: evidenceSource, at: now }) : null)),
      rejected.map((r) => r.line),
      rejected.map((r) => JSON.stringify(r.cells.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : (c ?? null))))),
      rejected.map((r) => JSON.stringify(r.errors)),
      rowsRead,
      inBatchDuplicates,
      lastLine,
    ],
  );
  const row = result.rows[0];
  if (row?.moved !== 1) throw new Error(`Import ${importId} not found`);
  return {
    rejected,
    accepted: row.inserted,
    updated: row.written - row.inserted,
    duplicates: inBatchDuplicates + unique.length - row.written,
    dncMarked: row.dnc,
  };
}

/** The `lists.import` job: streams the file, resuming after the last committed line. */
export async function runImport(importId: string): Promise<void> {
  // One writer per import, and a checkpoint read only once the previous writer is gone: a worker
  // killed mid-batch leaves its statement running on the server until it commits or aborts, and
  // the session's lock is released only then. Also keeps a job delivered twice from running twice.
  const connection = await openImportConnection();
  try {
    await connection.query(`SELECT pg_advisory_lock(hashtextextended('lists.import:' || $1, 0))`, [importId]);
    await importFile(importId, connection);
  } finally {
    await connection.end();
  }
}

/** The file itself is broken: the rows before the damage are kept, the import ends as failed. */
class FileUnreadable extends Error {
  constructor(
    readonly failure: ImportFailure,
    cause: unknown,
  ) {
    super(failure, { cause });
  }
}

function unreadable(format: string, error: unknown): FileUnreadable {
  const code = (error as { code?: unknown } | null)?.code;
  if (format === 'xlsx') return new FileUnreadable('xlsxUnreadable', error);
  if (code === 'CSV_QUOTE_NOT_CLOSED') return new FileUnreadable('quoteNotClosed', error);
  if (code === 'CSV_MAX_RECORD_SIZE') return new FileUnreadable('recordTooLarge', error);
  return new FileUnreadable('csvInvalid', error);
}

/** Rows of the file; a failure to read them (not to write them) becomes a FileUnreadable. */
async function* fileRows(job: { filePath: string; format: string }, options: ReadOptions): AsyncGenerator<SourceRow> {
  const rows = readRows(job.filePath, options);
  for (;;) {
    let next: IteratorResult<SourceRow>;
    try {
      next = await rows.next();
    } catch (error) {
      throw unreadable(job.format, error);
    }
    if (next.done) return;
    yield next.value;
  }
}

async function importFile(importId: string, connection: pg.Client): Promise<void> {
  const job = await prisma.contactImport.findUniqueOrThrow({ where: { id: importId } });
  if (job.status === 'done') return;
  const project = await getProject(job.projectId);
  await prisma.contactImport.update({
    where: { id: importId },
    data: { status: 'running', startedAt: job.startedAt ?? new Date(), error: null },
  });
  const mapping = job.mapping as ColumnMapping;
  const options = readOptions(job.format as FileFormat, job);
  let header = true;
  let accepted: PreparedContact[] = [];
  let rejected: RejectedRow[] = [];
  let read = 0;
  let lastLine = job.lastLine;
  // One batch is written while the next is parsed; batches still commit in file order, so the
  // checkpoint stays exact.
  let writing: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    if (read === 0) return;
    const batch = { accepted, rejected, read, lastLine };
    accepted = [];
    rejected = [];
    read = 0;
    await writing;
    writing = writeBatch(
      importId,
      project,
      `import:${job.fileName}`,
      batch.accepted,
      batch.rejected,
      batch.read,
      batch.lastLine,
      connection,
    );
    // Surface a failed write at once rather than after parsing the rest of the file.
    writing.catch(() => {});
  };
  try {
    if (job.totalRows === null) {
      // First pass: count the rows once (bytes for CSV, the sheet for XLSX) so progress has a total.
      // A damaged file is reported by the read below, once the rows before the damage are kept.
      const totalRows = await countDataRows(job.filePath, options).catch(() => null);
      if (totalRows !== null) await prisma.contactImport.update({ where: { id: importId }, data: { totalRows } });
    }
    for await (const row of fileRows(job, options)) {
      if (header) {
        header = false;
        continue;
      }
      if (row.line <= job.lastLine) continue;
      const outcome = importRow(project.fields, mapping, row);
      if (outcome.ok) accepted.push(prepare(project.fields, outcome.contact, row.cells));
      else rejected.push(outcome.rejected);
      read++;
      lastLine = row.line;
      if (read >= BATCH_SIZE) await flush();
    }
    await flush();
    await writing;
    // New contacts get the project's rule tags before the import is reported done.
    await applyProjectTagRules(job.projectId);
    await prisma.contactImport.update({ where: { id: importId }, data: { status: 'done', finishedAt: new Date() } });
    if (project.enrichAfterImport && project.crmInstallationId) {
      const { startEnrichment } = await import('./enrichment.server');
      await startEnrichment({ name: 'import' }, project.id, importId);
    }
  } catch (thrown) {
    let error = thrown;
    if (error instanceof FileUnreadable) {
      // Nothing valid is lost: the rows read before the damage are written, and the error says
      // after which line the file broke (the checkpoint's lastLine). Running it again cannot help.
      try {
        await flush();
        await writing;
        await applyProjectTagRules(job.projectId);
        await prisma.contactImport.update({
          where: { id: importId },
          data: { status: 'failed', error: error.failure, finishedAt: new Date() },
        });
        return;
      } catch (writeError) {
        error = writeError;
      }
    }
    const message = error instanceof Error ? error.message : String(error);
    await prisma.contactImport.update({ where: { id: importId }, data: { status: 'failed', error: message.slice(0, 2000) } });
    throw error;
  } finally {
    // A batch may still be in flight when reading failed: let it settle before closing its connection.
    await writing.catch(() => {});
  }
}

export async function importProgress(importId: string) {
  const job = await prisma.contactImport.findUniqueOrThrow({ where: { id: importId } });
  const { filePath: _path, mapping: _mapping, ...visible } = job;
  return {
    ...visible,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export async function listImports(projectId: string) {
  const rows = await prisma.contactImport.findMany({ where: { projectId }, orderBy: { createdAt: 'desc' }, take: 20 });
  return rows.map(({ filePath: _p, mapping: _m, ...r }) => ({
    ...r,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

export async function rejections(importId: string) {
  return prisma.importRejection.findMany({ where: { importId }, orderBy: { line: 'asc' } });
}

/** An upload is referred to by its file name inside the uploads folder, never by a path. */
export function uploadPath(token: string): string {
  if (!/^[\w.\-\u4e00-\u9fff]{1,200}$/.test(token) || token.startsWith('.')) throw new ImportError('upload.unknown');
  const file = path.join(uploadsDir(), token);
  if (!fs.existsSync(file)) throw new ImportError('upload.unknown');
  return file;
}

/** The rejected rows as the file had them, with a column saying what was wrong (CSV or XLSX). */
export async function rejectionReport(
  projectId: string,
  importId: string,
  describe: (error: FieldError) => string,
  format: SheetFormat = 'csv',
) {
  // The import must belong to the project in the URL: another project's import is "not found".
  const job = await prisma.contactImport.findFirstOrThrow({ where: { id: importId, projectId } });
  const rows = await rejections(importId);
  const table = rows.map((row) => [
    row.line,
    ...(row.cells as unknown[]),
    (row.errors as unknown as FieldError[]).map(describe).join('; '),
  ]);
  return sheet(format, ['line', ...job.headers, 'errors'], table);
}

/** Streams a request body to the uploads folder, refusing more than MAX_UPLOAD_BYTES; returns the token. */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, fileName: string): Promise<string> {
  if (!body) throw new ImportError('upload.missing');
  const safe =
    path
      .basename(fileName)
      .replace(/[^\w.\-\u4e00-\u9fff]/g, '_')
      .slice(-80) || 'upload';
  const token = `${crypto.randomUUID()}-${safe}`;
  const target = path.join(uploadsDir(), token);
  const out = fs.createWriteStream(target);
  let size = 0;
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_UPLOAD_BYTES) throw new ImportError('upload.tooLarge');
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } catch (error) {
    out.destroy();
    fs.rmSync(target, { force: true });
    throw error;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (size === 0) {
    fs.rmSync(target, { force: true });
    throw new ImportError('upload.missing');
  }
  return token;
}
