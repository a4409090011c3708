import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import { getProject } from '../projects/projects.server';
import { type FieldError, validateRecord } from './field-template';
import { type Cell, storableText } from './field-values';
import { parseConsent, parseTags, type RejectedRow } from './import-row';
import { prepare, writeBatch } from './imports.server';
import { applyProjectTagRules } from './tag-rules.server';

export const MAX_API_BATCH = 10_000;
export { MAX_API_BODY_BYTES } from '../../utils/body-limits';

/** The item as text for the rejection report; one nested too deep to serialise is reported, not thrown. */
function itemText(item: unknown): string | null {
  try {
    // Cut at 2 000 characters, maybe inside an emoji: jsonb refuses the half surrogate left.
    const text = JSON.stringify(item)?.slice(0, 2000);
    return text === undefined ? null : storableText(text);
  } catch {
    return null;
  }
}

// One contact as a business system sends it: template field keys as properties, tags as a list.
export const ApiContactSchema = z.record(
  z.string().max(60),
  z.union([z.string().max(2000), z.number(), z.boolean(), z.null(), z.array(z.string().max(30)).max(50)]),
);
export const ApiBatchSchema = z.object({ contacts: z.array(z.unknown()).min(1).max(MAX_API_BATCH) });

export interface ApiImportResult {
  importId: string;
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  /** Same format as a file import's rejections; `index` is the item's position in `contacts`. */
  errors: { index: number; externalId: string | null; errors: FieldError[] }[];
}

/**
 * Pushes contacts through the same validation, dedup, DNC and encryption as a file import, in
 * one recorded import. Idempotent by externalId (and by phone): a retried request adds nothing.
 */
export async function importFromApi(projectId: string, keyId: string, items: unknown[]): Promise<ApiImportResult> {
  const project = await getProject(projectId);
  const job = await prisma.contactImport.create({
    data: {
      projectId,
      fileName: `api:${keyId}`,
      filePath: '',
      format: 'api',
      mapping: {},
      status: 'running',
      startedAt: new Date(),
    },
  });
  const accepted = [];
  const rejected: RejectedRow[] = [];
  for (const [index, item] of items.entries()) {
    const line = index + 1;
    const parsed = ApiContactSchema.safeParse(item);
    if (!parsed.success) {
      rejected.push({
        line,
        cells: [itemText(item)],
        errors: [{ field: '_item', code: 'value.notAnObject' }],
      });
      continue;
    }
    const { tags: rawTags, consent: rawConsent, phoneToken, phoneHash, ...values } = parsed.data;
    // A contact may come with a phone token instead of its number (the number stays in the business system).
    const tokenised =
      typeof phoneToken === 'string' && phoneToken.length > 0 && (values.phone === undefined || values.phone === null);
    const fields = tokenised ? project.fields.map((f) => (f.key === 'phone' ? { ...f, required: false } : f)) : project.fields;
    const { values: typed, errors } = validateRecord(fields, values as Record<string, Cell>);
    const tags = parseTags(Array.isArray(rawTags) ? rawTags.join(',') : (rawTags as Cell));
    if (tags.error) errors.push(tags.error);
    const consent = parseConsent(rawConsent as Cell);
    if (consent === 'invalid') errors.push({ field: 'consent', code: 'value.notConsent' });
    if (phoneToken !== undefined && !tokenised) errors.push({ field: 'phoneToken', code: 'value.tokenWithPhone' });
    const cells = [itemText(parsed.data)];
    if (errors.length) rejected.push({ line, cells, errors });
    else {
      const contact = {
        line,
        values: typed,
        tags: tags.tags,
        ...(consent && consent !== 'invalid' ? { consent } : {}),
        ...(tokenised
          ? { phoneToken: phoneToken as string, ...(typeof phoneHash === 'string' ? { phoneTokenHash: phoneHash } : {}) }
          : {}),
      };
      accepted.push(prepare(project.fields, contact, cells));
    }
  }
  const counts = await writeBatch(job.id, project, `api:${keyId}`, accepted, rejected, items.length, items.length);
  if (counts.accepted + counts.updated > 0) await applyProjectTagRules(projectId);
  await prisma.contactImport.update({ where: { id: job.id }, data: { status: 'done', finishedAt: new Date() } });
  return {
    importId: job.id,
    accepted: counts.accepted,
    updated: counts.updated,
    duplicates: counts.duplicates,
    rejected: counts.rejected.length,
    errors: counts.rejected
      .sort((a, b) => a.line - b.line)
      .map((r) => {
        const item = items[r.line - 1] as { externalId?: unknown } | null;
        return { index: r.line - 1, externalId: typeof item?.externalId === 'string' ? item.externalId : null, errors: r.errors };
      }),
  };
}
