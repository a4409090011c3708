import { describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { createProject } from '../projects/projects.server';
import { importFromApi } from './api-import.server';
import { saveTag, tagCatalogue, tagColors } from './tags.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 13).toString('base64');

describe('tag catalogue', () => {
  it('lists catalogued tags and tags in use, with counts; saving sets colour and group, audited', async () => {
    const projectId = (await createProject({ name: 't' }, { name: '目录', type: 'survey', description: '' })).id;
    await importFromApi(projectId, 'k', [
      { name: '一', phone: '13900001001', tags: ['VIP', '上海'] },
      { name: '二', phone: '13900001002', tags: ['VIP'] },
    ]);
    await saveTag({ name: 'admin' }, { name: 'VIP', color: 'gold', group: '客群' });
    await saveTag({ name: 'admin' }, { name: '沉睡', color: 'default', group: '客群' });
    expect(await tagCatalogue()).toEqual([
      { name: '上海', color: 'default', group: '', inCatalogue: false, contacts: 1 },
      { name: 'VIP', color: 'gold', group: '客群', inCatalogue: true, contacts: 2 },
      { name: '沉睡', color: 'default', group: '客群', inCatalogue: true, contacts: 0 },
    ]);
    expect(await tagColors()).toEqual({ VIP: 'gold', 沉睡: 'default' });
    expect(await prisma.auditLog.count({ where: { action: 'tag.save' } })).toBe(2);
  });
});
