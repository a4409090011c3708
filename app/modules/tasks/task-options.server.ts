import { prisma } from '../../db/prisma.server';
import { callHook, enabledInstallations } from '../../plugins/installations.server';
import { getPlugin } from '../../plugins/registry.server';
import { contactScope } from '../lists/contact-scope';
import { projectTags } from '../lists/contacts.server';
import { getProject } from '../projects/projects.server';
import { listAgents, listSkillGroups } from '../projects/skill-groups.server';

// What the task form offers: the project's scope, questionnaire versions, skill groups, carriers'
// trunks and caller IDs, notify plugins. A read model for the task routes.

/** Published questionnaire versions of a project, newest first (a task pins one). */
export async function questionnaireVersions(projectId: string) {
  const versions = await prisma.questionnaireVersion.findMany({
    where: { questionnaire: { projectId, archived: false } },
    include: { questionnaire: { select: { name: true } } },
    orderBy: [{ publishedAt: 'desc' }],
  });
  return versions.map((v) => ({ id: v.id, name: v.questionnaire.name, version: v.version }));
}

interface CarrierOption {
  installationId: string;
  name: string;
  trunks: { id: string; name: string; capacity: number }[];
  callerIds: { number: string; areaCode?: string }[];
}

/** Enabled carrier installations with their trunks and caller IDs (asked from the plugin itself). */
export async function carrierOptions(): Promise<CarrierOption[]> {
  const installations = (await enabledInstallations()).filter((i) => getPlugin(i.pluginId)?.manifest.kind === 'carrier');
  return Promise.all(
    installations.map(async (i) => {
      const [trunks, callerIds] = await Promise.all([
        callHook(i.id, 'trunks', [], { withConfig: true }),
        callHook(i.id, 'callerIds', [], { withConfig: true }),
      ]);
      return {
        installationId: i.id,
        name: i.name,
        trunks: trunks.ok && Array.isArray(trunks.value) ? (trunks.value as CarrierOption['trunks']) : [],
        callerIds: callerIds.ok && Array.isArray(callerIds.value) ? (callerIds.value as CarrierOption['callerIds']) : [],
      };
    }),
  );
}

export async function notifyOptions() {
  return (await enabledInstallations())
    .filter((i) => getPlugin(i.pluginId)?.manifest.kind === 'notify')
    .map((i) => ({ installationId: i.id, name: i.name }));
}

/** Everything the task form of one project needs. */
export async function taskFormOptions(projectId: string) {
  const project = await getProject(projectId);
  const [tags, groups, agents, versions, carriers, notifiers] = await Promise.all([
    projectTags(projectId),
    listSkillGroups(),
    listAgents(),
    questionnaireVersions(projectId),
    carrierOptions(),
    notifyOptions(),
  ]);
  return {
    project: { id: project.id, name: project.name, type: project.type, rulesVersion: project.rulesVersion },
    scope: contactScope(project.fields, tags).scope,
    skillGroups: groups.map((g) => ({ id: g.id, name: g.name, memberIds: g.members.map((m) => m.userId) })),
    agents,
    questionnaireVersions: versions,
    carriers,
    notifiers,
  };
}
export type TaskFormOptions = Awaited<ReturnType<typeof taskFormOptions>>;
