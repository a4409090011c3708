import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type AuditActor, audit } from '../audit/audit.server';
import { type FieldDef, FieldTemplateSchema } from './field-template';

// Field templates saved for reuse: a project's template saved under a name, and a new project's
// editor starting from it. Applying copies the fields; nothing links the two afterwards.

export const PresetSaveSchema = z.object({
  name: z.string().trim().min(1, { message: 'presets.nameRequired' }).max(60),
  fields: FieldTemplateSchema,
});

export class PresetNameTaken extends Error {}

export async function listPresets() {
  const rows = await prisma.fieldTemplatePreset.findMany({ orderBy: { name: 'asc' } });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    fields: r.fields as unknown as FieldDef[],
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** Saves a template under a new name (names are unique: a preset is never overwritten by accident). */
export async function savePreset(actor: AuditActor, input: z.infer<typeof PresetSaveSchema>) {
  if (await prisma.fieldTemplatePreset.findUnique({ where: { name: input.name } })) throw new PresetNameTaken(input.name);
  const saved = await prisma.fieldTemplatePreset.create({
    data: { name: input.name, fields: input.fields as unknown as Prisma.InputJsonValue, createdBy: actor.name },
  });
  await audit(actor, 'fieldPreset.create', saved.id, { name: saved.name, fields: input.fields.length });
  return saved;
}

export async function deletePreset(actor: AuditActor, id: string): Promise<boolean> {
  const deleted = await prisma.fieldTemplatePreset.deleteMany({ where: { id } });
  if (deleted.count) await audit(actor, 'fieldPreset.delete', id, {});
  return deleted.count > 0;
}
