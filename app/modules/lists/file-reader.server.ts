import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { type Cell, storable, storableText } from './field-values';
import { DELIMITERS, type Encoding } from './file-settings';

export { DELIMITERS, type Encoding };

// Streaming readers for contact files: rows come one at a time, so a million-row file never
// sits in memory. Every row carries the line (CSV) or row number (XLSX) a person would look up.

export type FileFormat = 'csv' | 'xlsx';

export interface SourceRow {
  line: number;
  cells: Cell[];
}

export interface ReadOptions {
  format?: FileFormat;
  /** Detected from the first 64 KiB when absent: a BOM, valid UTF-8, else GB18030 (a superset of GBK). */
  encoding?: Encoding;
  delimiter?: string;
  /** XLSX: sheet name or 1-based index; the first sheet by default. */
  sheet?: string | number;
}

const SAMPLE_BYTES = 64 * 1024;
/** A record longer than this is a broken file (an unclosed quote swallowing the rest), not a contact. */
export const MAX_RECORD_CHARS = 1024 * 1024;

function sample(path: string): Buffer {
  const fd = fs.openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const read = fs.readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

export function detectFormat(path: string): FileFormat {
  const head = sample(path).subarray(0, 4);
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04 ? 'xlsx' : 'csv';
}

export function detectEncoding(bytes: Buffer): Encoding {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  // The sample may end inside a multi-byte character: drop up to three trailing bytes before judging.
  for (let cut = 0; cut <= 3 && cut < bytes.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return 'utf-8';
    } catch {
      // try a shorter sample
    }
  }
  return 'gb18030';
}

/** The candidate that splits the first lines into the same, largest number of columns. */
export function detectDelimiter(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 5);
  let best: string = ',';
  let bestScore = 0;
  for (const candidate of DELIMITERS) {
    const counts = lines.map((line) => line.replace(/"[^"]*"/g, '').split(candidate).length - 1);
    const first = counts[0] ?? 0;
    const consistent = counts.every((c) => c === first);
    const score = first * (consistent ? 2 : 1);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

export interface CsvSettings {
  encoding: Encoding;
  delimiter: string;
}

export function detectCsvSettings(path: string, options: ReadOptions = {}): CsvSettings {
  const bytes = sample(path);
  const encoding = options.encoding ?? detectEncoding(bytes);
  const delimiter = options.delimiter ?? detectDelimiter(iconv.decode(bytes, encoding));
  return { encoding, delimiter };
}

async function* readCsv(path: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  const { encoding, delimiter } = detectCsvSettings(path, options);
  // pipeline, not pipe: a broken file or a reader that stops early closes the file too.
  const parser = pipeline(
    fs.createReadStream(path),
    iconv.decodeStream(encoding),
    parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_CHARS,
      info: true,
      raw: true,
    }),
    () => {},
  );
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
    // `lines` is where the record ends; quoted newlines inside it make it start earlier. The raw
    // text may begin with skipped blank lines and end with the line break.
    const body = raw.replace(/^[\r\n]+/, '').replace(/\r?\n?$/, '');
    // A line of blanks (a stray CR where the file ends its lines with LF) is an empty line too.
    if (record.every((c) => c.trim() === '')) continue;
    const cells = storable(raw) ? record : record.map(storableText);
    yield { line: info.lines - (body.match(/\n/g) ?? []).length, cells };
  }
}

type ExcelValue = ExcelJS.CellValue;

function excelCell(value: ExcelValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return storable(value) ? value : storableText(value);
  if (value instanceof Date || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object') {
    if ('richText' in value) return storableText(value.richText.map((r) => r.text).join(''));
    if ('result' in value) return excelCell(value.result as ExcelValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return null;
  }
  return String(value);
}

/** How long the XLSX reader may go without a row before the file counts as damaged (tests lower it). */
export const xlsxLimits = { stallMs: 60_000 };

export class XlsxStalled extends Error {
  constructor() {
    super('the workbook stopped yielding rows (a damaged zip)');
  }
}

// Some damaged zips make the streaming reader wait forever, with nothing left to read: without
// this guard the import would stay "running" and hold its connection and lock for good.
async function* stallGuard<T>(rows: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new XlsxStalled()), xlsxLimits.stallMs);
      });
      let next: IteratorResult<T>;
      try {
        next = await Promise.race([rows.next(), stalled]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // A reader that stops early (a preview) or gives up must close the workbook's file too: left
    // open, it reads on after the upload is deleted and its stream's error crashes the process.
    // Not awaited: a stalled reader may never answer.
    void rows.return(undefined).catch(() => undefined);
  }
}

function readXlsx(path: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  return stallGuard(streamXlsx(path, options));
}

async function* streamXlsx(path: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
  });
  let index = 0;
  for await (const worksheet of reader) {
    index++;
    const name = (worksheet as unknown as { name?: string }).name;
    const wanted = options.sheet ?? 1;
    if (typeof wanted === 'number' ? wanted !== index : wanted !== name) continue;
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      const values = Array.isArray(row.values) ? row.values.slice(1) : [];
      const cells = Array.from(values, (v) => excelCell(v as ExcelValue));
      if (cells.every((c) => c === null || c === '')) continue;
      yield { line: row.number, cells };
    }
    return;
  }
}

export function readRows(path: string, options: ReadOptions = {}): AsyncGenerator<SourceRow> {
  const format = options.format ?? detectFormat(path);
  return format === 'xlsx' ? readXlsx(path, options) : readCsv(path, options);
}

/** Sheets of an XLSX file with their data rows (header excluded), for the "choose a sheet" step. */
export async function listSheets(path: string): Promise<{ name: string; rows: number }[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  return workbook.worksheets.map((w) => ({ name: w.name, rows: Math.max(0, w.actualRowCount - 1) }));
}

/**
 * Data rows of a file (the header excluded), for the progress bar. CSV: line breaks counted on the
 * raw bytes (no parsing; a quoted line break counts once too many, so progress may stop short of
 * 100 % until the job finishes). XLSX: the chosen sheet's non-empty rows, streamed.
 */
export async function countDataRows(path: string, options: ReadOptions = {}): Promise<number> {
  const format = options.format ?? detectFormat(path);
  if (format === 'xlsx') {
    // Streamed like the import itself, so a large workbook never sits in the worker's memory.
    let rows = 0;
    for await (const _ of readXlsx(path, options)) rows++;
    return Math.max(0, rows - 1);
  }
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of fs.createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    if (chunk.length) last = chunk[chunk.length - 1]!;
  }
  // A last line without a line break is a line too.
  if (last !== 0x0a) lines++;
  return Math.max(0, lines - 1);
}
