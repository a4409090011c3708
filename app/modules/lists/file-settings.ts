// How a contact file may be read: shared by the reader (server) and the import page's overrides.

export const ENCODINGS = ['utf-8', 'gb18030', 'utf-16le'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DELIMITERS = [',', '\t', ';', '|'] as const;

/** Why a file could not be read to its end: stored as the import's `error`, shown with its `lastLine`. */
export const IMPORT_FAILURES = ['quoteNotClosed', 'recordTooLarge', 'csvInvalid', 'xlsxUnreadable'] as const;
export type ImportFailure = (typeof IMPORT_FAILURES)[number];

/** The translation key under `lists.import.failures.` for a failed import's stored error. */
export function importFailureKey(error: string | null): ImportFailure | 'other' {
  return (IMPORT_FAILURES as readonly (string | null)[]).includes(error) ? (error as ImportFailure) : 'other';
}

/** Import progress in percent: rows read of the rows counted; never 100 before the job says done. */
export function importPercent(job: { status: string; rowsRead: number; totalRows: number | null }): number {
  if (job.status === 'done') return 100;
  if (!job.totalRows) return 0;
  return Math.min(99, Math.floor((job.rowsRead / job.totalRows) * 100));
}
