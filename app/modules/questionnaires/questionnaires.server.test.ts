import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { importFromApi } from '../lists/api-import.server';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { createProject } from '../projects/projects.server';
import type { FlowGraph } from './graph';
import { createQuestionnaire, DraftConflict, FlowInvalid, getQuestionnaire, publish, saveDraft } from './questionnaires.server';
import { questionAt, saveQuestion } from './questions.server';
import { goBack, RunnerError, runnerState, startResponse, submitAnswer } from './runner.server';
import { versionStats } from './stats.server';
import { createSurveyLink, linkResponse, openSurveyLink } from './survey-links.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 9).toString('base64');
const actor = { name: 'supervisor' };
let projectId = '';
let contactId = 0n;

beforeAll(async () => {
  const fields = [
    ...FIXED_FIELDS,
    customField('idCard', 'idCard', { sensitive: true, label: { zh: '身份证号', en: 'ID card' } }),
  ];
  projectId = (await createProject(actor, { name: '回访问卷', type: 'returnVisit', description: '', fields })).id;
  await importFromApi(projectId, 'k', [{ name: '王芳', phone: '13911112201', idCard: '11010519491231002X', tags: ['上海'] }]);
  contactId = (await prisma.contact.findFirstOrThrow({ where: { projectId } })).id;
});

async function publishedReturnVisit() {
  const q = await createQuestionnaire(actor, { projectId, name: '新契约回访', starter: 'returnVisit' });
  const version = await publish(actor, q.id, { revision: 0, note: 'first' });
  return { q, version };
}

describe('draft and publish', () => {
  it('publishing freezes a version; later draft edits and publishes never change it', async () => {
    const { q, version } = await publishedReturnVisit();
    const frozen = JSON.stringify(version.graph);
    const loaded = await getQuestionnaire(q.id);
    const draft = structuredClone(loaded.draft) as FlowGraph;
    const greet = draft.nodes.find((n) => n.id === 'greet');
    if (greet?.question) greet.question.content.text.zh = '改过的开场白';
    const saved = await saveDraft(actor, q.id, { graph: draft, revision: loaded.draftRevision });
    expect(saved.problems).toEqual([]);
    const v2 = await publish(actor, q.id, { revision: saved.revision });
    expect(v2.version).toBe(2);
    const v1 = await prisma.questionnaireVersion.findUniqueOrThrow({ where: { id: version.id } });
    expect(JSON.stringify(v1.graph)).toBe(frozen);
  });

  it('a save from a stale editor is refused instead of overwriting', async () => {
    const q = await createQuestionnaire(actor, { projectId, name: '并发', starter: 'blank' });
    const loaded = await getQuestionnaire(q.id);
    await saveDraft(actor, q.id, { graph: loaded.draft, revision: 0 });
    await expect(saveDraft(actor, q.id, { graph: loaded.draft, revision: 0 })).rejects.toBeInstanceOf(DraftConflict);
  });

  it('an invalid draft is saved with its problems but cannot be published', async () => {
    const q = await createQuestionnaire(actor, { projectId, name: '缺默认', starter: 'sales' });
    const loaded = await getQuestionnaire(q.id);
    const draft = structuredClone(loaded.draft) as FlowGraph;
    draft.edges = draft.edges.filter((e) => !(e.source === 'budget' && !e.condition));
    const saved = await saveDraft(actor, q.id, { graph: draft, revision: 0 });
    expect(saved.problems.map((p) => p.code)).toContain('noDefaultEdge');
    const error = await publish(actor, q.id, { revision: saved.revision }).catch((e) => e);
    expect(error).toBeInstanceOf(FlowInvalid);
    expect(await prisma.questionnaireVersion.count({ where: { questionnaireId: q.id } })).toBe(0);
  });
});

describe('runner', () => {
  it('checks identity on the server and records answers against the version they were given in', async () => {
    const { q, version } = await publishedReturnVisit();
    const responseId = await startResponse({ versionId: version.id, contactId, channel: 'agent' });
    let state = await runnerState(responseId, 'zh-CN');
    expect(state.question?.text).toContain('王芳');
    state = await submitAnswer(responseId, 'greet', true, 'zh-CN');
    state = await submitAnswer(responseId, 'holder', 'yes', 'zh-CN');
    expect(state.question?.type).toBe('identity');
    // The agent's view of an identity question carries no hint of the ID number.
    expect(JSON.stringify(state)).not.toContain('002X');
    await expect(submitAnswer(responseId, 'signed', true, 'zh-CN')).rejects.toMatchObject({ key: 'runner.notCurrent' });
    state = await submitAnswer(responseId, 'idcheck', '002x', 'zh-CN');
    expect(state.answered.at(-1)?.answer).toBe('核验通过');
    state = await goBack(responseId, 'zh-CN');
    state = await submitAnswer(responseId, 'idcheck', '1234', 'zh-CN');
    expect(state).toMatchObject({ status: 'completed', outcome: 'identityFailed' });
    const stored = await prisma.questionnaireResponse.findUniqueOrThrow({ where: { id: responseId } });
    expect(stored.answers).toEqual({ greet: true, holder: true, idcheck: false });
    expect(JSON.stringify(stored.answers)).not.toContain('1234');
    // A new version later does not move the response.
    const loaded = await getQuestionnaire(q.id);
    await publish(actor, q.id, { revision: loaded.draftRevision });
    expect((await prisma.questionnaireResponse.findUniqueOrThrow({ where: { id: responseId } })).versionId).toBe(version.id);
  });

  it('rejects invalid answers with a reason and keeps the question', async () => {
    const { version } = await publishedReturnVisit();
    const responseId = await startResponse({ versionId: version.id, contactId, channel: 'robot' });
    await expect(submitAnswer(responseId, 'greet', true, 'en')).resolves.toBeTruthy();
    const error = await submitAnswer(responseId, 'holder', 'maybe', 'en').catch((e) => e);
    expect(error).toBeInstanceOf(RunnerError);
    expect(error.key).toBe('answer.yesNo');
    expect((await runnerState(responseId, 'en')).question?.nodeId).toBe('holder');
  });
});

describe('question bank', () => {
  it('a change makes a new version and the old content stays available', async () => {
    const content = { text: { zh: '满意吗？', en: 'Satisfied?' }, required: true };
    const q = await saveQuestion(actor, { category: 'closing', type: 'yesNo', content });
    await saveQuestion(actor, {
      id: q.id,
      category: 'closing',
      type: 'yesNo',
      content: { ...content, text: { zh: '您满意吗？', en: 'Are you satisfied?' } },
    });
    expect((await questionAt(q.id))?.ref.version).toBe(2);
    expect((await questionAt(q.id, 1))?.content.text.zh).toBe('满意吗？');
    const bad = await saveQuestion(actor, {
      category: 'business',
      type: 'single',
      content: { text: { zh: '选', en: '' }, options: [] },
    }).catch((e) => e);
    expect(bad.errors).toEqual([{ path: 'options', key: 'question.needsOptions' }]);
  });
});

describe('online links and statistics', () => {
  it('a link opens the questionnaire, completes once, and then says it was used', async () => {
    const q = await createQuestionnaire(actor, { projectId, name: '在线满意度', starter: 'sales' });
    const version = await publish(actor, q.id, { revision: 0 });
    const { token } = await createSurveyLink(actor, { contactId, versionId: version.id, language: 'en' });
    const opened = await openSurveyLink(token);
    expect(opened.status).toBe('ok');
    expect(JSON.stringify(opened)).not.toContain('1391111');
    const { responseId, id } = await linkResponse(token);
    for (const [node, value] of [
      ['opening', true],
      ['interest', 'no'],
    ] as const)
      await submitAnswer(responseId, node, value, 'en');
    const { closeLinkIfDone } = await import('./survey-links.server');
    await closeLinkIfDone(id, await runnerState(responseId, 'en'));
    expect((await openSurveyLink(token)).status).toBe('completed');
    await expect(linkResponse(token)).rejects.toMatchObject({ key: 'link.completed' });
    // A new link for the same contact and version revokes an unused older one.
    const first = await createSurveyLink(actor, { contactId, versionId: version.id });
    await createSurveyLink(actor, { contactId, versionId: version.id });
    expect((await openSurveyLink(first.token)).status).toBe('revoked');
    expect((await openSurveyLink('x'.repeat(32))).status).toBe('unknown');

    const stats = await versionStats(version.id, 'en');
    expect(stats.responses).toBe(1);
    expect(stats.completionRate).toBe(1);
    expect(stats.outcomes).toEqual([{ outcome: 'refused', count: 1 }]);
    expect(stats.questions.find((s) => s.nodeId === 'interest')?.distribution).toEqual([{ answer: 'No', count: 1 }]);
  });

  it('an expired link says so', async () => {
    const q = await createQuestionnaire(actor, { projectId, name: '过期', starter: 'sales' });
    const version = await publish(actor, q.id, { revision: 0 });
    const { token, link } = await createSurveyLink(actor, { contactId, versionId: version.id });
    await prisma.surveyLink.update({ where: { id: link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await openSurveyLink(token)).status).toBe('expired');
  });
});

describe('immutability in the database', () => {
  it('a published version cannot be updated or deleted, and a response cannot change version', async () => {
    const { version } = await publishedReturnVisit();
    await expect(prisma.questionnaireVersion.update({ where: { id: version.id }, data: { note: 'changed' } })).rejects.toThrow(
      /immutable/,
    );
    await expect(prisma.questionnaireVersion.delete({ where: { id: version.id } })).rejects.toThrow(/immutable/);
    const other = await publishedReturnVisit();
    const responseId = await startResponse({ versionId: version.id, contactId, channel: 'agent' });
    await expect(
      prisma.questionnaireResponse.update({ where: { id: responseId }, data: { versionId: other.version.id } }),
    ).rejects.toThrow(/immutable/);
    expect((await prisma.questionnaireVersion.findUniqueOrThrow({ where: { id: version.id } })).note).toBe('first');
  });
});
