import { type FieldDef, type FieldError, type FieldValue, validateRecord } from './field-template';
import { type Cell, toText } from './field-values';
import type { SourceRow } from './file-reader.server';

// One file row → a contact to insert, or a rejection with every reason. Pure: the import job
// streams rows through it and does the I/O (dedup, DNC, encryption, insert) around it.

/** Column index → template field key, or `tags` for a column of tags. */
export type ColumnMapping = Record<number, string>;

export type ConsentStatus = 'granted' | 'refused';

export interface ImportedContact {
  line: number;
  values: Record<string, FieldValue>;
  tags: string[];
  /** Marketing consent as the source recorded it (a `consent` column or API field). */
  consent?: ConsentStatus;
  /** A business system's phone token, for contacts sent without their number. */
  phoneToken?: string;
  /** The business system's own hash of the number, for dedup and do-not-call of tokenised contacts. */
  phoneTokenHash?: string;
}

export interface RejectedRow {
  line: number;
  errors: FieldError[];
  /** The row as it was in the file, for the downloadable report. */
  cells: Cell[];
}

export type RowOutcome = { ok: true; contact: ImportedContact } | { ok: false; rejected: RejectedRow };

const TAG_SEPARATORS = /[,，;；|、/]+/;
const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 30;

export function parseTags(cell: Cell): { tags: string[]; error?: FieldError } {
  if (cell === null || cell === undefined) return { tags: [] };
  const tags = [
    ...new Set(
      toText(cell)
        .split(TAG_SEPARATORS)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  const tooLong = tags.find((t) => t.length > MAX_TAG_LENGTH);
  if (tooLong) return { tags: [], error: { field: 'tags', code: 'tags.tooLong', params: { max: MAX_TAG_LENGTH } } };
  if (tags.length > MAX_TAGS) return { tags: [], error: { field: 'tags', code: 'tags.tooMany', params: { max: MAX_TAGS } } };
  return { tags };
}

const GRANTED = new Set(['granted', 'yes', 'y', 'true', '1', '同意', '是', '已同意']);
const REFUSED = new Set(['refused', 'no', 'n', 'false', '0', '拒绝', '否', '不同意', '已拒绝']);

/** A consent cell: granted, refused, blank (unknown), or something unreadable. */
export function parseConsent(cell: Cell): ConsentStatus | null | 'invalid' {
  if (cell === null || cell === undefined || String(cell).trim() === '') return null;
  const text = String(cell).trim().toLowerCase();
  if (GRANTED.has(text)) return 'granted';
  if (REFUSED.has(text)) return 'refused';
  return 'invalid';
}

// The mapping as [column, field] pairs, computed once per mapping rather than once per row.
const pairsByMapping = new WeakMap<ColumnMapping, [number, string][]>();
function mappedColumns(mapping: ColumnMapping): [number, string][] {
  let pairs = pairsByMapping.get(mapping);
  if (!pairs) {
    pairs = Object.entries(mapping).map(([index, key]) => [Number(index), key]);
    pairsByMapping.set(mapping, pairs);
  }
  return pairs;
}

export function importRow(fields: FieldDef[], mapping: ColumnMapping, row: SourceRow): RowOutcome {
  const record: Record<string, Cell> = {};
  let tagCell: Cell = null;
  let consentCell: Cell = null;
  for (const [index, key] of mappedColumns(mapping)) {
    const cell = row.cells[index];
    if (key === 'tags') tagCell = cell;
    else if (key === 'consent') consentCell = cell;
    else record[key] = cell;
  }
  const { values, errors } = validateRecord(fields, record);
  const tags = parseTags(tagCell);
  if (tags.error) errors.push(tags.error);
  const consent = parseConsent(consentCell);
  if (consent === 'invalid') errors.push({ field: 'consent', code: 'value.notConsent' });
  if (errors.length) return { ok: false, rejected: { line: row.line, errors, cells: row.cells } };
  return {
    ok: true,
    contact: { line: row.line, values, tags: tags.tags, ...(consent && consent !== 'invalid' ? { consent } : {}) },
  };
}

/** Mapping problems found before any row is read: a required field nobody fills, a field filled twice. */
export function checkMapping(fields: FieldDef[], mapping: ColumnMapping): FieldError[] {
  const targets = Object.values(mapping);
  const errors: FieldError[] = [];
  for (const field of fields) {
    if (field.required && !targets.includes(field.key)) errors.push({ field: field.key, code: 'mapping.requiredUnmapped' });
  }
  const known = new Set([...fields.map((f) => f.key), 'tags', 'consent']);
  for (const target of new Set(targets)) {
    if (!known.has(target)) errors.push({ field: target, code: 'mapping.unknownField' });
    else if (targets.filter((t) => t === target).length > 1) errors.push({ field: target, code: 'mapping.mappedTwice' });
  }
  return errors;
}
