import type { ReportName } from './filters';

// What a report returns: tables (the first is the one exported) that the page draws charts from.

export type ColumnKind = 'text' | 'int' | 'sec' | 'pct' | 'money';
export type Cell = string | number | null;

export interface ReportTable {
  key: string;
  columns: { key: string; kind: ColumnKind }[];
  rows: Record<string, Cell>[];
}

export interface ReportResult {
  name: ReportName;
  tables: ReportTable[];
  /** i18n keys (reports.notes.*) of caveats: a filter this report cannot apply, and so on. */
  notes: string[];
  /** Questionnaire report: the stats pages it summarises. */
  links?: { label: string; href: string }[];
}

/** A table's rows as arrays in column order (for CSV/XLSX). */
export function tableRows(table: ReportTable): Cell[][] {
  return table.rows.map((row) => table.columns.map((c) => row[c.key] ?? null));
}
