import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
  randomFillSync,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from '../env.server';

/**
 * The data key encrypts values at rest (plugin secrets now, phone numbers later) with AES-256-GCM.
 *
 * Source, in order: `WAIHU_DATA_KEY` (base64 of 32 bytes), else `<dataDir>/data-key` (created once,
 * mode 0600). Ciphertexts carry the key id (first 8 hex digits of SHA-256 of the key) so a later
 * rotation can keep old keys around for reading: `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64 parts).
 */
export interface DataKey {
  id: string;
  key: Buffer;
  /** The same key as a KeyObject: building one per call costs more than the encryption itself. */
  object: KeyObject;
}

let cached: { source: string; key: DataKey } | undefined;

function fromBytes(key: Buffer): DataKey {
  if (key.length !== 32) throw new Error(`The data key must be 32 bytes, got ${key.length}`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key, object: createSecretKey(key) };
}

export function dataKey(): DataKey {
  const fromEnv = process.env.WAIHU_DATA_KEY;
  const source = fromEnv ? `env:${fromEnv}` : `file:${env().dataDir}`;
  if (cached?.source === source) return cached.key;
  let key: DataKey;
  if (fromEnv) {
    key = fromBytes(Buffer.from(fromEnv, 'base64'));
  } else {
    const file = path.join(env().dataDir, 'data-key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // 'wx' fails if another process created it first; then we read theirs.
      try {
        fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    key = fromBytes(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
  }
  cached = { source, key };
  return key;
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

export class DataKeyError extends Error {}

export function decryptString(sealed: string, key: DataKey = dataKey()): string {
  const [version, keyId, iv, tag, ct] = sealed.split(':');
  if (version !== 'v1' || !keyId || iv === undefined || tag === undefined || ct === undefined) {
    throw new DataKeyError('Not an encrypted value (expected v1:<keyId>:<iv>:<tag>:<ct>)');
  }
  if (keyId !== key.id) throw new DataKeyError(`Encrypted with data key ${keyId}, but the current key is ${key.id}`);
  const decipher = createDecipheriv('aes-256-gcm', key.object, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new DataKeyError('Encrypted value was tampered with or the data key is wrong');
  }
}
