import { prisma } from '../../db/prisma.server';
import { notFound, type ScopedUser, seesProject } from '../auth/project-access';

// Alert rules and project access (ADR 106). A rule aimed at one task or one project belongs to
// that project: seen and changed only by those who see it. Other rules (every task, trunks,
// caller IDs, the system) are shared: everyone who may watch sees them, but only a user who sees
// every project changes them, since they fire for every project.

type RuleTarget = { scope: string; scopeRef: string | null };

async function projectOfTarget(rule: RuleTarget): Promise<string | null> {
  if (!rule.scopeRef) return null;
  if (rule.scope === 'project') return rule.scopeRef;
  if (rule.scope !== 'task' || !/^[0-9a-f-]{36}$/i.test(rule.scopeRef)) return null;
  return (await prisma.task.findUnique({ where: { id: rule.scopeRef }, select: { projectId: true } }))?.projectId ?? null;
}

function aimed(rule: RuleTarget): boolean {
  return Boolean(rule.scopeRef) && (rule.scope === 'task' || rule.scope === 'project');
}

export async function ruleVisible(user: ScopedUser, rule: RuleTarget): Promise<boolean> {
  if (user.projects === 'all' || !aimed(rule)) return true;
  const projectId = await projectOfTarget(rule);
  return projectId !== null && seesProject(user, projectId);
}

export async function ruleEditable(user: ScopedUser, rule: RuleTarget): Promise<boolean> {
  if (user.projects === 'all') return true;
  return aimed(rule) && (await ruleVisible(user, rule));
}

/** 404 unless the user may change the rule (its current target, and the one it is saved with). */
export async function requireRuleEditable(user: ScopedUser, ...targets: (RuleTarget | null | undefined)[]) {
  for (const target of targets) if (target && !(await ruleEditable(user, target))) notFound();
}

export async function visibleRules<R extends RuleTarget>(user: ScopedUser, rules: R[]): Promise<R[]> {
  const out: R[] = [];
  for (const rule of rules) if (await ruleVisible(user, rule)) out.push(rule);
  return out;
}
