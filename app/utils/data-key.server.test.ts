import { createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../env.server';
import { DataKeyError, dataKey, decryptString, encryptString } from './data-key.server';

const saved = { key: process.env.WAIHU_DATA_KEY, dir: process.env.WAIHU_DATA_DIR };
afterEach(() => {
  process.env.WAIHU_DATA_KEY = saved.key;
  if (saved.key === undefined) delete process.env.WAIHU_DATA_KEY;
  if (saved.dir === undefined) delete process.env.WAIHU_DATA_DIR;
  else process.env.WAIHU_DATA_DIR = saved.dir;
  resetEnvCache();
});

describe('data key', () => {
  it('round-trips with the key from WAIHU_DATA_KEY and marks the key id', () => {
    process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');
    const sealed = encryptString('秘密 secret');
    expect(sealed).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(sealed.split(':')[1]).toBe(dataKey().id);
    expect(decryptString(sealed)).toBe('秘密 secret');
    expect(encryptString('x')).not.toBe(encryptString('x'));
  });

  it('never hands out an IV twice, across refills of the IV pool', () => {
    process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');
    const sealed = Array.from({ length: 10_000 }, (_, i) => encryptString(`+86138${String(i).padStart(8, '0')}`));
    expect(new Set(sealed.map((s) => s.split(':')[2])).size).toBe(sealed.length);
    expect(sealed.every((s, i) => decryptString(s) === `+86138${String(i).padStart(8, '0')}`)).toBe(true);
    // The format is unchanged: v1:<keyId>:<iv>:<tag>:<ct>, opened here without decryptString.
    const [, keyId, iv, tag, ct] = sealed[0]!.split(':');
    expect(keyId).toBe(dataKey().id);
    const decipher = createDecipheriv('aes-256-gcm', dataKey().key, Buffer.from(iv!, 'base64'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64'));
    expect(Buffer.concat([decipher.update(Buffer.from(ct!, 'base64')), decipher.final()]).toString()).toBe('+8613800000000');
  });

  it('refuses tampered values, other keys and garbage', () => {
    process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');
    const sealed = encryptString('abc');
    const parts = sealed.split(':');
    parts[4] = Buffer.from('abd').toString('base64');
    expect(() => decryptString(parts.join(':'))).toThrow(DataKeyError);
    expect(() => decryptString('plain')).toThrow(DataKeyError);
    process.env.WAIHU_DATA_KEY = randomBytes(32).toString('base64');
    expect(() => decryptString(sealed)).toThrow(/data key/);
  });

  it('rejects a key of the wrong length', () => {
    process.env.WAIHU_DATA_KEY = randomBytes(16).toString('base64');
    expect(() => dataKey()).toThrow(/32 bytes/);
  });

  it('creates <dataDir>/data-key once with mode 0600 when no env key is set', () => {
    delete process.env.WAIHU_DATA_KEY;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-key-'));
    process.env.WAIHU_DATA_DIR = dir;
    resetEnvCache();
    const first = dataKey();
    const file = path.join(dir, 'data-key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(dataKey().id).toBe(first.id);
    expect(decryptString(encryptString('v'))).toBe('v');
    fs.rmSync(dir, { recursive: true });
  });
});
