import { prisma } from '../../db/prisma.server';
import { env } from '../../env.server';
import { generatePassword } from '../auth/password.server';
import type { Role } from '../auth/permissions';
import { seedDefaultAlertRulesOnce } from '../monitoring/alerts.server';
import { seedDemoPerformance } from '../performance/demo.server';
import { saveSkillGroup } from '../projects/skill-groups.server';
import { seedDemoQuestionnaires } from '../questionnaires/demo.server';
import { createUser } from '../users/users.server';
import { connectDemoCrm } from './demo-crm.server';
import { startDemoDialing } from './demo-dialing.server';
import { seedDemoLists } from './demo-lists.server';
import { seedDemoTasks } from './demo-tasks.server';

const DEMO_USERS: { login: string; displayName: string; role: Role; locale: 'zh-CN' | 'en' | null }[] = [
  { login: 'admin', displayName: '系统管理员 Admin', role: 'admin', locale: null },
  { login: 'supervisor', displayName: '王芳 (主管)', role: 'supervisor', locale: null },
  { login: 'agent', displayName: '李娜 (坐席)', role: 'agent', locale: null },
  { login: 'developer', displayName: '陈伟 (开发)', role: 'developer', locale: null },
  { login: 'auditor', displayName: '赵敏 (审计)', role: 'auditor', locale: null },
];

export interface SeedResult {
  seeded: boolean;
  credentials: { login: string; role: Role; password: string }[];
}

/**
 * Demo data for an empty database: one user per role, two demo projects with their contacts and
 * their published questionnaires, agents with shifts and skills, and tasks.
 * Passwords are random unless
 * WAIHU_DEMO_PASSWORD is set, and are shown once, by the caller, on first start.
 */
export async function seedDemo(): Promise<SeedResult> {
  if ((await prisma.user.count()) > 0) return { seeded: false, credentials: [] };
  await seedDemoLists();
  const fixed = env().WAIHU_DEMO_PASSWORD;
  const credentials: SeedResult['credentials'] = [];
  for (const demo of DEMO_USERS) {
    const password = fixed ?? generatePassword();
    await createUser({ name: 'seed' }, { ...demo, timeZone: 'Asia/Shanghai' }, password);
    credentials.push({ login: demo.login, role: demo.role, password });
  }
  const agent = await prisma.user.findUniqueOrThrow({ where: { login: 'agent' } });
  await saveSkillGroup(
    { name: 'seed' },
    { name: '回访组', description: '新契约回访', members: [{ userId: agent.id, proficiency: 4 }] },
  );
  await seedDemoQuestionnaires();
  // More agents (their passwords are not printed: WAIHU_DEMO_PASSWORD, or an admin resets them),
  // shifts, skill groups and one task per channel.
  await seedDemoTasks(fixed);
  await seedDemoPerformance();
  await connectDemoCrm();
  // The default alert rules (monitoring). The abandon → pause rule is installed disabled in the demo:
  // the demo's predictive task abandons far over 3 % in its first minutes at 10× (few auto-agents
  // shared with the other demo tasks), so the rule would pause the living demo within minutes.
  // New installs get it enabled (the worker seeds them); docs/monitoring.md.
  await seedDefaultAlertRulesOnce({ disabled: ['abandon-pause'] });
  await startDemoDialing();
  return { seeded: true, credentials };
}

export function formatCredentials(credentials: SeedResult['credentials']): string {
  const lines = credentials.map((c) => `  ${c.role.padEnd(11)} login: ${c.login.padEnd(11)} password: ${c.password}`);
  return [
    '',
    '  Demo users created (演示账号). The passwords are shown this once; keep them or reset them as admin.',
    ...lines,
    '',
  ].join('\n');
}
