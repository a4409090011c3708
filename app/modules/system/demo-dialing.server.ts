import { prisma } from '../../db/prisma.server';
import { AROUND_THE_CLOCK } from '../projects/calling-hours';
import { changeProjectRules, getProject } from '../projects/projects.server';
import { transitionTask } from '../tasks/tasks.server';

// The living demo: the seeded predictive tasks (insurance return visits, with the human demo agent
// first in line; housing sales) and the robot task run from the first start, with auto-agents on
// the sim switch. So that it lives at any hour of the reviewer's day, the demo projects call
// around the clock (real projects default to 09:00–20:00 in the contact's zone).
export async function startDemoDialing(): Promise<void> {
  const tasks = await prisma.task.findMany({ where: { dialMode: 'predictive', status: 'draft' }, orderBy: { createdAt: 'asc' } });
  for (const projectId of new Set(tasks.map((t) => t.projectId))) {
    const project = await getProject(projectId);
    const changed = await changeProjectRules(
      { name: 'seed' },
      project.id,
      (r) => ({ ...r, callingHours: { ...r.callingHours, weekly: AROUND_THE_CLOCK } }),
      `${project.description}（演示：全天可呼，以便随时观看外呼。）`,
    );
    // The seed's own tasks already started (preview) take the new hours too: nobody runs them yet.
    await prisma.task.updateMany({ where: { projectId, status: 'running' }, data: { rulesVersion: changed.rulesVersion } });
  }
  for (const task of tasks) {
    const schedule = (task.schedule ?? {}) as Record<string, unknown>;
    await prisma.task.update({ where: { id: task.id }, data: { schedule: { ...schedule, windows: [] } } });
    await transitionTask({ name: 'seed' }, task.id, 'start');
  }
  // The robot reminder runs too.
  const robot = await prisma.task.findFirst({
    where: { channel: 'robot', status: 'draft', questionnaireVersionId: { not: null } },
  });
  if (robot) await transitionTask({ name: 'seed' }, robot.id, 'start');
}
