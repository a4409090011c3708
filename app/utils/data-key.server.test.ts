import { randomBytes } from 'node:crypto';
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
