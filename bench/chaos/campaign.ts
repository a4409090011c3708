import { prisma } from '../../app/db/prisma.server';
import { callableProject } from '../../app/modules/dialing/testing.server';
import { importFromApi } from '../../app/modules/lists/api-import.server';
import { addToDnc } from '../../app/modules/lists/dnc.server';
import { seedDefaultAlertRulesOnce } from '../../app/modules/monitoring/alerts.server';
import { TaskInputSchema } from '../../app/modules/tasks/task-schema';
import { createTask, transitionTask } from '../../app/modules/tasks/tasks.server';
import { createUser } from '../../app/modules/users/users.server';
import { createInstallation, saveConfig, setEnabled } from '../../app/plugins/installations.server';
import { CRM_SECRET } from './crm';

// The chaos run's campaign: one predictive task on a project that calls 08:00–21:00 in each
// contact's zone, closes a case after 3 attempts in 10 days, retries within minutes (so the limits
// are reached inside the run), writes every wrap-up back to the test CRM, and has contacts that
// must never be dialled: some whose local time is night for the whole run, some on the global or
// the project's do-not-call list.

const actor = { name: 'chaos' };
const HOURS = [{ from: '08:00', to: '21:00' }];
const WEEK = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, HOURS]));

/** A fixed-offset zone whose local hour is `hour` now (Etc/GMT-8 is UTC+8: the sign is inverted). */
export function zoneAtLocalHour(hour: number, now = new Date()): string {
  let offset = hour - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

export interface Campaign {
  projectId: string;
  taskId: string;
  agents: number;
  nightContacts: number;
  dncContacts: number;
}

export async function seedCampaign(crmUrl: string, opts: { contacts: number; agents: number }): Promise<Campaign> {
  // As in the demo: the abandon → pause alert rule would pause the task in its first minute (the
  // pacer's warm-up at 10× with a dozen agents abandons far over 3 %), ending the campaign early.
  await seedDefaultAlertRulesOnce({ disabled: ['abandon-pause'] });
  const crm = await createInstallation(actor, 'webhook-crm', 'chaos CRM');
  await saveConfig(actor, crm.id, { baseUrl: crmUrl, hmacSecret: CRM_SECRET, retries: 0 });
  await setEnabled(actor, crm.id, true);
  const project = await callableProject(actor, 'chaos', (r) => ({
    callingHours: { weekly: WEEK, holidays: [], defaultTimeZone: 'Asia/Shanghai' },
    closingRule: { preset: 'attempts', maxAttempts: 3, withinDays: 10 },
    retryPolicy: { busy: 1, noAnswer: 2, machine: 3, failed: 1, abandoned: 1, retry: 3 },
    noAnswerTimeoutSeconds: 20,
    wrapUpSeconds: r.wrapUpSeconds,
  }));
  await prisma.project.update({ where: { id: project.id }, data: { crmInstallationId: crm.id } });

  // Afternoon for most contacts, 02:00–03:00 at night for one in ten (never callable during the run).
  const day = zoneAtLocalHour(14);
  const night = zoneAtLocalHour(2);
  const phones = Array.from({ length: opts.contacts }, (_, i) => `+86139${String(70_000_000 + i).padStart(8, '0')}`);
  const items = phones.map((phone, i) => ({ name: `客户${i}`, phone, age: 70, timeZone: i % 10 === 9 ? night : day }));
  const imported = await importFromApi(project.id, 'chaos', items);
  if (imported.rejected) throw new Error(`contacts rejected by the import: ${JSON.stringify(imported.errors).slice(0, 500)}`);
  const dncGlobal = phones.filter((_, i) => i % 40 === 3);
  const dncProject = phones.filter((_, i) => i % 40 === 7);
  await addToDnc(actor, 'global', dncGlobal, 'manual');
  await addToDnc(actor, project.id, dncProject, 'manual');

  const agents = [];
  for (let i = 0; i < opts.agents; i++) {
    const { user } = await createUser(
      actor,
      { login: `chaos${i}`, displayName: `坐席${i}`, role: 'agent', locale: null, timeZone: 'Asia/Shanghai' },
      'chaos-agent-password-1',
    );
    agents.push(user);
  }
  const group = await prisma.skillGroup.create({
    data: { name: 'chaos', members: { create: agents.map((a) => ({ userId: a.id, proficiency: 3 })) } },
  });
  const task = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: project.id,
      name: 'chaos',
      condition: { combinator: 'and', rules: [] },
      channel: 'agent',
      dialMode: 'predictive',
      skillGroupIds: [group.id],
    }),
  );
  await transitionTask(actor, task.id, 'start');
  return {
    projectId: project.id,
    taskId: task.id,
    agents: agents.length,
    nightContacts: items.filter((c) => c.timeZone === night).length,
    dncContacts: dncGlobal.length + dncProject.length,
  };
}
