import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import pg from 'pg';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from '../../db/migrate.server';
import { dataKeyRing, ringFilePath } from '../../utils/data-key.server';

// Backups (ADR 111): a logical copy of every application table, read in one snapshot, written as
// JSON lines (gzip). The schema is not in the file: it is the migrations the file names, which stay
// in the repository for ever (forward-only, never edited; ADR 112). Restoring applies exactly those
// migrations to an empty database, loads the rows, then applies the newer ones — so a backup from
// an older Waihu restores into a newer one. The embedded PostgreSQL ships no pg_dump, and an older
// system pg_dump refuses a newer server; with an external server, pg_dump -Fc works as well.

export const BACKUP_FORMAT = 'waihu-backup';
export const BACKUP_VERSION = 1;
const BATCH = 500;
const SEALED_KEY_ID = /v1:([0-9a-f]{8}):/g;

export class BackupError extends Error {}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  /** The migrations the database had: the schema the rows fit. */
  migrations: { name: string; checksum: string }[];
  tables: { name: string; columns: string[]; rows: number }[];
}

export interface BackupTrailer {
  end: true;
  /** Data key ids that sealed a value somewhere in the rows: the restoring key ring needs them. */
  keyIds: string[];
}

export interface BackupSummary {
  file: string;
  tables: number;
  rows: number;
  keyIds: string[];
  migrations: number;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The application's tables (the current schema), parents before children (foreign keys). */
async function applicationTables(client: pg.Client): Promise<{ name: string; columns: string[] }[]> {
  const tables = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.relname AS name,
           array_agg(a.attname::text ORDER BY a.attnum) FILTER (WHERE a.attgenerated = '') AS columns
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
      AND c.relname <> '_prisma_migrations' AND NOT c.relispartition
    GROUP BY c.relname ORDER BY c.relname`);
  const edges = await client.query<{ child: string; parent: string }>(`
    SELECT DISTINCT c.relname AS child, p.relname AS parent
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
    WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.oid <> p.oid`);
  const parents = new Map<string, Set<string>>();
  for (const e of edges.rows) parents.set(e.child, (parents.get(e.child) ?? new Set()).add(e.parent));
  const ordered: { name: string; columns: string[] }[] = [];
  const placed = new Set<string>();
  let pending = tables.rows;
  while (pending.length) {
    const ready = pending.filter((t) => [...(parents.get(t.name) ?? [])].every((p) => placed.has(p)));
    if (!ready.length) throw new BackupError(`Foreign keys form a cycle between ${pending.map((t) => t.name).join(', ')}`);
    for (const t of ready) {
      ordered.push(t);
      placed.add(t.name);
    }
    pending = pending.filter((t) => !placed.has(t.name));
  }
  return ordered;
}

function lineWriter(file: string, compress: boolean) {
  const out = fs.createWriteStream(file, { mode: 0o600 });
  const sink = compress ? zlib.createGzip() : null;
  const done = sink ? pipeline(sink, out) : new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
  const target = sink ?? out;
  return {
    async write(value: unknown) {
      if (!target.write(`${JSON.stringify(value)}\n`))
        await new Promise<void>((resolve) => target.once('drain', () => resolve()));
    },
    async close() {
      target.end();
      await done;
    },
  };
}

/**
 * Write a backup of the database at `databaseUrl` to `file` (gzip unless `compress: false`).
 * One REPEATABLE READ snapshot: rows written while it runs are either all in or all out.
 */
export async function writeBackup(databaseUrl: string, file: string, opts: { compress?: boolean } = {}): Promise<BackupSummary> {
  const client = await connect(databaseUrl);
  const partial = `${file}.partial`;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const migrations = await client.query<{ name: string; checksum: string }>(
      `SELECT migration_name AS name, checksum FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL ORDER BY migration_name`,
    );
    if (!migrations.rowCount) throw new BackupError('The database has no Waihu migrations applied: nothing to back up.');
    const tables = await applicationTables(client);
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      migrations: migrations.rows,
      tables: [],
    };
    for (const t of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(t.name)}`);
      header.tables.push({ ...t, rows: Number(rows[0]?.n ?? 0) });
    }
    const writer = lineWriter(partial, opts.compress !== false);
    const keyIds = new Set<string>();
    try {
      await writer.write(header);
      for (const t of header.tables) {
        await writer.write({ table: t.name });
        // Each row as its own record literal: the types' own text forms, as COPY writes them.
        const cols = t.columns.map(ident).join(', ');
        await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ROW(${cols})::text AS r FROM ${ident(t.name)}`);
        for (;;) {
          const batch = await client.query<{ r: string }>(`FETCH ${BATCH} FROM backup_rows`);
          for (const { r } of batch.rows) {
            for (const m of r.matchAll(SEALED_KEY_ID)) keyIds.add(m[1] as string);
            await writer.write(r);
          }
          if (batch.rows.length < BATCH) break;
        }
        await client.query('CLOSE backup_rows');
      }
      const trailer: BackupTrailer = { end: true, keyIds: [...keyIds].sort() };
      await writer.write(trailer);
    } finally {
      await writer.close();
    }
    await client.query('COMMIT');
    fs.renameSync(partial, file);
    return {
      file,
      tables: header.tables.length,
      rows: header.tables.reduce((sum, t) => sum + t.rows, 0),
      keyIds: [...keyIds].sort(),
      migrations: header.migrations.length,
    };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    await client.end();
  }
}

type Entry =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; name: string }
  | { kind: 'row'; row: string }
  | { kind: 'end'; trailer: BackupTrailer };

/** The file's lines, gzip or not (sniffed), each checked for its shape. */
async function* readEntries(file: string): AsyncGenerator<Entry> {
  if (!fs.existsSync(file)) throw new BackupError(`No backup file at ${file}`);
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  const raw = fs.createReadStream(file);
  const input = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(zlib.createGunzip()) : raw;
  const lines = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new BackupError(`${file}, line ${lineNo}: not JSON — the file is damaged or not a Waihu backup`);
      }
      if (lineNo === 1) {
        const h = value as Partial<BackupHeader>;
        if (h?.format !== BACKUP_FORMAT)
          throw new BackupError(`${file} is not a Waihu backup (line 1 has no "format":"${BACKUP_FORMAT}")`);
        if (h.version !== BACKUP_VERSION)
          throw new BackupError(`${file} is a version ${h.version} backup; this Waihu reads version ${BACKUP_VERSION}`);
        yield { kind: 'header', header: h as BackupHeader };
      } else if (typeof value === 'string') yield { kind: 'row', row: value };
      else if (value && typeof value === 'object' && 'table' in value && typeof value.table === 'string')
        yield { kind: 'table', name: value.table };
      else if (value && typeof value === 'object' && 'end' in value) yield { kind: 'end', trailer: value as BackupTrailer };
      else throw new BackupError(`${file}, line ${lineNo}: unexpected entry`);
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      `${file} cannot be read after line ${lineNo}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Read the whole file once: complete (trailer present), row counts as announced. */
export async function verifyBackup(file: string): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let table: string | undefined;
  const counts = new Map<string, number>();
  for await (const entry of readEntries(file)) {
    if (trailer) throw new BackupError(`${file}: data after the end marker`);
    if (entry.kind === 'header') header = entry.header;
    else if (entry.kind === 'table') {
      table = entry.name;
      counts.set(table, 0);
    } else if (entry.kind === 'row') {
      if (!table) throw new BackupError(`${file}: a row before any table`);
      counts.set(table, (counts.get(table) ?? 0) + 1);
    } else trailer = entry.trailer;
  }
  if (!header) throw new BackupError(`${file} is empty`);
  if (!trailer) throw new BackupError(`${file} is incomplete (no end marker): the backup was cut short or the file truncated`);
  for (const t of header.tables) {
    if ((counts.get(t.name) ?? 0) !== t.rows) {
      throw new BackupError(`${file}: table ${t.name} should hold ${t.rows} rows, the file has ${counts.get(t.name) ?? 0}`);
    }
  }
  return { header, trailer };
}

export interface RestoreReport {
  tables: number;
  rows: number;
  /** Migrations newer than the backup, applied after the rows were loaded. */
  upgraded: string[];
}

/**
 * Restore `file` into the EMPTY database at `databaseUrl`: the backup's migrations, its rows (one
 * transaction), sequences, then (unless `migrateForward: false`) every newer migration.
 */
export async function restoreBackup(
  databaseUrl: string,
  file: string,
  opts: { migrateForward?: boolean; checkKeys?: boolean } = {},
): Promise<RestoreReport> {
  const { header, trailer } = await verifyBackup(file);
  const known = new Map(readMigrations().map((m) => [m.name, m]));
  for (const m of header.migrations) {
    const ours = known.get(m.name);
    if (!ours)
      throw new BackupError(
        `The backup has migration ${m.name}, which this Waihu does not know: restore it with a Waihu at least as new as the one that made it`,
      );
    if (ours.checksum !== m.checksum)
      throw new BackupError(
        `Migration ${m.name} differs from the one the backup was made with (checksum): restore with the matching Waihu release`,
      );
  }
  if (opts.checkKeys !== false) {
    // Reading the ring would create a new key file: a restore must bring the old one instead.
    if (!process.env.WAIHU_DATA_KEY && !fs.existsSync(ringFilePath()) && trailer.keyIds.length) {
      throw new BackupError(
        `No data key: the backup needs data key ${trailer.keyIds.join(', ')}. Copy the data key file saved with the backup to ${ringFilePath()} (or set WAIHU_DATA_KEY) first.`,
      );
    }
    const ring = dataKeyRing(true);
    const missing = trailer.keyIds.filter((id) => !ring.byId.has(id));
    if (missing.length) {
      throw new BackupError(
        `The backup holds values sealed with data key ${missing.join(', ')}, which the key ring (current ${ring.current.id}) lacks. ` +
          'Put the data key file saved with the backup in WAIHU_DATA_DIR (or set WAIHU_DATA_KEY) first.',
      );
    }
  }
  const client = await connect(databaseUrl);
  try {
    const existing = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')`,
    );
    if (Number(existing.rows[0]?.n) > 0) {
      throw new BackupError('The target database is not empty: restore into a new database (or a new WAIHU_DATA_DIR)');
    }
    // Exactly the backup's schema first: its migrations only, from a folder holding just those.
    const subset = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-restore-'));
    try {
      for (const m of header.migrations)
        fs.cpSync(path.join(MIGRATIONS_DIR, m.name), path.join(subset, m.name), { recursive: true });
      await applyMigrations(databaseUrl, subset);
    } finally {
      fs.rmSync(subset, { recursive: true, force: true });
    }
    const tables = await applicationTables(client);
    const columnsOf = new Map(tables.map((t) => [t.name, t.columns]));
    for (const t of header.tables) {
      const cols = columnsOf.get(t.name);
      if (!cols || cols.join(',') !== t.columns.join(',')) {
        throw new BackupError(
          `Table ${t.name} after the backup's migrations has columns (${cols?.join(', ') ?? 'none'}), the backup has (${t.columns.join(', ')})`,
        );
      }
    }
    const rows = await loadRows(client, file);
    const upgraded = opts.migrateForward === false ? [] : (await applyMigrations(databaseUrl)).applied;
    return { tables: header.tables.length, rows, upgraded };
  } finally {
    await client.end();
  }
}

async function loadRows(client: pg.Client, file: string): Promise<number> {
  let columns: string[] = [];
  let table = '';
  let batch: string[] = [];
  let total = 0;
  const flush = async () => {
    if (!batch.length) return;
    const cols = columns.map(ident);
    // OVERRIDING SYSTEM VALUE: identity columns keep the backed-up values.
    await client.query(
      `INSERT INTO ${ident(table)} (${cols.join(', ')}) OVERRIDING SYSTEM VALUE
       SELECT ${cols.map((c) => `(r).${c}`).join(', ')}
       FROM (SELECT (x::text::${tableRowType(table)}) AS r FROM unnest($1::text[]) AS x) s`,
      [batch],
    );
    total += batch.length;
    batch = [];
  };
  let header: BackupHeader | undefined;
  await client.query('BEGIN');
  try {
    for await (const entry of readEntries(file)) {
      if (entry.kind === 'header') header = entry.header;
      else if (entry.kind === 'table') {
        await flush();
        table = entry.name;
        columns = header?.tables.find((t) => t.name === table)?.columns ?? [];
        await client.query(`DROP TYPE IF EXISTS pg_temp.${ident(`row_${table}`)}`);
        await client.query(`CREATE TYPE pg_temp.${ident(`row_${table}`)} AS (${await columnTypes(client, table, columns)})`);
      } else if (entry.kind === 'row') {
        batch.push(entry.row);
        if (batch.length >= BATCH) await flush();
      }
    }
    await flush();
    await resetSequences(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    if (error instanceof BackupError) throw error;
    throw new BackupError(
      `Loading table ${table} failed, nothing was restored: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return total;
}

// The rows were written as ROW(non-generated columns)::text: read them back through a composite
// type of exactly those columns and types.
const tableRowType = (table: string) => `pg_temp.${ident(`row_${table}`)}`;

async function columnTypes(client: pg.Client, table: string, columns: string[]): Promise<string> {
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    [ident(table)],
  );
  const typeOf = new Map(rows.map((r) => [r.name, r.type]));
  return columns.map((c) => `${ident(c)} ${typeOf.get(c)}`).join(', ');
}

/** Serial and identity sequences continue after the highest restored value. */
async function resetSequences(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ seq: string; tbl: string; col: string }>(`
    SELECT s.oid::regclass::text AS seq, t.oid::regclass::text AS tbl, a.attname AS col
    FROM pg_class s
    JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S' AND t.relnamespace = current_schema()::regnamespace`);
  for (const r of rows) {
    await client.query(
      `SELECT setval($1::regclass, coalesce((SELECT max(${ident(r.col)}) FROM ${r.tbl}), 1), (SELECT max(${ident(r.col)}) FROM ${r.tbl}) IS NOT NULL)`,
      [r.seq],
    );
  }
}

/** Row counts of every application table: what a restore is compared with. */
export async function tableRowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = await connect(databaseUrl);
  try {
    const out: Record<string, number> = {};
    for (const t of await applicationTables(client)) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ident(t.name)}`);
      out[t.name] = Number(rows[0]?.n ?? 0);
    }
    return out;
  } finally {
    await client.end();
  }
}
