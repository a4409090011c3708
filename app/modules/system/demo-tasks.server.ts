import { prisma } from '../../db/prisma.server';
import type { AuditActor } from '../audit/audit.server';
import { generatePassword } from '../auth/password.server';
import { saveSkillGroup } from '../projects/skill-groups.server';
import { saveSchedule } from '../tasks/agents.server';
import { runAssignment } from '../tasks/assignment.server';
import type { AgentScheduleValue } from '../tasks/schedule';
import { TaskInputSchema } from '../tasks/task-schema';
import { createTask, transitionTask } from '../tasks/tasks.server';
import { createUser } from '../users/users.server';

// Demo agents with skills and shifts, and one task per channel on the demo projects.

const AGENTS = [
  { login: 'agent01', displayName: '张伟 (坐席)', hours: 'full' },
  { login: 'agent02', displayName: '刘洋 (坐席)', hours: 'full' },
  { login: 'agent03', displayName: '陈静 (坐席)', hours: 'full' },
  { login: 'agent04', displayName: '杨磊 (坐席)', hours: 'half' },
  { login: 'agent05', displayName: '黄婷 (坐席)', hours: 'half' },
  { login: 'agent06', displayName: '赵强 (坐席)', hours: 'weekend' },
] as const;

const WORKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const FULL = [
  { from: '09:00', to: '12:00' },
  { from: '13:00', to: '18:00' },
];
const MORNING = [{ from: '09:00', to: '13:00' }];

function weekly(hours: 'full' | 'half' | 'weekend'): AgentScheduleValue['weekly'] {
  if (hours === 'weekend') return { sat: FULL, sun: FULL, fri: MORNING };
  return Object.fromEntries(WORKDAYS.map((d) => [d, hours === 'full' ? FULL : MORNING]));
}

/** The project's latest published questionnaire version, if it has one. */
async function latestVersion(projectId: string): Promise<string | null> {
  const version = await prisma.questionnaireVersion.findFirst({
    where: { questionnaire: { projectId, archived: false } },
    orderBy: [{ publishedAt: 'desc' }],
  });
  return version?.id ?? null;
}

export async function seedDemoTasks(password: string | undefined): Promise<void> {
  const actor: AuditActor = { name: 'seed' };
  for (const a of AGENTS) {
    await createUser(
      actor,
      { login: a.login, displayName: a.displayName, role: 'agent', locale: null, timeZone: 'Asia/Shanghai' },
      password ?? generatePassword(),
    );
  }
  const agents = await prisma.user.findMany({ where: { role: 'agent' }, orderBy: { login: 'asc' } });
  const id = (login: string) => agents.find((u) => u.login === login)!.id;
  for (const a of AGENTS) await saveSchedule(actor, id(a.login), { weekly: weekly(a.hours), exceptions: [] });
  await saveSchedule(actor, id('agent'), { weekly: weekly('full'), exceptions: [] });

  const existing = await prisma.skillGroup.findUnique({ where: { name: '回访组' } });
  const returnVisit = await saveSkillGroup(actor, {
    id: existing?.id,
    name: '回访组',
    description: '新契约回访',
    members: ['agent', 'agent01', 'agent02', 'agent03', 'agent04', 'agent05'].map((l, i) => ({
      userId: id(l),
      proficiency: i < 3 ? 4 : 3,
    })),
  });
  const senior = await saveSkillGroup(actor, {
    name: '资深回访组',
    description: '老年客户与高保费保单',
    members: ['agent', 'agent01'].map((l) => ({ userId: id(l), proficiency: 5 })),
  });
  // The human demo agent takes this group's calls first (highest proficiency); two auto-agents share it.
  const predictiveVisit = await saveSkillGroup(actor, {
    name: '回访外呼组',
    description: '新契约回访 · 预测外呼',
    members: [
      { userId: id('agent'), proficiency: 5 },
      { userId: id('agent01'), proficiency: 3 },
      { userId: id('agent02'), proficiency: 3 },
    ],
  });
  // Customers who ask the robot for a person reach these (auto) agents.
  const robotTransfer = await saveSkillGroup(actor, {
    name: '机器人转人工组',
    description: '犹豫期提醒 · 转人工',
    members: ['agent01', 'agent02', 'agent03'].map((l) => ({ userId: id(l), proficiency: 3 })),
  });
  // The human demo agent also works consenting sales contacts one by one (preview).
  const salesPreview = await saveSkillGroup(actor, {
    name: '营销预览组',
    description: '二手房营销 · 预览外呼',
    members: [{ userId: id('agent'), proficiency: 4 }],
  });
  const sales = await saveSkillGroup(actor, {
    name: '营销组',
    description: '二手房营销',
    members: ['agent03', 'agent04', 'agent05', 'agent06'].map((l) => ({ userId: id(l), proficiency: 3 })),
  });

  const insurance = await prisma.project.findFirst({ where: { name: '安康人寿 · 新契约回访' } });
  const housing = await prisma.project.findFirst({ where: { name: '幸福里 · 二手房营销' } });
  if (!insurance || !housing) return;
  const seniors = { combinator: 'and', rules: [{ field: 'tags', operator: 'has', value: '老年客户' }] };
  const all = { combinator: 'and', rules: [] };
  const insuranceVersion = await latestVersion(insurance.id);

  const preview = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: insurance.id,
      name: '新契约回访 · 老年客户',
      condition: seniors,
      channel: 'agent',
      dialMode: 'preview',
      questionnaireVersionId: insuranceVersion,
      skillGroupIds: [returnVisit.id],
      priority: 8,
      assignment: {
        mode: 'segments',
        segments: [
          {
            condition: { combinator: 'and', rules: [{ field: 'tags', operator: 'has', value: 'VIP' }] },
            skillGroupIds: [senior.id],
            label: 'VIP',
          },
        ],
        fallback: { skillGroupIds: [returnVisit.id], agentIds: [] },
      },
    }),
  );
  await runAssignment(actor, preview.id);
  await transitionTask(actor, preview.id, 'start');

  await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: insurance.id,
      name: '新契约回访 · 预测外呼',
      condition: { combinator: 'and', rules: [{ field: 'tags', operator: 'hasNone', value: ['老年客户'] }] },
      channel: 'agent',
      dialMode: 'predictive',
      questionnaireVersionId: insuranceVersion,
      skillGroupIds: [predictiveVisit.id],
      priority: 6,
      assignment: { mode: 'pool', proficiencyRouting: true },
    }),
  );
  await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: insurance.id,
      name: '犹豫期提醒 · 机器人',
      // Seniors are called by people (the preview task), not by the robot.
      condition: { combinator: 'and', rules: [{ field: 'tags', operator: 'hasNone', value: ['老年客户'] }] },
      channel: 'robot',
      questionnaireVersionId: insuranceVersion,
      robot: {
        prompts: { yesNo: '请回答“是”或“否”。', identity: '请说出您身份证号的后四位。' },
        maxRetries: 2,
        transferRule: 'onRequest',
        transferSkillGroupId: robotTransfer.id,
      },
    }),
  );
  await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: insurance.id,
      name: '满意度调查 · 网页问卷',
      condition: all,
      channel: 'online',
      questionnaireVersionId: insuranceVersion,
      online: {
        notifyInstallationId: null,
        template: '您好 {name}，感谢投保安康人寿，请花一分钟填写满意度问卷：{link}',
        linkValidDays: 7,
      },
    }),
  );
  const salesPreviewTask = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: housing.id,
      name: '二手房营销 · 预览外呼',
      condition: {
        combinator: 'and',
        rules: [
          { field: 'consent', operator: 'equalsOption', value: 'granted' },
          { field: 'tags', operator: 'has', value: '高意向' },
        ],
      },
      channel: 'agent',
      dialMode: 'preview',
      questionnaireVersionId: await latestVersion(housing.id),
      skillGroupIds: [salesPreview.id],
      priority: 4,
      assignment: { mode: 'pool', proficiencyRouting: false },
    }),
  );
  await transitionTask(actor, salesPreviewTask.id, 'start');
  await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: housing.id,
      name: '二手房营销 · 预测外呼',
      // High-intent contacts are worked one by one by a person (the preview task), not dialled by the pacer.
      condition: { combinator: 'and', rules: [{ field: 'tags', operator: 'hasNone', value: ['高意向'] }] },
      channel: 'agent',
      dialMode: 'predictive',
      questionnaireVersionId: await latestVersion(housing.id),
      skillGroupIds: [sales.id],
      schedule: {
        startDate: null,
        endDate: null,
        windows: [
          { from: '10:00', to: '12:00' },
          { from: '14:00', to: '19:00' },
        ],
      },
      assignment: { mode: 'pool', proficiencyRouting: true },
    }),
  );
}
