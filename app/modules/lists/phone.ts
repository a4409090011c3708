import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export type PhoneKind = 'mobile' | 'landline' | 'other';

export type PhoneResult =
  | { ok: true; e164: string; kind: PhoneKind; country: string | undefined }
  | { ok: false; reason: 'phone.empty' | 'phone.notANumber' | 'phone.invalid' };

const FULL_WIDTH_DIGITS = /[０-９＋]/g;

/** What people type into spreadsheets: full-width digits, spaces, dashes, dots, brackets, 00 or 86 prefixes. */
function clean(raw: string): string {
  const halfWidth = raw.replace(FULL_WIDTH_DIGITS, (c) => (c === '＋' ? '+' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
  const compact = halfWidth.replace(/[\s\-().·/_]/g, '');
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  // A Chinese mobile number written with its country code but without the plus: 8613812345678.
  if (/^861[3-9]\d{9}$/.test(compact)) return `+${compact}`;
  return compact;
}

/** E.164 form of a phone number, with whether it is a mobile; default region China. */
export function normalizePhone(raw: unknown, defaultRegion: CountryCode = 'CN'): PhoneResult {
  if (raw === null || raw === undefined) return { ok: false, reason: 'phone.empty' };
  // Spreadsheets store long numbers as numbers; 1.38e10 style never holds a phone exactly, so use the integer.
  const text = typeof raw === 'number' ? (Number.isInteger(raw) ? String(raw) : '') : String(raw);
  const cleaned = clean(text.trim());
  if (cleaned === '') return { ok: false, reason: 'phone.empty' };
  if (!/^\+?\d+$/.test(cleaned)) return { ok: false, reason: 'phone.notANumber' };
  const parsed = parsePhoneNumberFromString(cleaned, defaultRegion);
  if (!parsed?.isValid()) return { ok: false, reason: 'phone.invalid' };
  const type = parsed.getType();
  const kind: PhoneKind =
    type === 'MOBILE' ? 'mobile' : type === 'FIXED_LINE' ? 'landline' : type === 'FIXED_LINE_OR_MOBILE' ? 'mobile' : 'other';
  return { ok: true, e164: parsed.number, kind, country: parsed.country };
}

/**
 * What an agent or a report sees: the national number with its middle hidden (`138****5678`).
 * Works on E.164 input; anything unparseable keeps only its last four digits.
 */
export function maskPhone(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  const national = parsed
    ? parsed.country === 'CN' && parsed.getType() !== 'MOBILE'
      ? `0${parsed.nationalNumber}`
      : parsed.nationalNumber
    : e164.replace(/\D/g, '');
  if (national.length <= 4) return '*'.repeat(national.length);
  // Always hide at least four digits; show up to three leading digits (the carrier or area prefix).
  const lead = Math.min(3, Math.max(0, national.length - 8));
  return `${national.slice(0, lead)}${'*'.repeat(national.length - 4 - lead)}${national.slice(-4)}`;
}
