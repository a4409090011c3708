import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { resetEnvCache } from '../../env.server';
import { sealSecrets } from '../../plugins/secrets.server';
import {
  DataKeyError,
  dataKey,
  dataKeyRing,
  decryptString,
  encryptString,
  keyFromBytes,
  writeRingFile,
} from '../../utils/data-key.server';
import { isDoNotCall } from '../lists/dnc.server';
import { phoneHash, revealPhone, sealPhone } from '../lists/phone-vault.server';
import { createProject } from '../projects/projects.server';
import { countSealedValues, DataKeyRotationError, retireDataKey, rotateDataKey } from './data-keys.server';
import { readSetting, writeSetting } from './settings.server';

// Rotation with the key file (the ring every process of a host re-reads): key A seals everything,
// `rotateDataKey` adds key B and re-encrypts while the app keeps reading and writing, then A retires.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-rotate-'));
const saved = { key: process.env.WAIHU_DATA_KEY, dir: process.env.WAIHU_DATA_DIR };
const keyA = randomBytes(32);
const A = keyFromBytes(keyA);
const actor = { name: 'cli' };
const phoneOf = (i: number) => `+86139${String(i).padStart(8, '0')}`;
let projectId = '';

beforeAll(async () => {
  delete process.env.WAIHU_DATA_KEY;
  process.env.WAIHU_DATA_DIR = dir;
  resetEnvCache();
  writeRingFile({ keys: [keyA], lookup: null });
  expect(dataKey().id).toBe(A.id);
  projectId = (await createProject(actor, { name: 'Rotation', type: 'sales', description: '' })).id;
});
afterAll(() => {
  if (saved.key !== undefined) process.env.WAIHU_DATA_KEY = saved.key;
  if (saved.dir === undefined) delete process.env.WAIHU_DATA_DIR;
  else process.env.WAIHU_DATA_DIR = saved.dir;
  resetEnvCache();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function addContacts(from: number, count: number) {
  await prisma.contact.createMany({
    data: Array.from({ length: count }, (_, k) => {
      const i = from + k;
      const phone = sealPhone(phoneOf(i));
      const secondary = sealPhone(phoneOf(i + 50_000_000));
      return {
        projectId,
        name: `c${i}`,
        phoneHash: phone.hash,
        phoneCipher: phone.cipher,
        phoneMasked: phone.masked,
        phoneKind: 'mobile',
        secondaryPhoneHash: secondary.hash,
        secondaryPhoneCipher: secondary.cipher,
        secondaryPhoneMasked: secondary.masked,
        ...(i % 10 === 0 ? { phoneToken: encryptString(`token-${i}`) } : {}),
        fields: { idCard: { cipher: encryptString(`11010119900101${String(i).padStart(4, '0')}`), masked: '1101**' }, city: 'x' },
      };
    }),
  });
}

async function expectContactsReadable() {
  const contacts = await prisma.contact.findMany({ where: { projectId }, orderBy: { id: 'asc' } });
  for (const c of contacts) {
    const i = Number(c.name.slice(1));
    expect(revealPhone(c.phoneCipher as string)).toBe(phoneOf(i));
    // The lookup key never changed: the stored HMAC still finds the number.
    expect(phoneHash(phoneOf(i))).toBe(c.phoneHash);
    expect(decryptString((c.fields as { idCard: { cipher: string } }).idCard.cipher)).toMatch(/^11010119900101/);
    if (c.phoneToken) expect(decryptString(c.phoneToken)).toBe(`token-${i}`);
  }
  return contacts.length;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('data key rotation', () => {
  it('re-encrypts everything under a new key while the app reads and writes, then the old key retires', async () => {
    await addContacts(0, 1_200);
    await prisma.dncEntry.create({
      data: { scope: 'global', phoneHash: phoneHash(phoneOf(7)), phoneMasked: '139****0007', source: 'manual' },
    });
    const plugin = await prisma.pluginInstallation.create({
      data: {
        pluginId: 'webhook-crm',
        pluginVersion: '1.0.0',
        name: 'CRM',
        config: {},
        secrets: sealSecrets({ apiKey: 'k-123' }),
      },
    });
    await writeSetting('telephony.test', { freeswitch: { host: 'fs', eslPasswordSealed: encryptString('ClueCon') } });
    const verto = await prisma.vertoCredential.create({
      data: { userId: randomUUID(), extension: 9001, secretSealed: encryptString('verto-secret') },
    });
    expect(Object.keys(await countSealedValues())).toEqual([A.id]);
    await expect(retireDataKey(actor, A.id)).rejects.toThrow(/current data key/);

    // The app: reads random contacts, adds new ones, and re-saves existing ones, all the time.
    let stop = false;
    const errors: unknown[] = [];
    const done = { reads: 0, writes: 0 };
    let next = 100_000;
    const app = (async () => {
      while (!stop) {
        try {
          const id = BigInt(1 + Math.floor(Math.random() * 1_200));
          const c = await prisma.contact.findUnique({ where: { id } });
          if (c) {
            expect(revealPhone(c.phoneCipher as string)).toBe(phoneOf(Number(c.name.slice(1))));
            done.reads++;
            const again = sealPhone(phoneOf(Number(c.name.slice(1)) + 50_000_000));
            await prisma.contact.update({ where: { id }, data: { secondaryPhoneCipher: again.cipher } });
          }
          await addContacts(next, 3);
          next += 3;
          done.writes++;
        } catch (error) {
          errors.push(error);
        }
      }
    })();
    // A process that has not yet re-read the key file still seals with A for a moment.
    let staleUntilContactsDone = true;
    const stale = (async () => {
      while (staleUntilContactsDone) {
        const id = BigInt(1 + Math.floor(Math.random() * 50));
        await prisma.contact.update({
          where: { id },
          data: { secondaryPhoneCipher: encryptString(phoneOf(Number(id) - 1 + 50_000_000), A) },
        });
        await sleep(2);
      }
    })();

    await sleep(50);
    const lines: string[] = [];
    const report = await rotateDataKey({
      actor,
      batchSize: 100,
      settleMs: 100,
      onProgress: (line) => {
        lines.push(line);
        if (line.includes(': Contact:')) staleUntilContactsDone = false;
      },
    });
    staleUntilContactsDone = false;
    await stale;
    stop = true;
    await app;

    expect(errors).toEqual([]);
    expect(done.reads).toBeGreaterThan(10);
    expect(done.writes).toBeGreaterThan(10);
    const B = dataKey();
    expect(B.id).not.toBe(A.id);
    expect(report).toMatchObject({ keyId: B.id, addedKey: true, resumed: false, leftovers: {}, unreadable: {} });
    expect(report.passes).toBeGreaterThanOrEqual(2);
    expect(report.rewritten).toMatchObject({
      'Contact.phoneCipher': expect.any(Number),
      'Contact.fields': expect.any(Number),
      'PluginInstallation.secrets': 1,
      'Setting.value': 1,
      'VertoCredential.secretSealed': 1,
    });
    expect(report.rewritten['Contact.phoneCipher']).toBeGreaterThanOrEqual(1_200);
    expect(report.rewritten['Contact.phoneToken']).toBeGreaterThanOrEqual(120);

    // Nothing anywhere in the database is sealed with A; everything reads; lookups still match.
    expect(Object.keys(await countSealedValues())).toEqual([B.id]);
    const total = await expectContactsReadable();
    expect(total).toBe(1_200 + 3 * done.writes);
    expect(await isDoNotCall(projectId, phoneHash(phoneOf(7)))).toBe(true);

    // A retires: the ring no longer has it, and every value still opens.
    expect(await retireDataKey(actor, A.id)).toEqual({ removedFromFile: true });
    expect([...dataKeyRing(true).byId.keys()]).toEqual([B.id]);
    expect(fs.readFileSync(path.join(dir, 'data-key'), 'utf8')).not.toContain(keyA.toString('base64'));
    await expectContactsReadable();
    const stored = await prisma.pluginInstallation.findUniqueOrThrow({ where: { id: plugin.id } });
    expect(JSON.parse(decryptString(stored.secrets as string))).toEqual({ apiKey: 'k-123' });
    const setting = await readSetting<{ freeswitch: { eslPasswordSealed: string } }>('telephony.test');
    expect(decryptString(setting?.freeswitch.eslPasswordSealed as string)).toBe('ClueCon');
    const credential = await prisma.vertoCredential.findUniqueOrThrow({ where: { userId: verto.userId } });
    expect(decryptString(credential.secretSealed as string)).toBe('verto-secret');
    expect(() => decryptString(encryptString('x', A))).toThrow(DataKeyError);

    const actions = await prisma.auditLog.findMany({ where: { action: { startsWith: 'dataKeys.' } }, orderBy: { id: 'asc' } });
    expect(actions.map((a) => a.action)).toEqual(['dataKeys.add', 'dataKeys.rotate', 'dataKeys.retire']);
    expect(JSON.stringify(actions.map((a) => a.details))).not.toMatch(/v1:[0-9a-f]{8}:/);
  });

  it('refuses to retire a key still in use, and a stopped rotation resumes from its checkpoint', async () => {
    const B = dataKey();
    // Rotate to C but stop after the first table (as if the process were killed).
    await expect(
      rotateDataKey({
        actor,
        batchSize: 50,
        settleMs: 10,
        onProgress: (line) => {
          if (line.startsWith('pass 1:')) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const C = dataKey();
    expect(C.id).not.toBe(B.id);
    expect(Object.keys(await countSealedValues()).sort()).toEqual([B.id, C.id].sort());
    await expect(retireDataKey(actor, B.id)).rejects.toThrow(
      new RegExp(`still sealed with ${B.id} \\(.*PluginInstallation.secrets: 1`),
    );

    // Run again: it resumes under C (no third key), finishes, and B can go.
    const report = await rotateDataKey({ actor, batchSize: 50, settleMs: 10 });
    expect(report).toMatchObject({ keyId: C.id, addedKey: false, resumed: true, leftovers: {} });
    expect(dataKey().id).toBe(C.id);
    expect(Object.keys(await countSealedValues())).toEqual([C.id]);
    await retireDataKey(actor, B.id);
    await expectContactsReadable();
  });

  it('with keys from the environment, needs the lookup key and re-encrypts only', async () => {
    const ring = dataKeyRing(true);
    const current = ring.current.key.toString('base64');
    const older = randomBytes(32);
    process.env.WAIHU_DATA_KEY = current;
    process.env.WAIHU_DATA_KEYS_OLD = older.toString('base64');
    try {
      expect(() => dataKey()).toThrow(/WAIHU_PHONE_LOOKUP_KEY/);
      // A lookup key that does not reproduce the stored hashes stops the rotation before any change.
      process.env.WAIHU_PHONE_LOOKUP_KEY = Buffer.alloc(32, 1).toString('base64');
      await expect(rotateDataKey({ actor, reencryptOnly: true })).rejects.toThrow(/lookup key does not match/);

      process.env.WAIHU_PHONE_LOOKUP_KEY = ring.lookup.toString('base64');
      const underOld = encryptString('old value', keyFromBytes(older));
      expect(decryptString(underOld)).toBe('old value');
      expect(encryptString('new').split(':')[1]).toBe(ring.current.id);
      // The key cannot be changed from here: the environment of every process holds it.
      await expect(rotateDataKey({ actor })).rejects.toThrow(DataKeyRotationError);
      await writeSetting('legacy.sealed', { value: underOld });
      const report = await rotateDataKey({ actor, reencryptOnly: true });
      expect(report).toMatchObject({ keyId: ring.current.id, addedKey: false, rewritten: { 'Setting.value': 1 }, leftovers: {} });
      expect(await retireDataKey(actor, keyFromBytes(older).id)).toEqual({ removedFromFile: false });
      await expectContactsReadable();
    } finally {
      delete process.env.WAIHU_DATA_KEY;
      delete process.env.WAIHU_DATA_KEYS_OLD;
      delete process.env.WAIHU_PHONE_LOOKUP_KEY;
    }
  });
});
