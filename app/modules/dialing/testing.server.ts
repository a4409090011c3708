import { insertUser } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import type { AuditActor } from '../audit/audit.server';
import { importFromApi } from '../lists/api-import.server';
import { addToDnc } from '../lists/dnc.server';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { AROUND_THE_CLOCK } from '../projects/calling-hours';
import type { ProjectRules } from '../projects/project-schema';
import { changeProjectRules, createProject } from '../projects/projects.server';
import { TaskInputSchema } from '../tasks/task-schema';
import { createTask, transitionTask } from '../tasks/tasks.server';

/** A return-visit project with an `age` field, callable around the clock (tests and bench:dialer). */
export async function callableProject(
  actor: AuditActor,
  name: string,
  rules: (r: ProjectRules) => Partial<ProjectRules> = () => ({}),
) {
  const created = await createProject(actor, {
    name,
    type: 'returnVisit',
    description: '',
    fields: [...FIXED_FIELDS, customField('age', 'number')],
  });
  return changeProjectRules(actor, created.id, (r) => ({
    ...r,
    callingHours: { ...r.callingHours, weekly: AROUND_THE_CLOCK },
    ...rules(r),
  }));
}

// Test fixture for the dialer: a project callable all day, `contacts` contacts (the first two on
// the do-not-call list), three agents in a skill group, and a running predictive task.
export async function dialableTask(contacts = 40, prefix = '1391112') {
  const actor = { id: null, name: 'supervisor' };
  const project = await callableProject(actor, `发呼 ${prefix}`);
  const phones = Array.from({ length: contacts }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
  await importFromApi(
    project.id,
    'k',
    phones.map((phone, i) => ({ name: `客户${i}`, phone, age: 70 })),
  );
  await addToDnc(actor, 'global', phones.slice(0, 2), 'manual');
  const agents = await Promise.all([0, 1, 2].map(() => insertUser('agent')));
  const group = await prisma.skillGroup.create({
    data: { name: `dialer-${project.id}`, members: { create: agents.map((a) => ({ userId: a.id, proficiency: 3 })) } },
  });
  const task = await createTask(
    actor,
    TaskInputSchema.parse({
      projectId: project.id,
      name: '预测式',
      condition: { combinator: 'and', rules: [{ field: 'age', operator: '>=', value: 60 }] },
      channel: 'agent',
      dialMode: 'predictive',
      skillGroupIds: [group.id],
    }),
  );
  await transitionTask(actor, task.id, 'start');
  return { projectId: project.id, taskId: task.id, dncPhones: phones.slice(0, 2) };
}

type Attempt = { contactId: bigint; queuedAt: Date; endedAt: Date | null };

/** Pairs of attempts of one contact that overlapped in time (there must be none). */
export function overlappingAttempts(attempts: Attempt[]): Attempt[][] {
  const byContact = new Map<bigint, Attempt[]>();
  for (const a of attempts) byContact.set(a.contactId, [...(byContact.get(a.contactId) ?? []), a]);
  const out: Attempt[][] = [];
  for (const list of byContact.values()) {
    const sorted = [...list].sort((x, y) => x.queuedAt.getTime() - y.queuedAt.getTime());
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as Attempt;
      const next = sorted[i] as Attempt;
      if (!prev.endedAt || prev.endedAt > next.queuedAt) out.push([prev, next]);
    }
  }
  return out;
}
