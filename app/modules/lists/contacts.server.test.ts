import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { importFromApi } from './api-import.server';
import { ContactFilterInvalid, exportContacts, listContacts, unmaskPhone } from './contacts.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 4).toString('base64');
let projectId = '';
const actor = { id: null, name: 'auditor-check', ip: '10.0.0.5' };

beforeAll(async () => {
  projectId = (await createProject({ name: 't' }, { name: '导出', type: 'survey', description: '' })).id;
  await importFromApi(projectId, 'k', [
    { name: '=HYPERLINK("http://evil","点我")', phone: '13700001111', city: '上海', tags: ['VIP'] },
    { name: '普通客户', phone: '13700002222', city: '成都' },
  ]);
});

describe('contact privacy', () => {
  it('the browser read model carries masked numbers only', async () => {
    const { rows, total } = await listContacts(projectId, { page: 1, pageSize: 10 });
    expect(total).toBe(2);
    expect(JSON.stringify(rows)).not.toMatch(/13700001111|13700002222|phoneCipher/);
    expect(rows.map((r) => r.phoneMasked)).toEqual(['137****1111', '137****2222']);
  });

  it('showing a number returns it and records who saw it', async () => {
    const contact = await prisma.contact.findFirstOrThrow({ where: { projectId, name: '普通客户' } });
    expect(await unmaskPhone(actor, projectId, contact.id)).toBe('+8613700002222');
    expect(await unmaskPhone(actor, crypto.randomUUID(), contact.id)).toBeNull();
    expect(await prisma.auditLog.count({ where: { action: 'contacts.unmask', target: `${projectId}/${contact.id}` } })).toBe(1);
  });

  it('exports are masked unless full numbers are allowed, neutralise formulas, and are audited', async () => {
    const masked = (await exportContacts(actor, projectId, {}, false)).body as string;
    expect(masked.startsWith('\uFEFF')).toBe(true);
    expect(masked).toContain('137****1111');
    expect(masked).not.toContain('13700001111');
    expect(masked).toContain(`"'=HYPERLINK(""http://evil"",""点我"")"`);
    const full = (await exportContacts(actor, projectId, { tag: 'VIP' }, true)).body as string;
    expect(full).toContain('+8613700001111');
    expect(full).not.toContain('13700002222');
    const audits = await prisma.auditLog.findMany({
      where: { action: 'contacts.export', target: projectId },
      orderBy: { id: 'asc' },
    });
    expect(audits.map((a) => (a.details as { fullNumbers: boolean }).fullNumbers)).toEqual([false, true]);
    // XLSX: the same rows, filtered by a builder condition, readable by a spreadsheet library.
    const xlsx = await exportContacts(
      actor,
      projectId,
      { condition: { combinator: 'and', rules: [{ field: 'city', operator: '=', value: '成都' }] } },
      false,
      'xlsx',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    const sheetRows = book.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
    expect(sheetRows).toHaveLength(2);
    expect(sheetRows[1]).toContain('137****2222');
  });

  it('filters by a builder condition in SQL, by tag and by a search that treats % literally', async () => {
    const inShanghai = await listContacts(projectId, {
      page: 1,
      pageSize: 10,
      condition: { combinator: 'and', rules: [{ field: 'city', operator: '=', value: '上海' }] },
    });
    expect(inShanghai.rows.map((r) => r.phoneMasked)).toEqual(['137****1111']);
    const notVip = await listContacts(projectId, {
      page: 1,
      pageSize: 10,
      condition: { combinator: 'and', rules: [{ field: 'tags', operator: 'hasNone', value: ['VIP'] }] },
    });
    expect(notVip.total).toBe(1);
    expect((await listContacts(projectId, { page: 1, pageSize: 10, search: '%' })).total).toBe(0);
    expect((await listContacts(projectId, { page: 1, pageSize: 10, search: '普通' })).total).toBe(1);
    await expect(
      listContacts(projectId, {
        page: 1,
        pageSize: 10,
        condition: { combinator: 'and', rules: [{ field: 'salary', operator: '>', value: 1 }] },
      }),
    ).rejects.toBeInstanceOf(ContactFilterInvalid);
  });
});
