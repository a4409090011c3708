import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { createQuestionnaire, publish } from './questionnaires.server';
import { saveQuestion } from './questions.server';
import { returnVisitFlow } from './samples';

// Demo questionnaires: the insurance return visit (its greeting, identity check and rating shared
// through the bank) and the housing sales script, both published, for the two demo projects.
export async function seedDemoQuestionnaires(): Promise<void> {
  if ((await prisma.questionnaire.count()) > 0) return;
  const actor = { name: 'seed' };
  const projects = await prisma.project.findMany({ select: { id: true, type: true } });
  const insurance = projects.find((p) => p.type === 'returnVisit');
  const sales = projects.find((p) => p.type === 'sales');

  if (insurance) {
    const flow = returnVisitFlow();
    for (const node of flow.nodes) {
      if (!node.question || !['greet', 'idcheck', 'satisfaction'].includes(node.id)) continue;
      const q = await saveQuestion(actor, {
        category: node.question.category,
        type: node.question.type,
        content: node.question.content,
      });
      node.question.ref = { questionId: q.id, version: q.version };
    }
    const q = await createQuestionnaire(actor, {
      projectId: insurance.id,
      name: '新契约回访问卷',
      description: '核身、签名确认、犹豫期告知、满意度',
    });
    await prisma.questionnaire.update({ where: { id: q.id }, data: { draft: flow as unknown as Prisma.InputJsonValue } });
    await publish(actor, q.id, { revision: 0, note: '初版' });
  }
  if (sales) {
    const q = await createQuestionnaire(actor, { projectId: sales.id, name: '幸福里销售话术', starter: 'sales' });
    await publish(actor, q.id, { revision: 0, note: '初版' });
  }
  await saveQuestion(actor, {
    category: 'closing',
    type: 'script',
    content: { text: { zh: '感谢您的配合，祝您生活愉快，再见！', en: 'Thank you for your time. Goodbye!' }, required: false },
  });
}
