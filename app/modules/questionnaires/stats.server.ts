import { prisma } from '../../db/prisma.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { type SheetFormat, sheet } from '../lists/spreadsheet-safety';
import type { FlowGraph } from './graph';
import { localText } from './question';
import { answerText } from './view';

// Statistics of one questionnaire version: responses, completion, where people stop, and how
// each question was answered. Aggregated in PostgreSQL over the responses' JSON.

export interface QuestionStats {
  nodeId: string;
  text: string;
  type: string;
  /** Responses whose path reached the question. */
  reached: number;
  /** Responses that stopped at it (in progress or abandoned). */
  stoppedHere: number;
  /** Answer → count, answers shown as text; free text is counted, not listed. */
  distribution: { answer: string; count: number }[];
}

export interface VersionStats {
  versionId: string;
  version: number;
  responses: number;
  completed: number;
  completionRate: number;
  outcomes: { outcome: string; count: number }[];
  byChannel: { channel: string; count: number }[];
  questions: QuestionStats[];
}

export async function versionStats(versionId: string, language: string): Promise<VersionStats> {
  const version = await prisma.questionnaireVersion.findUniqueOrThrow({ where: { id: versionId } });
  const graph = version.graph as unknown as FlowGraph;
  const [totals, outcomes, channels, reached, stopped, answers] = await Promise.all([
    prisma.questionnaireResponse.groupBy({ by: ['status'], where: { versionId }, _count: { _all: true } }),
    prisma.questionnaireResponse.groupBy({ by: ['outcome'], where: { versionId, status: 'completed' }, _count: { _all: true } }),
    prisma.questionnaireResponse.groupBy({ by: ['channel'], where: { versionId }, _count: { _all: true } }),
    prisma.$queryRaw<{ node: string; n: number }[]>`
      SELECT p AS node, count(*)::int AS n FROM "QuestionnaireResponse" r, jsonb_array_elements_text(r."path") p
       WHERE r."versionId" = ${versionId}::uuid GROUP BY p`,
    prisma.$queryRaw<{ node: string; n: number }[]>`
      SELECT r."path"->>(jsonb_array_length(r."path") - 1) AS node, count(*)::int AS n FROM "QuestionnaireResponse" r
       WHERE r."versionId" = ${versionId}::uuid AND r."status" <> 'completed' AND jsonb_array_length(r."path") > 0 GROUP BY 1`,
    prisma.$queryRaw<{ node: string; value: unknown; n: number }[]>`
      SELECT a.key AS node, a.value AS value, count(*)::int AS n FROM "QuestionnaireResponse" r, jsonb_each(r."answers") a
       WHERE r."versionId" = ${versionId}::uuid GROUP BY 1, 2`,
  ]);
  const count = (rows: { node: string; n: number }[]) => new Map(rows.map((r) => [r.node, r.n]));
  const reachedBy = count(reached);
  const stoppedBy = count(stopped);
  const responses = totals.reduce((s, t) => s + t._count._all, 0);
  const completed = totals.find((t) => t.status === 'completed')?._count._all ?? 0;
  const questions = graph.nodes
    .filter((n) => n.kind === 'question')
    .sort((a, b) => a.position.y - b.position.y)
    .map((node): QuestionStats => {
      const tally = new Map<string, number>();
      for (const row of answers.filter((a) => a.node === node.id)) {
        const values = node.question?.type === 'multiple' && Array.isArray(row.value) ? row.value : [row.value];
        for (const v of values) {
          const key =
            node.question?.type === 'text' ? (language === 'en' ? 'Answered' : '已填写') : answerText(node, v, language);
          tally.set(key, (tally.get(key) ?? 0) + row.n);
        }
      }
      return {
        nodeId: node.id,
        text: localText(node.question?.content.text, language),
        type: node.question?.type ?? 'text',
        reached: reachedBy.get(node.id) ?? 0,
        stoppedHere: stoppedBy.get(node.id) ?? 0,
        distribution: [...tally].map(([answer, n]) => ({ answer, count: n })).sort((a, b) => b.count - a.count),
      };
    });
  return {
    versionId,
    version: version.version,
    responses,
    completed,
    completionRate: responses ? completed / responses : 0,
    outcomes: outcomes.map((o) => ({ outcome: o.outcome ?? '', count: o._count._all })),
    byChannel: channels.map((c) => ({ channel: c.channel, count: c._count._all })),
    questions,
  };
}

/** Every response of a version with its answers as text, one column per question; audited. */
export async function exportResponses(actor: AuditActor, versionId: string, format: SheetFormat, language: string) {
  const version = await prisma.questionnaireVersion.findUniqueOrThrow({ where: { id: versionId } });
  const graph = version.graph as unknown as FlowGraph;
  const questions = graph.nodes
    .filter((n) => n.kind === 'question' && n.question?.type !== 'script')
    .sort((a, b) => a.position.y - b.position.y);
  const rows = await prisma.questionnaireResponse.findMany({
    where: { versionId },
    orderBy: { startedAt: 'asc' },
    take: 200_000,
  });
  const header = [
    'response',
    'contact',
    'channel',
    'status',
    'outcome',
    'started',
    'completed',
    ...questions.map((q) => localText(q.question?.content.text, language)),
  ];
  const body = rows.map((r) => {
    const answers = (r.answers ?? {}) as Record<string, unknown>;
    return [
      r.id,
      String(r.contactId),
      r.channel,
      r.status,
      r.outcome ?? '',
      r.startedAt.toISOString(),
      r.completedAt?.toISOString() ?? '',
      ...questions.map((q) => (Object.hasOwn(answers, q.id) ? answerText(q, answers[q.id], language) : '')),
    ];
  });
  await audit(actor, 'questionnaire.export', versionId, { rows: rows.length, format });
  return sheet(format, header, body);
}
