import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import {
  type DataKey,
  type DataKeyRing,
  dataKeyRing,
  decryptString,
  encryptString,
  parseRingFile,
  RING_SETTLE_MS,
  sealedKeyId,
  writeRingFile,
} from '../../utils/data-key.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { phoneHash } from '../lists/phone-vault.server';
import { readSetting, writeSetting } from './settings.server';

// Data key rotation (ADR 090): add a new current key, then re-encrypt every sealed value in the
// database under it, in batches with a checkpoint, while the app keeps running (every process
// reads with old and new keys alike). The columns are found in the catalog, not listed by hand:
// every text/JSON column of every table with a one-column primary key, so a sealed column added
// later is rotated too. Tables the database keeps immutable (the audit log, published
// questionnaire versions) are not rewritten; the final scan reports anything left anywhere.

export class DataKeyRotationError extends Error {}

const CHECKPOINT_KEY = 'dataKeys.rotation';
const SEALED = /^v1:[0-9a-f]{8}:[A-Za-z0-9+/=]*:[A-Za-z0-9+/=]*:[A-Za-z0-9+/=]*$/;
const MAX_PASSES = 10;

interface Column {
  name: string;
  /** For casts: text, character varying, json or jsonb. */
  type: string;
  json: boolean;
}

interface Table {
  name: string;
  pk: string;
  pkType: string;
  columns: Column[];
}

const asJson = (checkpoint: Checkpoint) => checkpoint as unknown as Prisma.InputJsonObject;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Every text and JSON column of the application's tables, grouped by table. */
async function sealableColumns(): Promise<{ rewritable: Table[]; all: { table: string; column: Column }[] }> {
  const columns = await prisma.$queryRawUnsafe<{ table: string; column: string; type: string }[]>(`
    SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type"
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'json', 'jsonb') AND c.table_name <> '_prisma_migrations'
    ORDER BY 1, 2`);
  const keys = await prisma.$queryRawUnsafe<{ table: string; pk: string; pkType: string }[]>(`
    SELECT c.relname AS "table", a.attname AS "pk", format_type(a.atttypid, a.atttypmod) AS "pkType"
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE i.indisprimary AND i.indnatts = 1 AND c.relnamespace = current_schema()::regnamespace`);
  // Rows a trigger refuses to update at all (no column list, no condition): append-only tables.
  const immutable = await prisma.$queryRawUnsafe<{ table: string }[]>(`
    SELECT DISTINCT c.relname AS "table"
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE NOT t.tgisinternal AND p.proname = 'waihu_refuse_change' AND (t.tgtype & 16) <> 0
      AND t.tgqual IS NULL AND cardinality(t.tgattr::int2[]) = 0`);
  const frozen = new Set(immutable.map((r) => r.table));
  const pkOf = new Map(keys.map((k) => [k.table, k]));
  const all = columns.map((c) => ({ table: c.table, column: { name: c.column, type: c.type, json: c.type.startsWith('json') } }));
  const byTable = new Map<string, Table>();
  for (const { table, column } of all) {
    const pk = pkOf.get(table);
    if (!pk || frozen.has(table)) continue;
    const entry = byTable.get(table) ?? { name: table, pk: pk.pk, pkType: pk.pkType, columns: [] };
    entry.columns.push(column);
    byTable.set(table, entry);
  }
  return { rewritable: [...byTable.values()], all };
}

export interface SealedCounts {
  /** key id → "Table.column" → number of sealed values. */
  [keyId: string]: Record<string, number>;
}

/** How many sealed values each key id holds, in every text/JSON column of the database. */
export async function countSealedValues(): Promise<SealedCounts> {
  const { all } = await sealableColumns();
  const out: SealedCounts = {};
  for (const { table, column } of all) {
    const rows = await prisma.$queryRawUnsafe<{ id: string; n: bigint }[]>(
      `SELECT m[1] AS id, count(*) AS n FROM ${ident(table)}, regexp_matches(${ident(column.name)}::text, 'v1:([0-9a-f]{8}):', 'g') AS m
       GROUP BY 1`,
    );
    for (const row of rows) {
      out[row.id] ??= {};
      out[row.id]![`${table}.${column.name}`] = Number(row.n);
    }
  }
  return out;
}

export interface KeyStatus {
  source: 'environment' | 'file';
  current: string;
  old: string[];
  counts: SealedCounts;
  rotation: Checkpoint | null;
}

export async function dataKeyStatus(): Promise<KeyStatus> {
  const ring = dataKeyRing(true);
  return {
    source: ring.file ? 'file' : 'environment',
    current: ring.current.id,
    old: [...ring.byId.keys()].filter((id) => id !== ring.current.id),
    counts: await countSealedValues(),
    rotation: await readSetting<Checkpoint>(CHECKPOINT_KEY),
  };
}

interface Checkpoint {
  targetKeyId: string;
  startedAt: string;
  finishedAt: string | null;
  pass: number;
  /** The table being processed and the last primary key done in it (as text). */
  table: string | null;
  after: string | null;
  rewritten: Record<string, number>;
  unreadable: Record<string, number>;
}

/**
 * A stored value with every sealed string not under `current` re-encrypted; `unreadable` counts
 * those no key of the ring opens (left as they are). Null when nothing changes.
 */
function reseal(value: string, column: Column, current: DataKey, tally: { unreadable: number }): string | null {
  const one = (s: string): string => {
    if (!SEALED.test(s) || sealedKeyId(s) === current.id) return s;
    try {
      return encryptString(decryptString(s), current);
    } catch {
      tally.unreadable++;
      return s;
    }
  };
  if (!column.json) {
    const next = one(value);
    return next === value ? null : next;
  }
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const next = one(v);
      if (next !== v) changed = true;
      return next;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const next = walk(JSON.parse(value));
  return changed ? JSON.stringify(next) : null;
}

interface PassResult {
  /** Values re-encrypted, by "Table.column". */
  rewritten: Record<string, number>;
  unreadable: Record<string, number>;
  /** Values changed by the app between our read and our write (the next pass looks again). */
  raced: number;
}

async function rewriteTable(
  table: Table,
  current: DataKey,
  checkpoint: Checkpoint,
  batchSize: number,
  result: PassResult,
): Promise<void> {
  // Rows holding a sealed value under another key; a PostgreSQL ARE lookahead excludes the current id.
  const pattern = `v1:(?!${current.id}:)[0-9a-f]{8}:`;
  const match = table.columns.map((c) => `${ident(c.name)}::text ~ $1`).join(' OR ');
  const select = table.columns.map((c) => `${ident(c.name)}::text AS ${ident(c.name)}`).join(', ');
  const pk = ident(table.pk);
  for (;;) {
    const after = checkpoint.table === table.name ? checkpoint.after : null;
    const rows = await prisma.$queryRawUnsafe<Record<string, string | null>[]>(
      `SELECT ${pk}::text AS "__pk", ${select} FROM ${ident(table.name)}
       WHERE (${match}) ${after === null ? '' : `AND ${pk} > $3::text::${table.pkType}`}
       ORDER BY ${pk} LIMIT $2`,
      pattern,
      batchSize,
      ...(after === null ? [] : [after]),
    );
    if (!rows.length) return;
    const statements = [];
    for (const column of table.columns) {
      const tally = { unreadable: 0 };
      const pks: string[] = [];
      const olds: string[] = [];
      const news: string[] = [];
      for (const row of rows) {
        const old = row[column.name];
        if (old === null || old === undefined) continue;
        const next = reseal(old, column, current, tally);
        if (next === null) continue;
        pks.push(row.__pk as string);
        olds.push(old);
        news.push(next);
      }
      const key = `${table.name}.${column.name}`;
      if (tally.unreadable) result.unreadable[key] = (result.unreadable[key] ?? 0) + tally.unreadable;
      if (!pks.length) continue;
      // Only where the value is still what we read: a concurrent write wins, the next pass sees it.
      statements.push({
        key,
        expected: pks.length,
        query: prisma.$executeRawUnsafe(
          `UPDATE ${ident(table.name)} AS t SET ${ident(column.name)} = v.n::${column.type}
           FROM unnest($1::text[], $2::text[], $3::text[]) AS v(pk, o, n)
           WHERE t.${pk} = v.pk::${table.pkType} AND t.${ident(column.name)}::text = v.o`,
          pks,
          olds,
          news,
        ),
      });
    }
    checkpoint.table = table.name;
    checkpoint.after = rows.at(-1)?.__pk as string;
    const counts = await prisma.$transaction([
      ...statements.map((s) => s.query),
      prisma.setting.upsert({
        where: { key: CHECKPOINT_KEY },
        create: { key: CHECKPOINT_KEY, value: asJson(checkpoint) },
        update: { value: asJson(checkpoint) },
      }),
    ]);
    statements.forEach((s, i) => {
      const done = counts[i] as number;
      result.rewritten[s.key] = (result.rewritten[s.key] ?? 0) + done;
      result.raced += s.expected - done;
    });
  }
}

export interface RotationReport {
  /** The key everything is now sealed with. */
  keyId: string;
  /** True when this run added the key (file key ring); false when it resumed or re-encrypted only. */
  addedKey: boolean;
  resumed: boolean;
  passes: number;
  rewritten: Record<string, number>;
  unreadable: Record<string, number>;
  /** Sealed values still under another key after the run, by key id (should be empty). */
  leftovers: SealedCounts;
  ms: number;
}

export interface RotationOptions {
  actor: AuditActor;
  /** Re-encrypt under the current key without adding one (a key from the environment; a resumed run). */
  reencryptOnly?: boolean;
  batchSize?: number;
  /** Wait after adding the key so every process of the host reads the new ring before we start. */
  settleMs?: number;
  onProgress?: (line: string) => void;
}

/**
 * A wrong phone lookup key would make every new number a "new" contact and miss the do-not-call
 * list: before touching anything, check that the ring's lookup key reproduces stored phone HMACs.
 */
async function checkLookupKey(ring: DataKeyRing): Promise<void> {
  const sample = await prisma.contact.findMany({
    where: { phoneCipher: { not: null } },
    select: { id: true, phoneHash: true, phoneCipher: true },
    orderBy: { id: 'desc' },
    take: 20,
  });
  for (const contact of sample) {
    const keyId = sealedKeyId(contact.phoneCipher ?? '');
    if (!keyId || !ring.byId.has(keyId)) continue;
    if (phoneHash(decryptString(contact.phoneCipher as string)) !== contact.phoneHash) {
      throw new DataKeyRotationError(
        `The phone lookup key does not match the stored phone hashes (contact ${contact.id}): ` +
          'set WAIHU_PHONE_LOOKUP_KEY (or the key file\'s "lookup" line) to the one used so far; nothing was changed.',
      );
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function rotateDataKey(options: RotationOptions): Promise<RotationReport> {
  const started = Date.now();
  const say = options.onProgress ?? (() => undefined);
  const batchSize = options.batchSize ?? 500;
  let ring = dataKeyRing(true);
  await checkLookupKey(ring);
  const saved = await readSetting<Checkpoint>(CHECKPOINT_KEY);
  const resumed = !!saved && !saved.finishedAt && saved.targetKeyId === ring.current.id;
  let addedKey = false;
  if (!resumed && !options.reencryptOnly) {
    if (!ring.file) {
      throw new DataKeyRotationError(
        'The data key comes from WAIHU_DATA_KEY: put the new key there and the old one in WAIHU_DATA_KEYS_OLD on every ' +
          'process (docs/operations.md), then run `waihu keys:rotate --reencrypt-only`.',
      );
    }
    const stored = parseRingFile(fs.readFileSync(ring.file, 'utf8'), ring.file);
    // The lookup key is written down before the current key changes: it must never change.
    writeRingFile({ keys: [randomBytes(32), ...stored.keys], lookup: stored.lookup ?? ring.lookup }, ring.file);
    ring = dataKeyRing(true);
    addedKey = true;
    await audit(options.actor, 'dataKeys.add', ring.current.id, { old: [...ring.byId.keys()].slice(1) });
    say(`Added data key ${ring.current.id}; waiting for every process to read it…`);
    await sleep(options.settleMs ?? RING_SETTLE_MS);
  }
  const current = ring.current;
  const checkpoint: Checkpoint = resumed
    ? (saved as Checkpoint)
    : {
        targetKeyId: current.id,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        pass: 1,
        table: null,
        after: null,
        rewritten: {},
        unreadable: {},
      };
  if (resumed) say(`Resuming the re-encryption under ${current.id} at ${checkpoint.table ?? 'the start'}.`);
  const { rewritable } = await sealableColumns();
  const total: Record<string, number> = { ...checkpoint.rewritten };
  let unreadable: Record<string, number> = {};
  for (;;) {
    const result: PassResult = { rewritten: {}, unreadable: {}, raced: 0 };
    const startIndex = checkpoint.table
      ? Math.max(
          0,
          rewritable.findIndex((t) => t.name === checkpoint.table),
        )
      : 0;
    for (const table of rewritable.slice(startIndex)) {
      await rewriteTable(table, current, checkpoint, batchSize, result);
      const n = Object.entries(result.rewritten)
        .filter(([k]) => k.startsWith(`${table.name}.`))
        .reduce((sum, [, v]) => sum + v, 0);
      if (n) say(`pass ${checkpoint.pass}: ${table.name}: ${n} values re-encrypted`);
    }
    for (const [k, v] of Object.entries(result.rewritten)) total[k] = (total[k] ?? 0) + v;
    unreadable = result.unreadable;
    const done = Object.values(result.rewritten).reduce((a, b) => a + b, 0);
    // A pass that found nothing to re-encrypt (and lost no race) means nothing is left to do.
    if ((done === 0 && result.raced === 0) || checkpoint.pass >= MAX_PASSES) break;
    Object.assign(checkpoint, { pass: checkpoint.pass + 1, table: null, after: null, rewritten: total });
  }
  const counts = await countSealedValues();
  const leftovers = Object.fromEntries(Object.entries(counts).filter(([id]) => id !== current.id));
  Object.assign(checkpoint, { finishedAt: new Date().toISOString(), table: null, after: null, rewritten: total, unreadable });
  await writeSetting(CHECKPOINT_KEY, asJson(checkpoint));
  const report: RotationReport = {
    keyId: current.id,
    addedKey,
    resumed,
    passes: checkpoint.pass,
    rewritten: total,
    unreadable,
    leftovers,
    ms: Date.now() - started,
  };
  await audit(options.actor, 'dataKeys.rotate', current.id, {
    addedKey,
    resumed,
    passes: report.passes,
    rewritten: total,
    unreadable,
    leftovers: Object.fromEntries(
      Object.entries(leftovers).map(([id, cols]) => [id, Object.values(cols).reduce((a, b) => a + b, 0)]),
    ),
  });
  return report;
}

/**
 * Remove an old key from the ring file, refused while any value in the database is still sealed
 * with it. With keys from the environment, only the check runs: remove it from WAIHU_DATA_KEYS_OLD.
 */
export async function retireDataKey(actor: AuditActor, keyId: string): Promise<{ removedFromFile: boolean }> {
  const ring = dataKeyRing(true);
  if (keyId === ring.current.id) throw new DataKeyRotationError(`${keyId} is the current data key: rotate first`);
  if (!ring.byId.has(keyId)) throw new DataKeyRotationError(`No data key ${keyId} in the key ring`);
  const still = (await countSealedValues())[keyId];
  if (still && Object.keys(still).length) {
    const where = Object.entries(still)
      .map(([column, n]) => `${column}: ${n}`)
      .join(', ');
    throw new DataKeyRotationError(`Values are still sealed with ${keyId} (${where}): run keys:rotate --reencrypt-only first`);
  }
  let removedFromFile = false;
  if (ring.file) {
    const stored = parseRingFile(fs.readFileSync(ring.file, 'utf8'), ring.file);
    const keys = stored.keys.filter((k) => ring.byId.get(keyId)?.key.equals(k) !== true);
    writeRingFile({ keys, lookup: stored.lookup ?? ring.lookup }, ring.file);
    removedFromFile = true;
  }
  await audit(actor, 'dataKeys.retire', keyId, { removedFromFile });
  return { removedFromFile };
}

/** The phone lookup key to put in WAIHU_PHONE_LOOKUP_KEY before rotating keys from the environment. */
export function phoneLookupKeyBase64(): string {
  return dataKeyRing(true).lookup.toString('base64');
}
