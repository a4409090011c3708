import type { z } from 'zod';

/** Field errors from a zod failure, as translation keys under `validation.`, keyed by field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.') || '_form';
    out[field] ??= issue.message.includes('.') || !issue.message.includes(' ') ? issue.message : 'invalid';
  }
  return out;
}

/** Checkbox and switch values arrive as 'on'/'true' or are missing. */
export function formBoolean(value: FormDataEntryValue | null): boolean {
  return value === 'on' || value === 'true';
}

/** The posted form as a plain object; a body that is not a form reads as empty (and fails validation). */
export async function readForm(request: Request): Promise<Record<string, FormDataEntryValue>> {
  const form = await request.formData().catch(() => null);
  return form ? Object.fromEntries(form) : {};
}
