import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  randomFillSync,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '../env.server';

/**
 * The data key encrypts values at rest (phones, sensitive fields, phone tokens, plugin and switch
 * secrets) with AES-256-GCM. Ciphertexts carry the key id (first 8 hex digits of SHA-256 of the key):
 * `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64 parts), so old keys can stay readable while
 * `waihu keys:rotate` re-encrypts everything under a new one (ADR 090).
 *
 * The key ring, from the environment or else the file `<dataDir>/data-key` (created once, mode 0600):
 * - current key (encrypts; also decrypts): `WAIHU_DATA_KEY`, or the file's first key line;
 * - old keys (decrypt only): `WAIHU_DATA_KEYS_OLD` (comma-separated), or the file's other key lines;
 * - the phone lookup key (HMACs for dedup and do-not-call): `WAIHU_PHONE_LOOKUP_KEY`, or the file's
 *   `lookup <base64>` line, else derived from the current key. It never changes at a rotation: the
 *   do-not-call list holds only HMACs, which cannot be recomputed under another key.
 * Keys are base64 of 32 bytes. The file is re-read when it changes (checked at most every second,
 * and at once when a value names a key the ring does not have), so a rotation needs no restart.
 */
export interface DataKey {
  id: string;
  key: Buffer;
  /** The same key as a KeyObject: building one per call costs more than the encryption itself. */
  object: KeyObject;
}

export interface DataKeyRing {
  current: DataKey;
  /** Every readable key by id, the current one included. */
  byId: Map<string, DataKey>;
  /** 32 bytes for the phone HMACs (phone-vault.server.ts). */
  lookup: Buffer;
  /** Where the ring came from: the file path, or null for the environment. */
  file: string | null;
}

export class DataKeyError extends Error {}

const RING_CHECK_MS = 1_000;
/** How long every process of a host may keep using a ring file that was replaced. */
export const RING_SETTLE_MS = 2 * RING_CHECK_MS + 500;

let cached: { source: string; ring: DataKeyRing; stamp: string; checkedAt: number } | undefined;

export function keyFromBytes(key: Buffer): DataKey {
  if (key.length !== 32) throw new DataKeyError(`The data key must be 32 bytes, got ${key.length}`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key, object: createSecretKey(key) };
}

/** The lookup key of a ring without an explicit one (how every database before rotation was hashed). */
export function derivedLookupKey(key: DataKey): Buffer {
  return Buffer.from(hkdfSync('sha256', key.key, Buffer.alloc(0), 'waihu phone lookup v1', 32));
}

function lookupBytes(base64: string, where: string): Buffer {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== 32) throw new DataKeyError(`${where}: the phone lookup key must be 32 bytes, got ${bytes.length}`);
  return bytes;
}

function buildRing(keys: Buffer[], lookup: Buffer | null, file: string | null): DataKeyRing {
  const all = keys.map(keyFromBytes);
  const current = all[0];
  if (!current) throw new DataKeyError(`${file ?? 'WAIHU_DATA_KEY'}: no data key`);
  return { current, byId: new Map(all.map((k) => [k.id, k])), lookup: lookup ?? derivedLookupKey(current), file };
}

export interface RingFile {
  keys: Buffer[];
  lookup: Buffer | null;
}

/** `<base64 key>` lines (the first is current), an optional `lookup <base64>` line, `#` comments. */
export function parseRingFile(text: string, file: string): RingFile {
  const keys: Buffer[] = [];
  let lookup: Buffer | null = null;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('lookup ')) lookup = lookupBytes(line.slice(7).trim(), `${file} line ${index + 1}`);
    else keys.push(Buffer.from(line, 'base64'));
  }
  return { keys, lookup };
}

export function formatRingFile(ring: RingFile): string {
  return [
    '# Waihu data keys: the first is current, the others are kept for reading (docs/operations.md).',
    ...ring.keys.map((k) => k.toString('base64')),
    ...(ring.lookup ? [`lookup ${ring.lookup.toString('base64')}`] : []),
    '',
  ].join('\n');
}

export const ringFilePath = () => path.join(env().dataDir, 'data-key');

/** Replace the ring file atomically (write, fsync, rename), keeping mode 0600. */
export function writeRingFile(ring: RingFile, file: string = ringFilePath()): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, formatRingFile(ring));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  cached = undefined;
}

function fileStamp(file: string): string {
  const stat = fs.statSync(file);
  return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
}

function envSource(): string | null {
  const key = process.env.WAIHU_DATA_KEY;
  return key ? `env:${key}|${process.env.WAIHU_DATA_KEYS_OLD ?? ''}|${process.env.WAIHU_PHONE_LOOKUP_KEY ?? ''}` : null;
}

function loadRing(source: string): { source: string; ring: DataKeyRing; stamp: string } {
  const fromEnv = process.env.WAIHU_DATA_KEY;
  if (fromEnv) {
    const old = (process.env.WAIHU_DATA_KEYS_OLD ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const lookupEnv = process.env.WAIHU_PHONE_LOOKUP_KEY;
    if (old.length && !lookupEnv) {
      throw new DataKeyError(
        'WAIHU_DATA_KEYS_OLD is set but WAIHU_PHONE_LOOKUP_KEY is not: phone lookups would change with the current key. ' +
          'Set WAIHU_PHONE_LOOKUP_KEY to what `waihu keys:lookup-key` printed before the rotation (docs/operations.md).',
      );
    }
    const keys = [fromEnv, ...old].map((k) => Buffer.from(k, 'base64'));
    const lookup = lookupEnv ? lookupBytes(lookupEnv, 'WAIHU_PHONE_LOOKUP_KEY') : null;
    return { source, ring: buildRing(keys, lookup, null), stamp: '' };
  }
  const file = ringFilePath();
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // 'wx' fails if another process created it first; then we read theirs.
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const stamp = fileStamp(file);
  const { keys, lookup } = parseRingFile(fs.readFileSync(file, 'utf8'), file);
  return { source, ring: buildRing(keys, lookup, file), stamp };
}

/** The key ring; `force` re-reads a ring file now (a value named a key we do not have). */
export function dataKeyRing(force = false): DataKeyRing {
  const source = envSource() ?? `file:${ringFilePath()}`;
  if (cached?.source === source) {
    const file = cached.ring.file;
    if (!file) return cached.ring;
    const now = Date.now();
    if (!force && now - cached.checkedAt < RING_CHECK_MS) return cached.ring;
    cached.checkedAt = now;
    if (fs.existsSync(file) && fileStamp(file) === cached.stamp) return cached.ring;
  }
  const loaded = loadRing(source);
  cached = { ...loaded, checkedAt: Date.now() };
  return loaded.ring;
}

/** The current key: what new values are encrypted with. */
export function dataKey(): DataKey {
  return dataKeyRing().current;
}

// IVs come from the CSPRNG 4 096 at a time: one call per value cost more than the encryption (an
// import seals a million phones). Each IV is handed out once, so uniqueness is as before.
const IV_BYTES = 12;
const ivPool = Buffer.alloc(IV_BYTES * 4096);
let ivOffset = ivPool.length;

function nextIv(): Buffer {
  if (ivOffset === ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  ivOffset += IV_BYTES;
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset);
}

export function encryptString(plain: string, key: DataKey = dataKey()): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key.object, iv);
  // GCM is a stream mode: final() only computes the tag and returns no bytes.
  const ct = cipher.update(plain, 'utf8');
  cipher.final();
  return ['v1', key.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

/** Which key sealed a value (its id), or null if it is not a sealed value. */
export function sealedKeyId(sealed: string): string | null {
  return /^v1:([0-9a-f]{8}):/.exec(sealed)?.[1] ?? null;
}

/** Decrypt with the key named in the value (any key of the ring), or only with `key` when given. */
export function decryptString(sealed: string, key?: DataKey): string {
  const [version, keyId, iv, tag, ct] = sealed.split(':');
  if (version !== 'v1' || !keyId || iv === undefined || tag === undefined || ct === undefined) {
    throw new DataKeyError('Not an encrypted value (expected v1:<keyId>:<iv>:<tag>:<ct>)');
  }
  const use = key ?? dataKeyRing().byId.get(keyId) ?? dataKeyRing(true).byId.get(keyId);
  if (!use || use.id !== keyId) {
    throw new DataKeyError(
      `Encrypted with data key ${keyId}, which is not in the key ring (current key ${(key ?? dataKey()).id})`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', use.object, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new DataKeyError('Encrypted value was tampered with or the data key is wrong');
  }
}
