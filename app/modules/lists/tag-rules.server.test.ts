import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { importFromApi } from './api-import.server';
import { customField, FIXED_FIELDS, type FieldDef } from './field-template';
import { deleteTagRule, saveTagRule, TagRuleInvalid } from './tag-rules.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 8).toString('base64');
const actor = { name: 'supervisor' };
const FIELDS: FieldDef[] = [...FIXED_FIELDS, customField('age', 'number', { label: { zh: '年龄', en: 'Age' } })];
let projectId = '';

const SENIOR = { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 60 }] };
const tagsByName = async () =>
  Object.fromEntries(
    (await prisma.contact.findMany({ where: { projectId }, select: { name: true, tags: true, tagSources: true } })).map((c) => [
      c.name,
      { tags: c.tags, sources: c.tagSources },
    ]),
  );

beforeAll(async () => {
  projectId = (await createProject(actor, { name: '标签', type: 'returnVisit', description: '', fields: FIELDS })).id;
  await importFromApi(projectId, 'k', [
    { name: '老张', phone: '13811112201', age: 72, city: '上海' },
    { name: '小李', phone: '13811112202', age: 35, tags: ['老年客户'] },
    { name: '无龄', phone: '13811112203' },
  ]);
});

describe('tag rules', () => {
  it('tag the matching contacts with the rule as source, leaving file tags alone', async () => {
    const saved = await saveTagRule(actor, projectId, { tag: '老年客户', condition: SENIOR, enabled: true });
    expect(saved.matched).toBe(1);
    expect(await tagsByName()).toEqual({
      老张: { tags: ['老年客户'], sources: { 老年客户: 'rule' } },
      小李: { tags: ['老年客户'], sources: { 老年客户: 'file' } },
      无龄: { tags: [], sources: {} },
    });
  });

  it('new contacts get rule tags on import; contacts that stop matching lose them', async () => {
    await importFromApi(projectId, 'k', [{ name: '老王', phone: '13811112204', age: 66 }]);
    expect((await tagsByName()).老王).toEqual({ tags: ['老年客户'], sources: { 老年客户: 'rule' } });
    const rule = await prisma.tagRule.findFirstOrThrow({ where: { projectId } });
    await saveTagRule(actor, projectId, {
      id: rule.id,
      tag: '老年客户',
      condition: { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 70 }] },
      enabled: true,
    });
    const after = await tagsByName();
    expect(after.老王?.tags).toEqual([]);
    expect(after.老张?.tags).toEqual(['老年客户']);
    expect(after.小李?.tags).toEqual(['老年客户']);
    await deleteTagRule(actor, projectId, rule.id);
    expect((await tagsByName()).老张?.tags).toEqual([]);
    expect(await prisma.auditLog.count({ where: { action: { startsWith: 'tagRule.' } } })).toBe(3);
  });

  it('refuses a condition on a field the project does not have, or of the wrong type', async () => {
    await expect(
      saveTagRule(actor, projectId, {
        tag: 'x',
        condition: { combinator: 'and', rules: [{ field: 'income', operator: '>', value: 1 }] },
        enabled: true,
      }),
    ).rejects.toBeInstanceOf(TagRuleInvalid);
    await expect(
      saveTagRule(actor, projectId, {
        tag: 'x',
        condition: { combinator: 'and', rules: [{ field: 'age', operator: '>', value: 'old' }] },
        enabled: true,
      }),
    ).rejects.toBeInstanceOf(TagRuleInvalid);
  });
});
