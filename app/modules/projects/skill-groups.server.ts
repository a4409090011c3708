import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';

export const SkillGroupSchema = z.object({
  id: z.string().uuid().optional(),
  name: z.string().trim().min(1).max(60),
  description: z.string().trim().max(300).default(''),
  members: z.array(z.object({ userId: z.string().uuid(), proficiency: z.number().int().min(1).max(5) })).max(2000),
});

export class SkillGroupError extends Error {
  constructor(readonly code: 'skills.nameTaken' | 'skills.notAgent') {
    super(code);
  }
}

export async function listSkillGroups() {
  const groups = await prisma.skillGroup.findMany({ orderBy: { name: 'asc' }, include: { members: true } });
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    members: g.members.map((m) => ({ userId: m.userId, proficiency: m.proficiency })),
  }));
}

export async function listAgents() {
  return prisma.user.findMany({
    where: { role: 'agent', active: true },
    orderBy: { login: 'asc' },
    select: { id: true, login: true, displayName: true },
  });
}

/** Creates or replaces a group with its members (agents only), in one transaction. */
export async function saveSkillGroup(actor: AuditActor, input: z.infer<typeof SkillGroupSchema>) {
  const agents = new Set((await listAgents()).map((a) => a.id));
  if (input.members.some((m) => !agents.has(m.userId))) throw new SkillGroupError('skills.notAgent');
  const clash = await prisma.skillGroup.findFirst({
    where: { name: input.name, ...(input.id ? { id: { not: input.id } } : {}) },
  });
  if (clash) throw new SkillGroupError('skills.nameTaken');
  const group = await prisma.$transaction(async (tx) => {
    const saved = input.id
      ? await tx.skillGroup.update({ where: { id: input.id }, data: { name: input.name, description: input.description } })
      : await tx.skillGroup.create({ data: { name: input.name, description: input.description } });
    await tx.skillGroupMember.deleteMany({ where: { groupId: saved.id } });
    await tx.skillGroupMember.createMany({ data: input.members.map((m) => ({ groupId: saved.id, ...m })) });
    return saved;
  });
  await audit(actor, input.id ? 'skillGroup.update' : 'skillGroup.create', group.id, {
    name: input.name,
    members: input.members.length,
  });
  return group;
}

export async function deleteSkillGroup(actor: AuditActor, id: string): Promise<void> {
  const group = await prisma.skillGroup.delete({ where: { id } });
  await audit(actor, 'skillGroup.delete', id, { name: group.name });
}
