import { type AuditActor, audit } from '../audit/audit.server';
import { type SheetFormat, sheet } from '../lists/spreadsheet-safety';
import type { ReportFilters } from './filters';
import { tableRows } from './report-types';
import { runReport } from './reports.server';

/**
 * A report's main table as CSV or XLSX through the same writer (and CSV-injection guard) as the
 * other exports; audited with its filters.
 */
export async function exportReport(actor: AuditActor, filters: ReportFilters, format: SheetFormat, language: string) {
  const result = await runReport(filters, language);
  const table = result.tables[0]!;
  const rows = tableRows(table);
  await audit(actor, 'reports.export', filters.report, { ...filters, format, rows: rows.length });
  const file = await sheet(
    format,
    table.columns.map((c) => c.key),
    rows,
  );
  return { ...file, filename: `${filters.report}-${filters.from}-${filters.to}.${file.extension}` };
}
