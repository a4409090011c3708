/**
 * Cells a spreadsheet would run as a formula (`=cmd|…`, `+`, `-`, `@`, and tab/CR tricks) are
 * prefixed with an apostrophe in every export, so an imported name can never execute on the
 * machine of whoever opens the export (CSV injection). Numbers stay numbers.
 */
export function neutralizeCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 CSV line, neutralised; UTF-8 with BOM is added by the writer so Excel reads Chinese. */
export function csvLine(values: unknown[]): string {
  return values
    .map((v) => {
      const text = String(neutralizeCell(v ?? ''));
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',');
}
