import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import type { FieldDef } from '../lists/field-template';
import { getProject } from '../projects/projects.server';
import { type ContactForQuestionnaire, contactForQuestionnaire } from './contact-row.server';
import { type Answers, answersOnPath, nextStep, questionsAhead, type Step, withoutLastAnswer } from './engine';
import type { FlowGraph } from './graph';
import { checkAnswer, fillPlaceholders, localText, verifyIdentity } from './question';
import { answerText, questionView, type RunnerState } from './view';

export type { QuestionView, RunnerState } from './view';

// Runs a published questionnaire version for one contact, one answer at a time, on the server:
// the agent workstation, the robot and the online page all go through here, so answers are
// validated the same way and identity checks never leave the server.

export type Channel = 'agent' | 'robot' | 'online';

export class RunnerError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

interface Loaded {
  response: { id: string; versionId: string; status: string; outcome: string | null; answers: Answers };
  graph: FlowGraph;
  contact: ContactForQuestionnaire;
}

/** The response's contact, read before any transaction (a response never changes its contact). */
async function contactOf(responseId: string): Promise<ContactForQuestionnaire> {
  const owner = await prisma.questionnaireResponse.findUnique({
    where: { id: responseId },
    select: { projectId: true, contactId: true },
  });
  if (!owner) throw new RunnerError('runner.notFound');
  const project = await getProject(owner.projectId);
  const contact = await contactForQuestionnaire(owner.contactId, project.fields as FieldDef[]);
  if (!contact) throw new RunnerError('runner.contactGone');
  return contact;
}

async function load(
  tx: Prisma.TransactionClient | typeof prisma,
  responseId: string,
  lock: boolean,
  contact: ContactForQuestionnaire,
): Promise<Loaded> {
  if (lock) await tx.$queryRaw`SELECT 1 FROM "QuestionnaireResponse" WHERE "id" = ${responseId}::uuid FOR UPDATE`;
  const response = await tx.questionnaireResponse.findUnique({ where: { id: responseId }, include: { version: true } });
  if (!response) throw new RunnerError('runner.notFound');
  return {
    response: { ...response, answers: (response.answers ?? {}) as Answers },
    graph: response.version.graph as unknown as FlowGraph,
    contact,
  };
}

function state(loaded: Loaded, step: Step, answers: Answers, language: string): RunnerState {
  const byId = new Map(loaded.graph.nodes.map((n) => [n.id, n]));
  const answered = step.path
    .filter((id) => Object.hasOwn(answers, id))
    .map((id) => {
      const node = byId.get(id);
      return {
        nodeId: id,
        text: node ? fillPlaceholders(localText(node.question?.content.text, language), loaded.contact.placeholders) : id,
        answer: answerText(node, answers[id], language),
      };
    });
  const done = step.kind !== 'question';
  return {
    responseId: loaded.response.id,
    versionId: loaded.response.versionId,
    status: done ? 'completed' : 'inProgress',
    outcome: step.kind === 'end' ? step.outcome : null,
    question: step.kind === 'question' ? questionView(step.node, loaded.contact.placeholders, language) : null,
    answered,
    canGoBack: answered.length > 0,
    questionsAhead: step.kind === 'question' ? questionsAhead(loaded.graph, step.node.id) : 0,
  };
}

/** The response in progress for this contact, version and channel, or a new one. */
export async function startResponse(input: {
  versionId: string;
  contactId: bigint;
  channel: Channel;
  agentId?: string | null;
  taskId?: string | null;
  attemptId?: string | null;
}): Promise<string> {
  const version = await prisma.questionnaireVersion.findUnique({
    where: { id: input.versionId },
    include: { questionnaire: true },
  });
  if (!version) throw new RunnerError('runner.notFound');
  const contact = await prisma.contact.findUnique({ where: { id: input.contactId }, select: { projectId: true } });
  if (!contact || contact.projectId !== version.questionnaire.projectId) throw new RunnerError('runner.contactGone');
  const open = await prisma.questionnaireResponse.findFirst({
    where: { versionId: input.versionId, contactId: input.contactId, channel: input.channel, status: 'inProgress' },
    orderBy: { startedAt: 'desc' },
  });
  if (open) return open.id;
  const created = await prisma.questionnaireResponse.create({
    data: {
      versionId: input.versionId,
      projectId: contact.projectId,
      contactId: input.contactId,
      channel: input.channel,
      agentId: input.agentId ?? null,
      taskId: input.taskId ?? null,
      attemptId: input.attemptId ?? null,
    },
  });
  return created.id;
}

export async function runnerState(responseId: string, language: string): Promise<RunnerState> {
  const loaded = await load(prisma, responseId, false, await contactOf(responseId));
  const answers = loaded.response.answers;
  return state(loaded, nextStep(loaded.graph, loaded.contact.row, answers), answers, language);
}

async function save(tx: Prisma.TransactionClient, loaded: Loaded, answers: Answers, language: string): Promise<RunnerState> {
  const step = nextStep(loaded.graph, loaded.contact.row, answers);
  const kept = answersOnPath(step, answers);
  const done = step.kind === 'end';
  await tx.questionnaireResponse.update({
    where: { id: loaded.response.id },
    data: {
      answers: kept as Prisma.InputJsonValue,
      path: step.path,
      status: done ? 'completed' : 'inProgress',
      outcome: done ? step.outcome : null,
      completedAt: done ? new Date() : null,
    },
  });
  return state(loaded, step, kept, language);
}

/**
 * Records the answer to the current question (refusing one for any other node, e.g. from a stale
 * screen), validated like every channel's; identity answers are compared with the contact here.
 */
export async function submitAnswer(responseId: string, nodeId: string, raw: unknown, language: string): Promise<RunnerState> {
  return withOpenResponse(responseId, (tx, loaded, answers, step) => {
    if (step.kind !== 'question' || step.node.id !== nodeId) throw new RunnerError('runner.notCurrent');
    const q = step.node.question;
    if (!q) throw new RunnerError('runner.notAQuestion');
    const checked = checkAnswer({ type: q.type, content: q.content }, raw);
    if (!checked.ok) throw new RunnerError(checked.key, checked.params);
    const value =
      q.type === 'identity' && q.content.identity
        ? verifyIdentity(q.content, String(checked.value), loaded.contact.secret(q.content.identity.field))
        : checked.value;
    return save(tx, loaded, { ...answersOnPath(step, answers), [nodeId]: value }, language);
  });
}

/**
 * Runs a change on a response still in progress, with its row locked. The contact is read first,
 * outside the transaction, so inside it only the transaction's own connection is used.
 */
async function withOpenResponse(
  responseId: string,
  change: (tx: Prisma.TransactionClient, loaded: Loaded, answers: Answers, step: Step) => Promise<RunnerState>,
): Promise<RunnerState> {
  const contact = await contactOf(responseId);
  return prisma.$transaction(async (tx) => {
    const loaded = await load(tx, responseId, true, contact);
    if (loaded.response.status !== 'inProgress') throw new RunnerError('runner.finished');
    const answers = loaded.response.answers;
    return change(tx, loaded, answers, nextStep(loaded.graph, loaded.contact.row, answers));
  });
}

/** Back to the previous question: its answer is forgotten and asked again. */
export async function goBack(responseId: string, language: string): Promise<RunnerState> {
  return withOpenResponse(responseId, (tx, loaded, answers, step) =>
    save(tx, loaded, withoutLastAnswer(step, answers), language),
  );
}
