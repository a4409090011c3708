import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { contactFormData, saveContact } from './contact-form.server';
import { customField, FIXED_FIELDS } from './field-template';
import { revealPhone } from './phone-vault.server';
import { saveTagRule } from './tag-rules.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 3).toString('base64');
const actor = { name: 'supervisor' };
const FIELDS = [
  ...FIXED_FIELDS,
  customField('idCard', 'idCard', { sensitive: true }),
  customField('premium', 'money', { min: 0 }),
  customField('level', 'enum', { options: [{ value: 'vip', label: { zh: '贵宾', en: 'VIP' } }] }),
];
let projectId = '';

beforeAll(async () => {
  projectId = (await createProject(actor, { name: '表单', type: 'returnVisit', description: '', fields: FIELDS })).id;
});

const load = (id: string) => prisma.contact.findUniqueOrThrow({ where: { id: BigInt(id) } });

describe('contact form', () => {
  it('adds a contact: phone encrypted and masked, sensitive value sealed, audited without values', async () => {
    const result = await saveContact(actor, projectId, {
      values: { name: '陈一', phone: '138 0000 1111', idCard: '11010519491231002X', premium: 99.5, level: 'vip' },
    });
    expect(result.ok).toBe(true);
    const stored = await load((result as { id: string }).id);
    expect(stored).toMatchObject({ name: '陈一', phoneMasked: '138****1111', phoneKind: 'mobile' });
    expect(revealPhone(stored.phoneCipher!)).toBe('+8613800001111');
    expect(stored.fields).toMatchObject({ premium: '99.50', level: 'vip', idCard: { masked: '110***********002X' } });
    const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'contact.create' } });
    expect(JSON.stringify(entry.details)).not.toMatch(/13800001111|11010519491231002X/);
  });

  it('a bad value comes back as an error on its field and nothing is saved; fixed, it saves', async () => {
    const { id } = (await saveContact(actor, projectId, { values: { name: '林二', phone: '13800002222', premium: 10 } })) as {
      id: string;
    };
    const before = await load(id);
    const audits = await prisma.auditLog.count();
    const bad = await saveContact(actor, projectId, {
      id,
      values: { name: '', phone: null, premium: -5, level: 'gold', city: '上海' },
    });
    expect(bad).toEqual({
      ok: false,
      errors: [
        { field: 'name', code: 'value.required' },
        { field: 'premium', code: 'value.tooSmall', params: { min: 0 } },
        { field: 'level', code: 'value.notAnOption', params: { value: 'gold' } },
      ],
    });
    expect(await load(id)).toEqual(before);
    expect(await prisma.auditLog.count()).toBe(audits);

    const fixed = await saveContact(actor, projectId, { id, values: { name: '林二', phone: null, premium: 5, city: '上海' } });
    expect(fixed).toEqual({ ok: true, id });
    const after = await load(id);
    // The blank phone input kept the stored number.
    expect(after).toMatchObject({ name: '林二', phoneHash: before.phoneHash, fields: { premium: '5.00', city: '上海' } });
    const entry = await prisma.auditLog.findFirstOrThrow({ where: { action: 'contact.update' }, orderBy: { id: 'desc' } });
    expect(entry.details).toMatchObject({ fields: ['city', 'premium'] });
    // Saving again unchanged records no changed field (5 and "5.00" are the same premium).
    await saveContact(actor, projectId, { id, values: { name: '林二', premium: 5, city: '上海' } });
    const again = await prisma.auditLog.findFirstOrThrow({ where: { action: 'contact.update' }, orderBy: { id: 'desc' } });
    expect(again.details).toMatchObject({ fields: [] });
  });

  it('the edit form never carries a phone number or a sensitive value, only their masked forms', async () => {
    const { id } = (await saveContact(actor, projectId, {
      values: { name: '吴三', phone: '13800003333', idCard: '11010519491231002X', premium: 1 },
    })) as { id: string };
    const form = contactFormData(FIELDS, await load(id));
    expect(form.data).toEqual({ name: '吴三', premium: 1 });
    expect(form.kept).toEqual({ phone: '138****3333', idCard: '110***********002X' });
    // Kept blank, the ID card survives an edit; a number another contact has is refused.
    expect(await saveContact(actor, projectId, { id, values: { name: '吴三', idCard: '' } })).toMatchObject({ ok: true });
    expect((await load(id)).fields).toMatchObject({ idCard: { masked: '110***********002X' } });
    expect(await saveContact(actor, projectId, { id, values: { name: '吴三', phone: '13800001111' } })).toEqual({
      ok: false,
      errors: [{ field: 'phone', code: 'value.phoneTaken' }],
    });
  });
});

describe('contact form and tag rules', () => {
  it('a saved edit re-runs the tag rules, so the contact gets or loses rule tags', async () => {
    await saveTagRule(actor, projectId, {
      tag: '大额',
      condition: { combinator: 'and', rules: [{ field: 'premium', operator: '>=', value: 1000 }] },
      enabled: true,
    });
    const { id } = (await saveContact(actor, projectId, { values: { name: '何四', phone: '13800004444', premium: 10 } })) as {
      id: string;
    };
    expect((await load(id)).tags).toEqual([]);
    await saveContact(actor, projectId, { id, values: { name: '何四', premium: 5000 } });
    expect((await load(id)).tags).toEqual(['大额']);
    await saveContact(actor, projectId, { id, values: { name: '何四', premium: 20 } });
    expect((await load(id)).tags).toEqual([]);
  });
});
