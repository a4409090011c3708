import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { countDataRows, detectCsvSettings, readRows, type SourceRow } from './file-reader.server';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

async function all(p: string, options = {}): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const row of readRows(p, options)) rows.push(row);
  return rows;
}

describe('CSV', () => {
  it('reads a GBK file as Chinese Excel exports it, detecting the encoding', async () => {
    const p = file('gbk.csv', iconv.encode('姓名,手机号,城市\r\n张三,13812345678,上海\r\n李四,13912345678,成都\r\n', 'gbk'));
    expect(detectCsvSettings(p)).toEqual({ encoding: 'gb18030', delimiter: ',' });
    expect(await all(p)).toEqual([
      { line: 1, cells: ['姓名', '手机号', '城市'] },
      { line: 2, cells: ['张三', '13812345678', '上海'] },
      { line: 3, cells: ['李四', '13912345678', '成都'] },
    ]);
  });

  it('drops a UTF-8 byte order mark and detects tabs and semicolons', async () => {
    const bom = file(
      'bom.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名\t手机号\n王五\t13712345678\n')]),
    );
    expect((await all(bom))[0]).toEqual({ line: 1, cells: ['姓名', '手机号'] });
    const semi = file('semi.csv', 'name;phone;note\nA;138;"x;y"\n');
    expect(await all(semi)).toEqual([
      { line: 1, cells: ['name', 'phone', 'note'] },
      { line: 2, cells: ['A', '138', 'x;y'] },
    ]);
  });

  it('keeps quoted newlines inside a cell and numbers rows by where they start', async () => {
    const p = file('multiline.csv', 'name,note,phone\nA,"line one\nline two",1\n\nB,plain,2\n');
    expect(await all(p)).toEqual([
      { line: 1, cells: ['name', 'note', 'phone'] },
      { line: 2, cells: ['A', 'line one\nline two', '1'] },
      { line: 5, cells: ['B', 'plain', '2'] },
    ]);
  });

  it('reads ragged rows as they are (the importer reports missing fields)', async () => {
    const p = file('ragged.csv', 'a,b,c\n1,2\n1,2,3,4\n');
    expect((await all(p)).map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2'],
      ['1', '2', '3', '4'],
    ]);
  });
});

describe('XLSX', () => {
  it('reads dates, numbers, numbers stored as text, and the chosen sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('说明').addRow(['this sheet explains the file']);
    const sheet = workbook.addWorksheet('名单');
    sheet.addRow(['姓名', '手机号', '出生日期', '保额', '编号']);
    sheet.addRow(['张三', 13812345678, new Date(Date.UTC(1960, 2, 8)), 1234.5, '000123']);
    sheet.addRow([]);
    sheet.addRow(['李四', '139 1234 5678', '1958/7/1', '2000', { richText: [{ text: 'A' }, { text: 'B' }] }]);
    const p = path.join(dir, 'list.xlsx');
    await workbook.xlsx.writeFile(p);
    const rows = await all(p, { sheet: '名单' });
    expect(rows).toEqual([
      { line: 1, cells: ['姓名', '手机号', '出生日期', '保额', '编号'] },
      { line: 2, cells: ['张三', 13812345678, new Date(Date.UTC(1960, 2, 8)), 1234.5, '000123'] },
      { line: 4, cells: ['李四', '139 1234 5678', '1958/7/1', '2000', 'AB'] },
    ]);
    expect((await all(p))[0]?.cells).toEqual(['this sheet explains the file']);
  });
});

describe('row count for the progress bar', () => {
  it('counts the data rows of a CSV, with or without a final line break', async () => {
    expect(await countDataRows(file('n1.csv', 'a,b\n1,2\n3,4\n'))).toBe(2);
    expect(await countDataRows(file('n2.csv', 'a,b\r\n1,2\r\n3,4'))).toBe(2);
    expect(await countDataRows(file('n3.csv', 'a,b\n'))).toBe(0);
    const big = ['h', ...Array.from({ length: 100_000 }, (_, i) => String(i))].join('\n');
    expect(await countDataRows(file('n4.csv', big))).toBe(100_000);
  });
});
