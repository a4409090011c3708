import { prisma } from '../../db/prisma.server';
import { enabledInstallations } from '../../plugins/installations.server';
import { listPlugins } from '../../plugins/registry.server';

/** What the rule editor offers for a scope and the notify action: tasks, projects, lines, notify plugins. */
/** `visible`: the editor's projects (null: all; ADR 106) — the tasks and projects a rule may aim at. */
export async function ruleEditorOptions(visible: string[] | null, now = new Date()) {
  const since = new Date(now.getTime() - 7 * 86_400_000);
  const notifyIds = new Set(
    listPlugins()
      .filter((p) => p.manifest.kind === 'notify')
      .map((p) => p.manifest.id),
  );
  const [tasks, projects, trunks, callerIds, installations] = await Promise.all([
    prisma.task.findMany({
      where: { status: { not: 'draft' }, ...(visible ? { projectId: { in: visible } } : {}) },
      orderBy: { createdAt: 'desc' },
      select: { id: true, name: true },
    }),
    prisma.project.findMany({
      where: visible ? { id: { in: visible } } : {},
      orderBy: { createdAt: 'desc' },
      select: { id: true, name: true },
    }),
    prisma.callAttempt.groupBy({ by: ['trunk'], where: { endedAt: { gte: since }, trunk: { not: null } } }),
    prisma.callAttempt.groupBy({ by: ['callerId'], where: { endedAt: { gte: since }, callerId: { not: null } } }),
    enabledInstallations(),
  ]);
  return {
    tasks,
    projects,
    trunks: trunks.map((t) => t.trunk as string).sort(),
    callerIds: callerIds.map((c) => c.callerId as string).sort(),
    notifiers: installations.filter((i) => notifyIds.has(i.pluginId)).map((i) => ({ id: i.id, name: i.name })),
  };
}
