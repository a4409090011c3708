import { prisma } from '../../db/prisma.server';
import { type Disposition, flattenDispositions } from '../projects/dispositions';

// Reports count wrap-ups by disposition code; people read labels. A code's label comes from its
// own project's disposition tree — the newest rules version that has the code, so a code staff
// have since removed still reads as it did when agents chose it.

/** `(projectId, code) → "成功 / 已完成"` in the language, or the code itself when no version knows it. */
export async function dispositionLabels(projectIds: string[], language: string) {
  const versions = projectIds.length
    ? await prisma.projectRulesVersion.findMany({
        where: { projectId: { in: projectIds } },
        orderBy: { version: 'desc' },
        select: { projectId: true, rules: true },
      })
    : [];
  const pick = (d: Disposition) => (language.startsWith('en') ? d.label.en : d.label.zh);
  const labels = new Map<string, string>();
  for (const v of versions) {
    const tree = (v.rules as { dispositions?: Disposition[] }).dispositions ?? [];
    for (const d of flattenDispositions(tree)) {
      const key = `${v.projectId}\u0000${d.code}`;
      if (!labels.has(key)) labels.set(key, [...d.path, d].map(pick).join(' / '));
    }
  }
  return (projectId: string, code: string) => labels.get(`${projectId}\u0000${code}`) ?? code;
}
