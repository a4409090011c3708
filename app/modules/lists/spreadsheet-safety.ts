/**
 * Cells a spreadsheet would run as a formula (`=cmd|…`, `+`, `-`, `@`, and tab/CR tricks) are
 * prefixed with an apostrophe in every export, so an imported name can never execute on the
 * machine of whoever opens the export (CSV injection). Numbers stay numbers.
 */
export function neutralizeCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

import ExcelJS from 'exceljs';

export type SheetFormat = 'csv' | 'xlsx';

/** RFC 4180 CSV line, neutralised; UTF-8 with BOM is added by the writer so Excel reads Chinese. */
export function csvLine(values: unknown[]): string {
  return values
    .map((v) => {
      const text = String(neutralizeCell(v ?? ''));
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',');
}

/** A table as a downloadable file: CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX. */
export async function sheet(
  format: SheetFormat,
  header: unknown[],
  rows: unknown[][],
): Promise<{ body: ArrayBuffer | string; contentType: string; extension: string }> {
  if (format === 'csv') {
    const lines = [csvLine(header), ...rows.map(csvLine)];
    return { body: `\uFEFF${lines.join('\r\n')}\r\n`, contentType: 'text/csv; charset=utf-8', extension: 'csv' };
  }
  const workbook = new ExcelJS.Workbook();
  const worksheet = workbook.addWorksheet('Sheet1');
  // Written as values, never as formulas; neutralised as well, for whoever copies them onwards.
  worksheet.addRow(header.map((v) => neutralizeCell(v ?? '')));
  for (const row of rows) worksheet.addRow(row.map((v) => (typeof v === 'boolean' ? String(v) : neutralizeCell(v ?? ''))));
  worksheet.getRow(1).font = { bold: true };
  return {
    body: (await workbook.xlsx.writeBuffer()) as ArrayBuffer,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
  };
}
