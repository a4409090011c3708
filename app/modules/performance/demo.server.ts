import { prisma } from '../../db/prisma.server';
import { defaultConfig } from './scheme-schema';
import { saveScheme } from './schemes.server';

// Demo schemes: one per demo project (a weighted formula for return visits, tiered commission
// for sales) and a talk-time scheme for the predictive return-visit team.
export async function seedDemoPerformance(): Promise<void> {
  const actor = { name: 'seed' };
  const insurance = await prisma.project.findFirst({ where: { name: '安康人寿 · 新契约回访' } });
  const housing = await prisma.project.findFirst({ where: { name: '幸福里 · 二手房营销' } });
  const team = await prisma.skillGroup.findUnique({ where: { name: '回访外呼组' } });
  const base = { timeZone: 'Asia/Shanghai', active: true, skillGroupId: null, projectId: null };
  if (insurance)
    await saveScheme(actor, {
      ...base,
      name: '回访绩效（综合）',
      scopeKind: 'project',
      projectId: insurance.id,
      config: defaultConfig('formula'),
    });
  if (housing)
    await saveScheme(actor, {
      ...base,
      name: '营销提成（阶梯）',
      scopeKind: 'project',
      projectId: housing.id,
      config: defaultConfig('sales'),
    });
  if (team)
    await saveScheme(actor, {
      ...base,
      name: '回访外呼组 · 通话时长',
      scopeKind: 'team',
      skillGroupId: team.id,
      config: { ...defaultConfig('talkTime'), weight: 1, showRank: false },
    });
}
