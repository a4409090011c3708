import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { getProject } from '../projects/projects.server';
import { contactFormData } from './contact-form.server';
import { shownFieldValue } from './stored-contact';

// Bulk actions on selected contacts of one project; each is one statement and one audit entry.

export const BulkActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('tag'), tag: z.string().trim().min(1).max(30) }),
  z.object({ action: z.literal('untag'), tag: z.string().trim().min(1).max(30) }),
  z.object({ action: z.literal('dnc') }),
  z.object({ action: z.literal('close') }),
  z.object({ action: z.literal('delete') }),
]);
export type BulkAction = z.infer<typeof BulkActionSchema>;

export async function bulkContacts(actor: AuditActor, projectId: string, ids: bigint[], action: BulkAction): Promise<number> {
  const where = { projectId, id: { in: ids }, deletedAt: null };
  let count = 0;
  switch (action.action) {
    case 'tag':
      count = await prisma.$executeRaw`
        UPDATE "Contact" SET "tags" = array_append("tags", ${action.tag}::text), "tagSources" = "tagSources" || jsonb_build_object(${action.tag}::text, 'manual')
        WHERE "projectId" = ${projectId}::uuid AND "id" = ANY(${ids}::bigint[]) AND "deletedAt" IS NULL AND NOT ("tags" @> ARRAY[${action.tag}::text])`;
      break;
    case 'untag':
      count = await prisma.$executeRaw`
        UPDATE "Contact" SET "tags" = array_remove("tags", ${action.tag}::text), "tagSources" = "tagSources" - ${action.tag}::text
        WHERE "projectId" = ${projectId}::uuid AND "id" = ANY(${ids}::bigint[]) AND "tags" @> ARRAY[${action.tag}::text]`;
      break;
    case 'dnc': {
      // Listed for this project by the numbers' HMACs, committed with the marking.
      const contacts = await prisma.contact.findMany({ where, select: { phoneHash: true, phoneMasked: true } });
      count = await prisma.$transaction(async (tx) => {
        await tx.dncEntry.createMany({
          data: contacts.map((c) => ({
            scope: projectId,
            phoneHash: c.phoneHash,
            phoneMasked: c.phoneMasked,
            source: 'manual',
            createdBy: actor.name,
          })),
          skipDuplicates: true,
        });
        return (
          await tx.contact.updateMany({
            where: { projectId, phoneHash: { in: contacts.map((c) => c.phoneHash) } },
            data: { dnc: true },
          })
        ).count;
      });
      break;
    }
    case 'close':
      count = (
        await prisma.contact.updateMany({
          where: { ...where, status: 'open' },
          data: { status: 'closed', lastOutcome: 'closedByHand' },
        })
      ).count;
      break;
    case 'delete':
      count = (await prisma.contact.updateMany({ where, data: { deletedAt: new Date() } })).count;
      break;
  }
  await audit(actor, `contacts.bulk.${action.action}`, projectId, {
    ids: ids.length,
    affected: count,
    ...('tag' in action ? { tag: action.tag } : {}),
  });
  return count;
}

/** One contact for the detail drawer: masked phone, template values (sensitive ones masked), tags and their sources. */
export async function contactDetail(projectId: string, id: bigint) {
  const contact = await prisma.contact.findFirst({ where: { projectId, id, deletedAt: null } });
  if (!contact) return null;
  const project = await getProject(projectId);
  const values = project.fields
    .filter((f) => f.type !== 'phone')
    .map((f) => ({ key: f.key, label: f.label, value: shownFieldValue(f.key, contact), sensitive: f.sensitive }));
  return {
    id: String(contact.id),
    name: contact.name,
    phoneMasked: contact.phoneMasked,
    phoneKind: contact.phoneKind,
    secondaryPhoneMasked: contact.secondaryPhoneMasked,
    values,
    tags: contact.tags.map((tag) => ({ tag, source: ((contact.tagSources as Record<string, string>)[tag] ?? 'file') as string })),
    status: contact.status,
    dnc: contact.dnc,
    consent: contact.consentStatus,
    attempts: contact.attempts,
    lastOutcome: contact.lastOutcome,
    createdAt: contact.createdAt.toISOString(),
    /** The edit form's starting values; numbers and sensitive values only masked. */
    form: contactFormData(project.fields, contact),
  };
}
