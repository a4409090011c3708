import { prisma } from '../../db/prisma.server';
import { decryptString } from '../../utils/data-key.server';
import type { FieldDef } from '../lists/field-template';
import type { ContactRow } from './engine';

// A contact as the questionnaire sees it. Conditions read plain (non-sensitive) fields and the
// contact's state; scripts may show sensitive fields only masked; identity checks read the real
// value here on the server and nowhere else.

type Sealed = { cipher: string; masked: string };
const isSealed = (v: unknown): v is Sealed => typeof v === 'object' && v !== null && 'cipher' in v;

export interface ContactForQuestionnaire {
  id: bigint;
  projectId: string;
  /** What conditions read. */
  row: ContactRow;
  /** What script placeholders show: plain values, masked sensitive ones. */
  placeholders: Record<string, unknown>;
  /** The real value of a sensitive field, for identity checks only. */
  secret(key: string): unknown;
}

export async function contactForQuestionnaire(contactId: bigint, fields: FieldDef[]): Promise<ContactForQuestionnaire | null> {
  const c = await prisma.contact.findUnique({ where: { id: contactId } });
  if (!c || c.deletedAt) return null;
  const stored = (c.fields ?? {}) as Record<string, unknown>;
  const sensitive = new Set(fields.filter((f) => f.sensitive).map((f) => f.key));
  const row: ContactRow = {
    name: c.name,
    tags: c.tags,
    status: c.status,
    attempts: c.attempts,
    dnc: c.dnc,
    consent: c.consentStatus,
    timeZone: c.timeZone,
    externalId: c.externalId,
  };
  const placeholders: Record<string, unknown> = { name: c.name, phone: c.phoneMasked };
  for (const [key, value] of Object.entries(stored)) {
    if (isSealed(value) || sensitive.has(key)) {
      placeholders[key] = isSealed(value) ? value.masked : '***';
      continue;
    }
    row[key] = value;
    placeholders[key] = value;
  }
  return {
    id: c.id,
    projectId: c.projectId,
    row,
    placeholders,
    secret: (key) => {
      const value = stored[key];
      return isSealed(value) ? decryptString(value.cipher) : value;
    },
  };
}
