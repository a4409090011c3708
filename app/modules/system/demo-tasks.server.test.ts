import { describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { seedDemo } from './seed.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 9).toString('base64');

describe('the demo seed', () => {
  it('has agents with shifts and skills, and one task per channel with the preview task assigned and running', async () => {
    expect((await seedDemo()).seeded).toBe(true);
    const agents = await prisma.user.findMany({ where: { role: 'agent' } });
    expect(agents.length).toBeGreaterThanOrEqual(7);
    expect(await prisma.agentSchedule.count()).toBe(agents.length);
    expect(await prisma.skillGroup.count()).toBe(6);
    const tasks = await prisma.task.findMany();
    expect(new Set(tasks.map((t) => t.channel))).toEqual(new Set(['agent', 'robot', 'online']));
    const preview = tasks.find((t) => t.dialMode === 'preview' && t.name.includes('老年'))!;
    // Version 2: the demo calls around the clock, and the seed's own running tasks take that version.
    expect(preview).toMatchObject({ status: 'running', rulesVersion: 2 });
    expect(await prisma.taskAssignment.count({ where: { taskId: preview.id } })).toBeGreaterThan(100);
  }, 120_000);
});
