// Turning what a spreadsheet cell holds into a typed value, forgivingly (people type dates and
// numbers in many ways) but never guessing: anything ambiguous is an error with a reason.

export type Cell = string | number | boolean | Date | null | undefined;

export type Coerced<T> = { ok: true; value: T } | { ok: false; code: string; params?: Record<string, string | number> };

const FULL_WIDTH = /[０-９．，－＋]/g;
function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

export function isBlank(cell: Cell): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

export function toText(cell: Cell): string {
  if (cell instanceof Date) return toIsoDate(cell);
  const text = String(cell ?? '').trim();
  return storable(text) ? text : storableText(text).trim();
}

/** Whether PostgreSQL can store the text as it is (text and jsonb). */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/**
 * PostgreSQL cannot store NUL, and jsonb refuses half a surrogate pair (a broken UTF-16 file, a
 * string cut in the middle of an emoji): the NUL is dropped, the half pair becomes U+FFFD.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '').toWellFormed();
}

export function toNumber(cell: Cell): Coerced<number> {
  if (typeof cell === 'number')
    return Number.isFinite(cell) ? { ok: true, value: cell } : { ok: false, code: 'value.notANumber' };
  const text = halfWidth(toText(cell)).replace(/[,\s¥￥$]/g, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return { ok: false, code: 'value.notANumber' };
  return { ok: true, value: Number(text) };
}

/** Money keeps two decimals exactly: stored as a string like "1234.50". */
export function toMoney(cell: Cell): Coerced<string> {
  const n = toNumber(cell);
  if (!n.ok) return n;
  if (Math.abs(n.value) >= 1e13) return { ok: false, code: 'value.tooLarge' };
  return { ok: true, value: (Math.round(n.value * 100) / 100).toFixed(2) };
}

function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

// Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A calendar date as `YYYY-MM-DD` (no time zone: birthdays and policy dates are days, not instants). */
export function toDate(cell: Cell): Coerced<string> {
  if (cell instanceof Date)
    return Number.isNaN(cell.getTime()) ? { ok: false, code: 'value.notADate' } : { ok: true, value: toIsoDate(cell) };
  if (typeof cell === 'number') {
    if (cell > 0 && cell < 2958466) return { ok: true, value: toIsoDate(new Date(EXCEL_EPOCH + Math.floor(cell) * 86_400_000)) };
    return { ok: false, code: 'value.notADate' };
  }
  const text = halfWidth(toText(cell));
  const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return { ok: false, code: 'value.notADate' };
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return { ok: false, code: 'value.notADate' };
  return { ok: true, value: toIsoDate(date) };
}

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '对', '有', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '不', '无', 'off']);

export function toBoolean(cell: Cell): Coerced<boolean> {
  if (typeof cell === 'boolean') return { ok: true, value: cell };
  const text = toText(cell).toLowerCase();
  if (TRUE.has(text)) return { ok: true, value: true };
  if (FALSE.has(text)) return { ok: true, value: false };
  return { ok: false, code: 'value.notABoolean' };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function toEmail(cell: Cell): Coerced<string> {
  const text = toText(cell);
  return EMAIL.test(text) ? { ok: true, value: text.toLowerCase() } : { ok: false, code: 'value.notAnEmail' };
}
