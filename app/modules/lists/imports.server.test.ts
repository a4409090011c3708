import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { customField, FIXED_FIELDS, type FieldDef } from './field-template';
import { importPercent } from './file-settings';
import { previewImport, runImport } from './imports.server';
import { phoneHash, revealPhone } from './phone-vault.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-import-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FIELDS: FieldDef[] = [
  ...FIXED_FIELDS,
  customField('idCard', 'idCard', { label: { zh: '身份证', en: 'ID card' }, sensitive: true }),
  customField('premium', 'money', { label: { zh: '保费', en: 'Premium' } }),
];
const MAPPING = { 0: 'name', 1: 'phone', 2: 'idCard', 3: 'premium', 4: 'tags' };
let projectId = '';

beforeAll(async () => {
  projectId = (await createProject({ name: 'test' }, { name: '寿险回访', type: 'returnVisit', description: '', fields: FIELDS }))
    .id;
});

async function queueImport(file: string) {
  return prisma.contactImport.create({
    data: { projectId, fileName: path.basename(file), filePath: file, format: 'csv', mapping: MAPPING },
  });
}

describe('file import', () => {
  it('imports valid rows, rejects bad ones with line and reason, skips duplicates, marks do-not-call', async () => {
    await prisma.dncEntry.create({ data: { scope: 'global', phoneHash: phoneHash('+8613900000003'), source: 'manual' } });
    const csv = [
      '姓名,手机号,身份证,保费,标签',
      '张三,138 0000 0001,11010519491231002X,"1,200.5",VIP;上海',
      '李四,+86-138-0000-0002,,300,',
      '王五,12345,,abc,',
      '赵六,13900000003,,,',
      '张三重复,13800000001,,,',
      ',13800000009,,,',
    ].join('\r\n');
    const file = path.join(dir, 'gbk.csv');
    fs.writeFileSync(file, iconv.encode(csv, 'gbk'));
    const job = await queueImport(file);
    await runImport(job.id);

    const done = await prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
    expect(done).toMatchObject({
      status: 'done',
      rowsRead: 6,
      totalRows: 6,
      accepted: 3,
      rejected: 2,
      duplicates: 1,
      dncMarked: 1,
      lastLine: 7,
    });
    const rejections = await prisma.importRejection.findMany({ where: { importId: job.id }, orderBy: { line: 'asc' } });
    expect(rejections.map((r) => ({ line: r.line, errors: r.errors }))).toEqual([
      {
        line: 4,
        errors: [
          { field: 'phone', code: 'phone.invalid' },
          { field: 'premium', code: 'value.notANumber' },
        ],
      },
      { line: 7, errors: [{ field: 'name', code: 'value.required' }] },
    ]);
    expect(rejections[0]?.cells).toEqual(['王五', '12345', '', 'abc', '']);

    const contacts = await prisma.contact.findMany({ where: { projectId }, orderBy: { id: 'asc' } });
    expect(contacts.map((c) => [c.name, c.phoneMasked, c.dnc, c.tags])).toEqual([
      ['张三', '138****0001', false, ['VIP', '上海']],
      ['李四', '138****0002', false, []],
      ['赵六', '139****0003', true, []],
    ]);
    const zhang = contacts[0]!;
    expect(revealPhone(zhang.phoneCipher!)).toBe('+8613800000001');
    expect(zhang.fields).toMatchObject({ premium: '1200.50', idCard: { masked: '110***********002X' } });
    // No column of the row holds the number or the ID card in clear.
    const stored = JSON.stringify(zhang, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
    expect(stored).not.toMatch(/13800000001|11010519491231002X/);
  });

  it('a worker killed mid-import and restarted leaves no duplicate and no gap', async () => {
    const lines = ['姓名,手机号,身份证,保费,标签'];
    for (let i = 0; i < 12_000; i++) lines.push(`客户${i},1370${String(i).padStart(7, '0')},,${i},`);
    const file = path.join(dir, 'big.csv');
    fs.writeFileSync(file, lines.join('\n'));
    const job = await queueImport(file);

    const child = spawn(process.execPath, ['--import', 'tsx', 'app/modules/lists/testing/run-import.ts', job.id], {
      env: { ...process.env, VITEST: undefined },
      stdio: 'ignore',
    });
    // Kill it hard once the first batch is committed, before the file is done.
    for (;;) {
      const progress = await prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
      if (progress.lastLine > 0 || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const interrupted = await prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
    expect(interrupted.status).toBe('running');
    expect(interrupted.lastLine).toBeLessThan(12_001);
    // The bar shows how far it got: rows committed of the rows counted before the first batch.
    expect(interrupted.totalRows).toBe(12_000);
    expect(importPercent(interrupted)).toBe(Math.floor((interrupted.rowsRead / 12_000) * 100));
    expect(importPercent(interrupted)).toBeLessThan(100);

    await runImport(job.id);
    const done = await prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
    expect(done).toMatchObject({
      status: 'done',
      rowsRead: 12_000,
      totalRows: 12_000,
      accepted: 12_000,
      rejected: 0,
      duplicates: 0,
      lastLine: 12_001,
    });
    const count = await prisma.contact.count({ where: { importId: job.id } });
    expect(count).toBe(12_000);
  }, 120_000);
});

describe('dedup policy "update"', () => {
  it('updates the existing contact (name, fields, tags merged) and counts it as updated, in a file and across batches', async () => {
    const other = await createProject(
      { name: 'test' },
      { name: '更新策略', type: 'returnVisit', description: '', fields: FIELDS },
    );
    await prisma.project.update({ where: { id: other.id }, data: { dedupPolicy: 'update' } });
    const run = async (name: string, rows: string[]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, ['姓名,手机号,身份证,保费,标签', ...rows].join('\n'));
      const job = await prisma.contactImport.create({
        data: { projectId: other.id, fileName: name, filePath: file, format: 'csv', mapping: MAPPING },
      });
      await runImport(job.id);
      return prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
    };
    expect(await run('first.csv', ['甲,13800000101,,100,老客户', '乙,13800000102,,200,'])).toMatchObject({
      accepted: 2,
      updated: 0,
      duplicates: 0,
    });
    // Within the file the last row for a phone wins; against the table it updates.
    expect(await run('second.csv', ['甲一,13800000101,,,', '甲二,13800000101,,300,VIP', '丙,13800000103,,,'])).toMatchObject({
      accepted: 1,
      updated: 1,
      duplicates: 1,
      rejected: 0,
    });
    const contacts = await prisma.contact.findMany({ where: { projectId: other.id }, orderBy: { id: 'asc' } });
    expect(contacts.map((c) => [c.name, [...c.tags].sort(), (c.fields as { premium?: string }).premium])).toEqual([
      ['甲二', ['VIP', '老客户'], '300.00'],
      ['乙', [], '200.00'],
      ['丙', [], undefined],
    ]);
  });
});

describe("import preview with the page's overrides", () => {
  it('reads a GBK file as GBK when detected, and garbled when the user forces UTF-8', async () => {
    const file = path.join(dir, 'gbk-preview.csv');
    fs.writeFileSync(file, iconv.encode('姓名;手机号\r\n张三;13800000001\r\n', 'gbk'));
    const detected = await previewImport(projectId, file);
    expect(detected).toMatchObject({ encoding: 'gb18030', delimiter: ';', headers: ['姓名', '手机号'] });
    expect(detected.mapping).toEqual({ 0: 'name', 1: 'phone' });
    expect(detected.rows[0]?.cells).toEqual(['张三', '13800000001']);

    const forced = await previewImport(projectId, file, { encoding: 'utf-8' });
    expect(forced.encoding).toBe('utf-8');
    expect(forced.headers[0]).not.toBe('姓名');
    expect(forced.headers[0]).toContain('\uFFFD');
    expect(forced.mapping).toEqual({});

    const byComma = await previewImport(projectId, file, { delimiter: ',' });
    expect(byComma.headers).toEqual(['姓名;手机号']);
  });

  it('lists the sheets of an XLSX file with their rows, and reads the chosen one', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('说明').addRow(['请看第二页']);
    const list = workbook.addWorksheet('名单');
    list.addRow(['姓名', '手机号']);
    list.addRow(['孙七', '13800000071']);
    list.addRow(['周八', '13800000072']);
    const file = path.join(dir, 'two-sheets.xlsx');
    await workbook.xlsx.writeFile(file);

    const first = await previewImport(projectId, file);
    expect(first.sheets).toEqual([
      { name: '说明', rows: 0 },
      { name: '名单', rows: 2 },
    ]);
    expect(first).toMatchObject({ sheet: '1', headers: ['请看第二页'] });
    const second = await previewImport(projectId, file, { sheet: '2' });
    expect(second).toMatchObject({ sheet: '2', headers: ['姓名', '手机号'], mapping: { 0: 'name', 1: 'phone' } });

    // The job reads the chosen sheet and counts its rows for the progress bar.
    const job = await prisma.contactImport.create({
      data: { projectId, fileName: 'two-sheets.xlsx', filePath: file, format: 'xlsx', sheet: '2', mapping: second.mapping },
    });
    await runImport(job.id);
    const done = await prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
    expect(done).toMatchObject({ status: 'done', totalRows: 2, rowsRead: 2, accepted: 2 });
    expect(importPercent(done)).toBe(100);
  });
});
