import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { importFromApi } from './api-import.server';
import { bulkContacts, contactDetail } from './contact-actions.server';
import { customField, FIXED_FIELDS, type FieldDef } from './field-template';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 1).toString('base64');
const actor = { name: 'supervisor' };
const FIELDS: FieldDef[] = [
  ...FIXED_FIELDS,
  customField('idCard', 'idCard', { label: { zh: '身份证', en: 'ID card' }, sensitive: true }),
];
let projectId = '';
let ids: bigint[] = [];

beforeAll(async () => {
  projectId = (await createProject(actor, { name: '批量', type: 'survey', description: '', fields: FIELDS })).id;
  await importFromApi(projectId, 'k', [
    { name: '一', phone: '13622220001', idCard: '11010519491231002X', city: '上海', tags: ['老客户'] },
    { name: '二', phone: '13622220002' },
    { name: '三', phone: '13622220003' },
  ]);
  ids = (await prisma.contact.findMany({ where: { projectId }, orderBy: { id: 'asc' }, select: { id: true } })).map((c) => c.id);
});

describe('bulk contact actions', () => {
  it('tag, untag, do-not-call, close and delete the selected contacts only, each audited', async () => {
    expect(await bulkContacts(actor, projectId, ids.slice(0, 2), { action: 'tag', tag: '回访重点' })).toBe(2);
    expect(await bulkContacts(actor, projectId, ids.slice(0, 2), { action: 'tag', tag: '回访重点' })).toBe(0);
    expect(await bulkContacts(actor, projectId, [ids[0]!], { action: 'untag', tag: '回访重点' })).toBe(1);
    expect(await bulkContacts(actor, projectId, [ids[1]!], { action: 'dnc' })).toBe(1);
    expect(await prisma.dncEntry.count({ where: { scope: projectId } })).toBe(1);
    expect(await bulkContacts(actor, projectId, [ids[2]!], { action: 'close' })).toBe(1);
    expect(await bulkContacts(actor, crypto.randomUUID(), ids, { action: 'delete' })).toBe(0);
    expect(await bulkContacts(actor, projectId, [ids[2]!], { action: 'delete' })).toBe(1);
    const rows = await prisma.contact.findMany({
      where: { projectId },
      orderBy: { id: 'asc' },
      select: { tags: true, dnc: true, status: true, deletedAt: true },
    });
    expect(rows.map((r) => [r.tags, r.dnc, r.status, r.deletedAt !== null])).toEqual([
      [['老客户'], false, 'open', false],
      [['回访重点'], true, 'open', false],
      [[], false, 'closed', true],
    ]);
    expect(await prisma.auditLog.count({ where: { action: { startsWith: 'contacts.bulk.' } } })).toBe(7);
  });

  it('the detail view masks sensitive values and says where each tag came from', async () => {
    const detail = await contactDetail(projectId, ids[0]!);
    expect(detail?.phoneMasked).toBe('136****0001');
    expect(detail?.values.find((v) => v.key === 'idCard')).toMatchObject({ value: '110***********002X', sensitive: true });
    expect(detail?.values.find((v) => v.key === 'city')?.value).toBe('上海');
    expect(detail?.tags).toEqual([{ tag: '老客户', source: 'file' }]);
    expect(JSON.stringify(detail)).not.toMatch(/13622220001|11010519491231002X|Cipher/);
    expect(await contactDetail(projectId, ids[2]!)).toBeNull();
  });
});
