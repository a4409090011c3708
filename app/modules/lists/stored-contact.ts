// Where a template field's stored value lives on a contact row: fixed fields have their own
// columns (phones only masked), the rest are in `fields` (sensitive ones as { cipher, masked }).

interface ContactColumns {
  name: string;
  externalId: string | null;
  timeZone: string | null;
  phoneMasked: string;
  secondaryPhoneMasked: string | null;
  fields: unknown;
}

export function storedFieldValue(key: string, contact: ContactColumns): unknown {
  switch (key) {
    case 'name':
      return contact.name;
    case 'externalId':
      return contact.externalId;
    case 'timeZone':
      return contact.timeZone;
    case 'phone':
      return contact.phoneMasked;
    case 'secondaryPhone':
      return contact.secondaryPhoneMasked;
    default:
      return (contact.fields as Record<string, unknown> | null)?.[key];
  }
}

/** A field's value as a screen may show it: sensitive values only as their mask, never the ciphertext. */
export function shownFieldValue(key: string, contact: ContactColumns): string | null {
  const raw = storedFieldValue(key, contact);
  const shown = raw && typeof raw === 'object' && 'masked' in raw ? (raw as { masked: string }).masked : raw;
  if (shown === undefined || shown === null) return null;
  return typeof shown === 'object' ? null : String(shown);
}
