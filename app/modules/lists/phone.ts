import { type CountryCode, Metadata, parsePhoneNumberFromString } from 'libphonenumber-js/max';

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

// The common case, a mainland mobile, is decided with libphonenumber's own CN patterns (read from
// its metadata, so an upgrade moves both paths together) instead of its general parser, which costs
// more than the rest of an imported row. Anything else goes through the library. phone.test.ts
// compares both paths on every 5-digit prefix in every notation.
interface PlanPatterns {
  nationalNumberPattern(): string;
  type(name: 'MOBILE' | 'FIXED_LINE'): { pattern(): string };
}
const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
const cn = (() => {
  const metadata = new Metadata();
  metadata.selectNumberingPlan('CN');
  const plan = metadata.numberingPlan as unknown as PlanPatterns;
  return {
    general: whole(plan.nationalNumberPattern()),
    fixedLine: whole(plan.type('FIXED_LINE').pattern()),
    mobile: whole(plan.type('MOBILE').pattern()),
  };
})();

/** An 11-digit national number libphonenumber would call a valid CN mobile (and not also a landline). */
function isCnMobile(national: string): boolean {
  return (
    national.length === 11 &&
    national.charCodeAt(0) === 0x31 &&
    cn.mobile.test(national) &&
    cn.general.test(national) &&
    !cn.fixedLine.test(national)
  );
}

/** The fast path on a cleaned number: a CN mobile's result, or null to ask the library. */
function fastCnMobile(cleaned: string, defaultRegion: CountryCode): PhoneResult | null {
  const national = cleaned.startsWith('+86') ? cleaned.slice(3) : defaultRegion === 'CN' ? cleaned : '';
  return isCnMobile(national) ? { ok: true, e164: `+86${national}`, kind: 'mobile', country: 'CN' } : null;
}

/** E.164 form of a phone number, with whether it is a mobile; default region China. */
export function normalizePhone(raw: unknown, defaultRegion: CountryCode = 'CN'): PhoneResult {
  return normalize(raw, defaultRegion, true);
}

/** normalizePhone without the fast path: the reference the tests hold the fast path to. */
export function normalizePhoneByLibrary(raw: unknown, defaultRegion: CountryCode = 'CN'): PhoneResult {
  return normalize(raw, defaultRegion, false);
}

function normalize(raw: unknown, defaultRegion: CountryCode, fast: boolean): PhoneResult {
  if (raw === null || raw === undefined) return { ok: false, reason: 'phone.empty' };
  // Spreadsheets store long numbers as numbers; 1.38e10 style never holds a phone exactly, so use the integer.
  const text = typeof raw === 'number' ? (Number.isInteger(raw) ? String(raw) : '') : String(raw);
  const cleaned = clean(text.trim());
  if (cleaned === '') return { ok: false, reason: 'phone.empty' };
  if (!/^\+?\d+$/.test(cleaned)) return { ok: false, reason: 'phone.notANumber' };
  const quick = fast ? fastCnMobile(cleaned, defaultRegion) : null;
  if (quick) return quick;
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
  // A CN mobile (nearly every contact) needs no parse: its national number is the last 11 digits.
  if (e164.length === 14 && e164.startsWith('+86') && isCnMobile(e164.slice(3)))
    return `${e164.slice(3, 6)}****${e164.slice(-4)}`;
  return maskPhoneByLibrary(e164);
}

/** maskPhone without the fast path, for the tests. */
export function maskPhoneByLibrary(e164: string): string {
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
