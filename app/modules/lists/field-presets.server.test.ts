import { describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject, getProject, updateProject } from '../projects/projects.server';
import { deletePreset, listPresets, PresetNameTaken, PresetSaveSchema, savePreset } from './field-presets.server';
import { customField, FIXED_FIELDS } from './field-template';

const actor = { name: 'supervisor' };
const POLICY = customField('policyNo', 'text', { label: { zh: '保单号', en: 'Policy no.' }, required: true });

describe('field template presets', () => {
  it('saves a project template under a name, and another project starting from it gets the same fields', async () => {
    const source = await createProject(actor, {
      name: '寿险回访',
      type: 'returnVisit',
      description: '',
      fields: [...FIXED_FIELDS, POLICY],
    });
    const input = PresetSaveSchema.parse({ name: '寿险模板', fields: (await getProject(source.id)).fields });
    await savePreset(actor, input);
    const [preset] = (await listPresets()).filter((p) => p.name === '寿险模板');
    expect(preset?.fields.map((f) => f.key)).toEqual([...FIXED_FIELDS.map((f) => f.key), 'policyNo']);

    // "Start from preset" fills the editor; saving the project stores a copy.
    const target = await createProject(actor, { name: '车险回访', type: 'returnVisit', description: '' });
    const project = await getProject(target.id);
    await updateProject(actor, target.id, {
      name: project.name,
      type: project.type,
      description: project.description,
      status: project.status,
      dedupPolicy: 'skip',
      rules: project.rules,
      fields: preset!.fields,
    });
    expect((await getProject(target.id)).fields.find((f) => f.key === 'policyNo')).toMatchObject({ required: true });
    // Deleting the preset leaves the project's copy alone.
    expect(await deletePreset(actor, preset!.id)).toBe(true);
    expect((await getProject(target.id)).fields.some((f) => f.key === 'policyNo')).toBe(true);
    expect(await prisma.auditLog.count({ where: { action: { startsWith: 'fieldPreset.' } } })).toBe(2);
  });

  it('refuses a taken name and a template that is not valid', async () => {
    await savePreset(actor, PresetSaveSchema.parse({ name: '通用', fields: FIXED_FIELDS }));
    await expect(savePreset(actor, PresetSaveSchema.parse({ name: '通用', fields: FIXED_FIELDS }))).rejects.toThrow(
      PresetNameTaken,
    );
    const noPhone = PresetSaveSchema.safeParse({ name: 'x', fields: FIXED_FIELDS.filter((f) => f.key !== 'phone') });
    expect(noPhone.success).toBe(false);
    expect(PresetSaveSchema.safeParse({ name: ' ', fields: FIXED_FIELDS }).success).toBe(false);
  });
});
