import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../app/db/prisma.server';
import { createSession } from '../../app/modules/auth/session.server';
import { customField, FIXED_FIELDS } from '../../app/modules/lists/field-template';
import { createProject } from '../../app/modules/projects/projects.server';
import type { FlowGraph } from '../../app/modules/questionnaires/graph';
import { createQuestionnaire } from '../../app/modules/questionnaires/questionnaires.server';
import { action } from '../../app/routes/_app.questionnaires.$questionnaireId._index';
import { insertUser, request } from '../helpers';
import { fuzzOptions, hostileJson, ONE_MB } from './fuzz';

// The flow editor's save goes through the route action with whatever JSON the browser (or a
// script) sends: a malformed graph is refused with its problem and nothing is saved; a graph
// that parses is saved as a draft with its problem list, and only a problem-free one publishes.

let questionnaireId = '';
let cookie = '';
let base: FlowGraph;

beforeAll(async () => {
  // The return-visit starter checks identity against the ID card's last four digits.
  const fields = [
    ...FIXED_FIELDS,
    customField('idCard', 'idCard', { sensitive: true, label: { zh: '身份证号', en: 'ID card' } }),
  ];
  const projectId = (await createProject({ name: 't' }, { name: '问卷', type: 'returnVisit', description: '', fields })).id;
  const q = await createQuestionnaire({ name: 't' }, { projectId, name: '回访', starter: 'returnVisit' });
  questionnaireId = q.id;
  base = q.draft as unknown as FlowGraph;
  cookie = (await createSession(request('/login'), (await insertUser('admin')).id)).split(';')[0]!;
});

async function post(body: unknown) {
  return action({
    request: request(`/questionnaires/${questionnaireId}`, {
      method: 'POST',
      cookie,
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    params: { questionnaireId },
    context: {},
  });
}

const state = async () => {
  const q = await prisma.questionnaire.findUniqueOrThrow({ where: { id: questionnaireId } });
  return {
    draft: JSON.stringify(q.draft),
    revision: q.draftRevision,
    versions: await prisma.questionnaireVersion.count({ where: { questionnaireId } }),
    audits: await prisma.auditLog.count(),
  };
};

/** Damage a flow the way a buggy client or a hand-edited export would. */
const damage = fc.oneof(
  // Any part of the graph replaced by any JSON value.
  fc.record({
    kind: fc.constant('replace' as const),
    path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
    value: hostileJson,
  }),
  // Nodes or edges dropped, duplicated or pointed elsewhere.
  fc.record({ kind: fc.constant('dropNode' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropEdge' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateNode' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retarget' as const), at: fc.nat(), to: fc.oneof(fc.string({ maxLength: 8 }), fc.nat()) }),
  fc.record({ kind: fc.constant('huge' as const), path: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }) }),
);
type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function replaceAt(value: unknown, choices: number[], replacement: (old: unknown) => unknown): unknown {
  if (choices.length === 0 || value === null || typeof value !== 'object') return replacement(value);
  const [choice, ...rest] = choices as [number, ...number[]];
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return replacement(value);
  const key = keys[choice % keys.length]!;
  copy[key] = replaceAt(copy[key], rest, replacement);
  return copy;
}

function applyDamage(graph: FlowGraph, steps: Damage[]): unknown {
  let out: unknown = structuredClone(graph);
  for (const step of steps) {
    const g = out as { nodes?: unknown; edges?: unknown };
    const nodes = Array.isArray(g?.nodes) ? (g.nodes as { id?: unknown }[]) : null;
    const edges = Array.isArray(g?.edges) ? (g.edges as { target?: unknown }[]) : null;
    if (step.kind === 'replace') out = replaceAt(out, step.path, () => step.value);
    else if (step.kind === 'huge') out = replaceAt(out, step.path, () => ONE_MB);
    else if (step.kind === 'dropNode' && nodes?.length) nodes.splice(step.at % nodes.length, 1);
    else if (step.kind === 'dropEdge' && edges?.length) edges.splice(step.at % edges.length, 1);
    else if (step.kind === 'duplicateNode' && nodes?.length) nodes.push(structuredClone(nodes[step.at % nodes.length]!));
    else if (step.kind === 'retarget' && edges?.length) {
      const edge = edges[step.at % edges.length];
      if (edge && typeof edge === 'object') edge.target = step.to;
    }
  }
  return out;
}

describe('hostile flows through the draft save', () => {
  it('a valid flow saves with no problems (the baseline the damage starts from)', async () => {
    const { revision } = await state();
    expect(await post({ intent: 'save', graph: base, revision })).toMatchObject({ ok: true, problems: [] });
  });

  it('damaged flows: refused with the problem and nothing saved, or saved as a draft listing its problems', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 4 }), async (steps) => {
        const graph = applyDamage(base, steps);
        const before = await state();
        const result = (await post({ intent: 'save', graph, revision: before.revision })) as
          | { ok: true; problems: { code: string; nodeId?: string; edgeId?: string }[] }
          | { ok: false; error: string; problems?: { code: string; params?: { error?: string } }[] };
        const after = await state();
        if (!result.ok) {
          // Refused: a malformed graph, with what is wrong and where, and the stored draft untouched.
          expect(result).toMatchObject({ error: 'invalidFlow', problems: [{ code: 'malformed' }] });
          expect(result.problems?.[0]?.params?.error).toMatch(/\S/);
          expect(after).toEqual(before);
          return;
        }
        // Saved as a draft (drafts may be unfinished): the problems name nodes and edges that exist.
        expect(after.revision).toBe(before.revision + 1);
        const saved = JSON.parse(after.draft) as FlowGraph;
        const nodeIds = new Set(saved.nodes.map((n) => n.id));
        const edgeIds = new Set(saved.edges.map((e) => e.id));
        for (const problem of result.problems) {
          expect(problem.code).toMatch(/\S/);
          if (problem.nodeId) expect(nodeIds.has(problem.nodeId), JSON.stringify(problem)).toBe(true);
          if (problem.edgeId) expect(edgeIds.has(problem.edgeId), JSON.stringify(problem)).toBe(true);
        }
        // Publishing it succeeds only without problems; with problems nothing is published.
        const published = (await post({ intent: 'publish', revision: after.revision })) as { ok: boolean };
        const versions = await prisma.questionnaireVersion.count({ where: { questionnaireId } });
        expect(published.ok).toBe(result.problems.length === 0);
        expect(versions).toBe(after.versions + (published.ok ? 1 : 0));
      }),
      fuzzOptions(80),
    );
  }, 180_000);

  it('a condition or question content nested 10 000 levels deep is answered, never thrown', async () => {
    // Built as text: the test's own JSON.stringify could not serialise it either.
    const deep = `${'{"combinator":"and","rules":['.repeat(10_000)}{"field":"x","operator":"=","value":1}${']}'.repeat(10_000)}`;
    const nested = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const withEdgeCondition = { ...base, edges: base.edges.map((e, i) => (i === 0 ? { ...e, condition: '@DEEP@' } : e)) };
    const withContent = {
      ...base,
      nodes: base.nodes.map((n) => (n.question ? { ...n, question: { ...n.question, content: { nested: '@DEEP@' } } } : n)),
    };
    for (const [graph, text] of [
      [withEdgeCondition, deep],
      [withContent, nested],
    ] as const) {
      const before = await state();
      const body = JSON.stringify({ intent: 'save', graph, revision: before.revision }).replaceAll('"@DEEP@"', text);
      const result = (await post(body)) as { ok: boolean; problems?: unknown[] };
      if (result.ok) expect(result.problems?.length).toBeGreaterThan(0);
      else expect(await state()).toEqual(before);
    }
  });

  it('any JSON as the whole request or the whole graph is answered, never thrown', async () => {
    await fc.assert(
      fc.asyncProperty(hostileJson, fc.boolean(), async (value, asGraph) => {
        const before = await state();
        const body = asGraph ? { intent: 'save', graph: value, revision: before.revision } : value;
        const result = (await post(body)) as { ok: boolean };
        expect(result.ok).toBe(false);
        expect(await state()).toEqual(before);
      }),
      fuzzOptions(100),
    );
  }, 120_000);
});
