import { describe, expect, it } from 'vitest';
import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { deleteSkillGroup, listSkillGroups, saveSkillGroup } from './skill-groups.server';

const actor = { name: 'supervisor' };

describe('skill groups', () => {
  it('hold agents with a proficiency; names are unique; only agents may join; changes are audited', async () => {
    const senior = await insertUser('agent');
    const junior = await insertUser('agent');
    const boss = await insertUser('supervisor');
    const group = await saveSkillGroup(actor, {
      name: '资深回访组',
      description: '60 岁以上客户',
      members: [{ userId: senior.id, proficiency: 5 }],
    });
    await saveSkillGroup(actor, {
      id: group.id,
      name: '资深回访组',
      description: '',
      members: [
        { userId: senior.id, proficiency: 5 },
        { userId: junior.id, proficiency: 2 },
      ],
    });
    expect((await listSkillGroups()).find((g) => g.id === group.id)?.members).toEqual(
      expect.arrayContaining([
        { userId: senior.id, proficiency: 5 },
        { userId: junior.id, proficiency: 2 },
      ]),
    );
    await expect(saveSkillGroup(actor, { name: '资深回访组', description: '', members: [] })).rejects.toMatchObject({
      code: 'skills.nameTaken',
    });
    await expect(
      saveSkillGroup(actor, { name: '主管组', description: '', members: [{ userId: boss.id, proficiency: 3 }] }),
    ).rejects.toMatchObject({ code: 'skills.notAgent' });
    await deleteSkillGroup(actor, group.id);
    expect(await prisma.skillGroupMember.count({ where: { groupId: group.id } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { action: { startsWith: 'skillGroup.' } } })).toBe(3);
  });
});
