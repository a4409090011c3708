import { z } from 'zod';
import type { FieldType as ScopeType } from '../../rules';

// A question's content: what the agent reads or asks, how it is answered, and how an answer is
// checked. Shared by the bank, the flow editor, the engine and every channel, so it is plain data.

export const QUESTION_TYPES = ['single', 'multiple', 'text', 'number', 'date', 'rating', 'yesNo', 'script', 'identity'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const BUILTIN_CATEGORIES = ['identity', 'greeting', 'business', 'closing'] as const;

/** How an identity answer is compared with the contact's field. */
export const IDENTITY_MATCHES = ['exact', 'last4', 'last6'] as const;

const Text = (max: number) => z.object({ zh: z.string().trim().max(max), en: z.string().trim().max(max) });
export type LocalText = { zh: string; en: string };

const OptionSchema = z.object({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'question.optionCode' }),
  label: Text(200),
});
export type QuestionOption = z.infer<typeof OptionSchema>;

export const QuestionContentSchema = z.object({
  text: Text(2000).refine((t) => t.zh.length > 0 || t.en.length > 0, { message: 'question.textRequired' }),
  help: Text(1000).optional(),
  required: z.boolean().default(true),
  options: z.array(OptionSchema).max(50).optional(),
  /** number: bounds; rating: the scale (NPS is 0–10). */
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  /** identity: the contact field the answer is compared with, never shown to the agent. */
  identity: z.object({ field: z.string().min(1).max(40), match: z.enum(IDENTITY_MATCHES) }).optional(),
});
export type QuestionContent = z.infer<typeof QuestionContentSchema>;

export interface QuestionSpec {
  type: QuestionType;
  content: QuestionContent;
}

/** Checks a question's content for its type; returns it normalised or error keys with paths. */
export function checkQuestion(
  type: unknown,
  content: unknown,
): { ok: true; value: QuestionSpec } | { ok: false; errors: { path: string; key: string }[] } {
  if (!(QUESTION_TYPES as readonly unknown[]).includes(type))
    return { ok: false, errors: [{ path: 'type', key: 'question.type' }] };
  const parsed = QuestionContentSchema.safeParse(content);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        path: i.path.join('.'),
        key: i.message.startsWith('question.') ? i.message : 'question.invalid',
      })),
    };
  }
  const c = parsed.data;
  const t = type as QuestionType;
  const errors: { path: string; key: string }[] = [];
  if (t === 'single' || t === 'multiple') {
    if (!c.options || c.options.length < 2) errors.push({ path: 'options', key: 'question.needsOptions' });
    const codes = new Set<string>();
    for (const [i, o] of (c.options ?? []).entries()) {
      if (codes.has(o.code)) errors.push({ path: `options.${i}.code`, key: 'question.duplicateOption' });
      codes.add(o.code);
    }
  }
  if (t === 'identity' && !c.identity) errors.push({ path: 'identity.field', key: 'question.identityField' });
  if (c.min !== undefined && c.max !== undefined && c.min > c.max) errors.push({ path: 'max', key: 'question.minMax' });
  const value: QuestionContent = { ...c };
  if (t === 'rating') Object.assign(value, { min: c.min ?? 0, max: c.max ?? 10 });
  if (t !== 'single' && t !== 'multiple') delete value.options;
  if (t !== 'identity') delete value.identity;
  if (t === 'script') value.required = false;
  return errors.length ? { ok: false, errors } : { ok: true, value: { type: t, content: value } };
}

/** The kind of value a question's answer is in conditions; scripts have none. */
export function answerType(type: QuestionType): ScopeType | null {
  switch (type) {
    case 'single':
      return 'choice';
    case 'multiple':
      return 'multiChoice';
    case 'number':
    case 'rating':
      return 'number';
    case 'date':
      return 'date';
    case 'yesNo':
    case 'identity':
      return 'boolean';
    case 'text':
      return 'text';
    case 'script':
      return null;
  }
}

export type AnswerCheck = { ok: true; value: unknown } | { ok: false; key: string; params?: Record<string, string | number> };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validates an answer as given (form or API input) and returns the value stored. An identity
 * answer is checked against the contact elsewhere (`verifyIdentity`); here only its shape.
 * A skipped optional question is `null`.
 */
export function checkAnswer(spec: QuestionSpec, raw: unknown): AnswerCheck {
  const { type, content } = spec;
  const blank = raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0);
  if (type === 'script') return { ok: true, value: true };
  if (blank) return content.required ? { ok: false, key: 'answer.required' } : { ok: true, value: null };
  const codes = (content.options ?? []).map((o) => o.code);
  switch (type) {
    case 'single':
      return typeof raw === 'string' && codes.includes(raw) ? { ok: true, value: raw } : { ok: false, key: 'answer.option' };
    case 'multiple': {
      const list = Array.isArray(raw) ? raw : [raw];
      if (!list.every((v) => typeof v === 'string' && codes.includes(v))) return { ok: false, key: 'answer.option' };
      return { ok: true, value: codes.filter((c) => list.includes(c)) };
    }
    case 'text': {
      const text = String(raw).trim();
      if (text.length > 2000) return { ok: false, key: 'answer.tooLong', params: { max: 2000 } };
      return text
        ? { ok: true, value: text }
        : content.required
          ? { ok: false, key: 'answer.required' }
          : { ok: true, value: null };
    }
    case 'number':
    case 'rating': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n)) return { ok: false, key: 'answer.number' };
      if (type === 'rating' && !Number.isInteger(n)) return { ok: false, key: 'answer.integer' };
      if (content.min !== undefined && n < content.min) return { ok: false, key: 'answer.min', params: { min: content.min } };
      if (content.max !== undefined && n > content.max) return { ok: false, key: 'answer.max', params: { max: content.max } };
      return { ok: true, value: n };
    }
    case 'date': {
      const text = String(raw).trim();
      const valid = DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
      return valid && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text)
        ? { ok: true, value: text }
        : { ok: false, key: 'answer.date' };
    }
    case 'yesNo':
      if (raw === true || raw === 'true' || raw === 'yes') return { ok: true, value: true };
      if (raw === false || raw === 'false' || raw === 'no') return { ok: true, value: false };
      return { ok: false, key: 'answer.yesNo' };
    case 'identity': {
      const text = String(raw).replace(/\s+/g, '');
      return text.length > 0 && text.length <= 40 ? { ok: true, value: text } : { ok: false, key: 'answer.identity' };
    }
  }
}

/**
 * Compares what the customer said with the contact's field, server-side, so the agent never sees
 * the field: `last4` matches the field's last four characters (case-insensitive, spaces ignored).
 */
export function verifyIdentity(content: QuestionContent, given: string, fieldValue: unknown): boolean {
  if (!content.identity || fieldValue === null || fieldValue === undefined) return false;
  const norm = (v: string) => v.replace(/\s+/g, '').toUpperCase();
  const actual = norm(String(fieldValue));
  const said = norm(given);
  if (!said || !actual) return false;
  const tail = content.identity.match === 'last4' ? 4 : content.identity.match === 'last6' ? 6 : 0;
  return tail ? actual.length >= tail && said === actual.slice(-tail) : said === actual;
}

/** Fills `{field}` placeholders of a script with the contact's values; unknown ones stay visible. */
export function fillPlaceholders(text: string, values: Record<string, unknown>): string {
  return text.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, key: string) => {
    const v = values[key];
    return v === undefined || v === null || v === '' ? whole : String(v);
  });
}

/** The text in the reader's language, falling back to the other one. */
export function localText(text: LocalText | undefined, language: string): string {
  if (!text) return '';
  return language === 'en' ? text.en || text.zh : text.zh || text.en;
}
