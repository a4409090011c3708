import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { createSession } from '../app/modules/auth/session.server';
import { createProject } from '../app/modules/projects/projects.server';
import type { FlowGraph } from '../app/modules/questionnaires/graph';
import { createQuestionnaire, publish } from '../app/modules/questionnaires/questionnaires.server';
import { action as editorAction } from '../app/routes/_app.questionnaires.$questionnaireId._index';
import { insertUser, request } from './helpers';

// Through the editor's own route, every intent (save, publish, restore, a forged body) leaves a
// published version exactly as it was published.

let cookie = '';
beforeAll(async () => {
  const user = await insertUser('supervisor');
  cookie = (await createSession(request('/login'), user.id)).split(';')[0] ?? '';
});

async function post(id: string, body: unknown) {
  const req = request(`/questionnaires/${id}`, {
    method: 'POST',
    cookie,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await editorAction({ request: req, params: { questionnaireId: id }, context: {} })) as {
    ok: boolean;
    revision?: number;
    version?: number;
  };
}

describe('published versions through the editor route', () => {
  it('stay unchanged whatever the editor posts', async () => {
    const projectId = (await createProject({ name: 't' }, { name: '版本', type: 'survey', description: '' })).id;
    const q = await createQuestionnaire({ name: 't' }, { projectId, name: '不可变', starter: 'sales' });
    const v1 = await publish({ name: 't' }, q.id, { revision: 0 });
    const frozen = JSON.stringify(v1.graph);

    const draft = structuredClone(v1.graph) as unknown as FlowGraph;
    const node = draft.nodes.find((n) => n.id === 'interest');
    if (node?.question) node.question.content.text.zh = '改了';
    const saved = await post(q.id, { intent: 'save', graph: draft, revision: 0 });
    expect(saved).toMatchObject({ ok: true, revision: 1 });
    expect(await post(q.id, { intent: 'publish', revision: 1 })).toMatchObject({ ok: true, version: 2 });
    expect(await post(q.id, { intent: 'restore', versionId: v1.id, revision: 1 })).toMatchObject({ ok: true });
    // Forged intents and bodies are refused without touching anything.
    expect(await post(q.id, { intent: 'update', versionId: v1.id, graph: draft })).toMatchObject({ ok: false });
    expect(await post(q.id, { intent: 'save', graph: { nodes: 'x' }, revision: 2 }).catch(() => ({ ok: false }))).toMatchObject({
      ok: false,
    });

    const after = await prisma.questionnaireVersion.findUniqueOrThrow({ where: { id: v1.id } });
    expect(JSON.stringify(after.graph)).toBe(frozen);
    expect(await prisma.questionnaireVersion.count({ where: { questionnaireId: q.id } })).toBe(2);
  });
});
