import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import { getProject } from '../projects/projects.server';
import { isDoNotCall } from './dnc.server';
import { type FieldDef, type FieldError, type FieldValue, validateRecord } from './field-template';
import { type Cell, isBlank } from './field-values';
import { sealValues } from './imports.server';
import { normalizePhone } from './phone';
import { sealPhone } from './phone-vault.server';
import { storedFieldValue } from './stored-contact';
import { applyProjectTagRules } from './tag-rules.server';

// Adding and editing one contact through the project's template form. The server is the one
// judge: `validateRecord`, as for imports and the API. Phone numbers and sensitive values never go
// back to the browser; their inputs start empty and, left blank, keep what is stored.

export const ContactInputSchema = z.object({
  id: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  values: z.record(z.string().max(60), z.union([z.string().max(4000), z.number(), z.boolean(), z.null()])),
});

export type SaveResult = { ok: true; id: string } | { ok: false; errors: FieldError[] };

type StoredContact = NonNullable<Awaited<ReturnType<typeof prisma.contact.findFirst>>>;

const isSecret = (f: FieldDef) => f.sensitive || f.type === 'phone';

/** What the edit form starts with: plain values, and the masked form of what it does not show. */
export function contactFormData(fields: FieldDef[], contact: StoredContact) {
  const data: Record<string, FieldValue> = {};
  const kept: Record<string, string> = {};
  for (const f of fields) {
    const raw = storedFieldValue(f.key, contact);
    if (raw === null || raw === undefined) continue;
    // Phones come masked from their own column; sensitive values are { cipher, masked }.
    if (isSecret(f)) kept[f.key] = typeof raw === 'object' && 'masked' in raw ? String(raw.masked) : String(raw);
    else if (f.type === 'number' || f.type === 'money') data[f.key] = Number(raw);
    else data[f.key] = raw as FieldValue;
  }
  return { data, kept };
}

function sameValue(f: FieldDef, a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  // Money is stored as "5.00" and edited as 5.
  return f.type === 'number' || f.type === 'money' ? Number(a) === Number(b) : String(a) === String(b);
}

/** Creates (no id) or updates a contact from the form; field errors and nothing saved when a value is wrong. */
export async function saveContact(
  actor: AuditActor,
  projectId: string,
  input: z.infer<typeof ContactInputSchema>,
): Promise<SaveResult> {
  const project = await getProject(projectId);
  const existing = input.id
    ? await prisma.contact.findFirst({ where: { projectId, id: BigInt(input.id), deletedAt: null } })
    : null;
  if (input.id && !existing) return { ok: false, errors: [{ field: '_form', code: 'contact.notFound' }] };
  const kept = existing ? contactFormData(project.fields, existing).kept : {};
  // A blank secret input keeps the stored value, so it is not "missing".
  const keep = new Set(Object.keys(kept).filter((key) => isBlank(input.values[key] as Cell)));
  const fields = project.fields.map((f) => (keep.has(f.key) ? { ...f, required: false } : f));
  const { values, errors } = validateRecord(fields, input.values as Record<string, Cell>);
  if (errors.length) return { ok: false, errors };

  const phone = typeof values.phone === 'string' ? sealPhone(values.phone) : null;
  const secondary = typeof values.secondaryPhone === 'string' ? sealPhone(values.secondaryPhone) : null;
  const clash = await prisma.contact.findFirst({
    where: {
      projectId,
      ...(existing ? { id: { not: existing.id } } : {}),
      OR: [
        ...(phone ? [{ phoneHash: phone.hash }] : []),
        ...(typeof values.externalId === 'string' ? [{ externalId: values.externalId }] : []),
      ],
    },
    select: { phoneHash: true },
  });
  if (clash) {
    const field = phone && clash.phoneHash === phone.hash ? 'phone' : 'externalId';
    return { ok: false, errors: [{ field, code: field === 'phone' ? 'value.phoneTaken' : 'value.externalIdTaken' }] };
  }

  // Stored values: kept secrets stay, blanked ones go, the rest is replaced.
  const before = (existing?.fields ?? {}) as Record<string, unknown>;
  const stored: Record<string, unknown> = Object.fromEntries(
    Object.entries(before).filter(([key]) => keep.has(key) || !project.fields.some((f) => f.key === key)),
  );
  Object.assign(stored, sealValues(project.fields, values));
  const parsed = phone ? normalizePhone(String(values.phone)) : null;
  const data = {
    name: String(values.name ?? existing?.name ?? ''),
    externalId: typeof values.externalId === 'string' ? values.externalId : null,
    timeZone: typeof values.timeZone === 'string' ? values.timeZone : null,
    fields: stored as Prisma.InputJsonValue,
    ...(phone
      ? {
          phoneHash: phone.hash,
          phoneCipher: phone.cipher,
          phoneMasked: phone.masked,
          phoneKind: parsed?.ok ? parsed.kind : 'other',
          phoneToken: null,
          dnc: await isDoNotCall(projectId, phone.hash),
        }
      : {}),
    ...(secondary
      ? { secondaryPhoneHash: secondary.hash, secondaryPhoneCipher: secondary.cipher, secondaryPhoneMasked: secondary.masked }
      : keep.has('secondaryPhone')
        ? {}
        : { secondaryPhoneHash: null, secondaryPhoneCipher: null, secondaryPhoneMasked: null }),
  };
  // Which fields changed, never their values: the audit log is read by more people than contacts are.
  const previous = existing ? { ...contactFormData(project.fields, existing).data } : {};
  const changed = project.fields.filter(
    (f) => !keep.has(f.key) && (isSecret(f) ? values[f.key] !== undefined : !sameValue(f, values[f.key], previous[f.key])),
  );
  if (existing) {
    await prisma.contact.update({ where: { id: existing.id }, data });
    // Rule tags follow the new values, as after an import.
    await applyProjectTagRules(projectId);
    await audit(actor, 'contact.update', String(existing.id), { projectId, fields: changed.map((f) => f.key) });
    return { ok: true, id: String(existing.id) };
  }
  if (!phone) return { ok: false, errors: [{ field: 'phone', code: 'value.required' }] };
  const created = await prisma.contact.create({
    data: {
      ...data,
      projectId,
      phoneHash: phone.hash,
      phoneMasked: phone.masked,
      phoneKind: data.phoneKind ?? 'other',
      tagSources: {},
    },
  });
  await applyProjectTagRules(projectId);
  await audit(actor, 'contact.create', String(created.id), { projectId, fields: changed.map((f) => f.key) });
  return { ok: true, id: String(created.id) };
}
