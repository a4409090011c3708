import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { importFromApi } from './api-import.server';
import { addToDnc, isDoNotCall, listDnc, removeFromDnc } from './dnc.server';
import { phoneHash } from './phone-vault.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 6).toString('base64');
const actor = { name: 'supervisor' };
let a = '';
let b = '';

beforeAll(async () => {
  a = (await createProject(actor, { name: 'A', type: 'sales', description: '' })).id;
  b = (await createProject(actor, { name: 'B', type: 'sales', description: '' })).id;
  for (const project of [a, b])
    await importFromApi(project, 'k', [
      { name: '甲', phone: '13900000001' },
      { name: '乙', phone: '13900000002' },
    ]);
});

const dncOf = async (project: string) =>
  (await prisma.contact.findMany({ where: { projectId: project }, orderBy: { name: 'asc' }, select: { dnc: true } })).map(
    (c) => c.dnc,
  );

describe('do-not-call', () => {
  it('a project entry marks that project only; a global one marks all; invalid input is reported', async () => {
    const result = await addToDnc(actor, a, ['139 0000 0001', 'abc', ''], 'manual');
    expect(result).toEqual({ added: 1, already: 0, contactsMarked: 1, invalid: [{ value: 'abc', reason: 'phone.notANumber' }] });
    expect(await dncOf(a)).toEqual([false, true]);
    expect(await dncOf(b)).toEqual([false, false]);
    expect(await addToDnc(actor, 'global', ['+8613900000001'], 'api')).toMatchObject({ added: 1, contactsMarked: 1 });
    expect(await dncOf(b)).toEqual([false, true]);
    expect(await addToDnc(actor, 'global', ['13900000001'], 'api')).toMatchObject({ added: 0, already: 1 });
    expect(await isDoNotCall(b, phoneHash('+8613900000001'))).toBe(true);
    expect(await isDoNotCall(b, phoneHash('+8613900000002'))).toBe(false);
    expect((await listDnc({ page: 1, pageSize: 10 })).rows.map((r) => r.phoneMasked)).toEqual(['139****0001', '139****0001']);
  });

  it('removing the global entry keeps contacts a project entry still covers', async () => {
    const global = await prisma.dncEntry.findFirstOrThrow({ where: { scope: 'global' } });
    expect(await removeFromDnc(actor, global.id)).toBe(true);
    expect(await dncOf(a)).toEqual([false, true]);
    expect(await dncOf(b)).toEqual([false, false]);
    expect(await prisma.auditLog.count({ where: { action: { in: ['dnc.add', 'dnc.remove'] } } })).toBe(4);
  });
});
