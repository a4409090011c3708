import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateCondition } from '../../rules';
import { FIXED_FIELDS } from '../lists/field-template';
import { answersOnPath, nextStep, withoutLastAnswer } from './engine';
import { type FlowEdge, type FlowGraph, type FlowNode, flowScope } from './graph';
import { checkAnswer, type QuestionType } from './question';
import { edge, endNode, question, returnVisitFlow, salesFlow, when } from './samples';
import { validateFlow } from './validate';

const TAGS = ['上海', '成都', 'VIP'];

/** Runs a flow to its end, answering each shown question with `answer(node)`; returns the visited nodes. */
function run(graph: FlowGraph, contact: Record<string, unknown>, answer: (node: FlowNode) => unknown) {
  const answers: Record<string, unknown> = {};
  for (let i = 0; i <= graph.nodes.length; i++) {
    const step = nextStep(graph, contact, answers);
    if (step.kind !== 'question') return { step, answers };
    answers[step.node.id] = answer(step.node);
  }
  throw new Error('did not terminate');
}

describe('engine on the demo flows', () => {
  it('the return visit ends early for the wrong person and for a failed identity check', () => {
    const flow = returnVisitFlow();
    const wrong = run(flow, { name: '张三' }, (n) => n.id !== 'holder');
    expect(wrong.step).toMatchObject({ kind: 'end', outcome: 'wrongPerson', path: ['greet', 'holder'] });
    const failed = run(flow, {}, (n) => n.id !== 'idcheck');
    expect(failed.step).toMatchObject({ kind: 'end', outcome: 'identityFailed' });
  });

  it('an unexplained policy takes the explanation script before the rating', () => {
    const flow = returnVisitFlow();
    const answer = (n: FlowNode) => (n.id === 'explained' ? 'no' : n.id === 'satisfaction' ? 9 : true);
    const result = run(flow, {}, answer);
    expect(result.step).toMatchObject({ kind: 'end', outcome: 'completed' });
    expect(result.step.path).toEqual(['greet', 'holder', 'idcheck', 'signed', 'explained', 'explain', 'satisfaction']);
    const explained = run(flow, {}, (n) => (n.id === 'explained' ? 'yes' : n.id === 'satisfaction' ? 9 : true));
    expect(explained.step.path).not.toContain('explain');
  });

  it('the sales question for Shanghai is shown to contacts tagged 上海 and skipped for 成都', () => {
    const flow = salesFlow();
    const answer = (n: FlowNode) =>
      n.id === 'interest' ? 'soon' : n.id === 'budget' ? 'b300' : n.id === 'visitDate' ? '2026-12-01' : true;
    const shanghai = run(flow, { tags: ['上海'] }, answer);
    const chengdu = run(flow, { tags: ['成都'] }, answer);
    expect(shanghai.step.path).toContain('works');
    expect(chengdu.step.path).not.toContain('works');
    expect(chengdu.step.skipped).toEqual(['works']);
    expect(chengdu.step).toMatchObject({ kind: 'end', outcome: 'completed' });
  });

  it('going back forgets the last answer, and answers from an abandoned branch do not steer the flow', () => {
    const flow = salesFlow();
    const answers = { opening: true, interest: 'no' };
    const refused = nextStep(flow, {}, answers);
    expect(refused).toMatchObject({ kind: 'end', outcome: 'refused' });
    const back = withoutLastAnswer(refused, answers);
    expect(back).toEqual({ opening: true });
    // A stale visit answer from another branch is ignored until its question is on the path again.
    const stale = { ...back, interest: 'soon', visit: false, budget: 'b600' };
    const step = nextStep(flow, { tags: ['上海'] }, stale);
    expect(step).toMatchObject({ kind: 'question', node: { id: 'works' } });
    expect(answersOnPath(step, stale)).toEqual({ opening: true, interest: 'soon' });
  });

  it('the demo flows pass validation', () => {
    for (const flow of [returnVisitFlow(), salesFlow()]) {
      const { problems } = validateFlow(flow, flowScope(flow, FIXED_FIELDS, TAGS));
      expect(problems).toEqual([]);
    }
  });
});

// Random valid flows: questions in a fixed order, every edge pointing forward (so no cycles), a
// default edge on each question, conditional edges on the question's own answer and display
// conditions on tags. Whatever the answers, the engine must reach an end within one step per node
// and never show a question whose display condition is false.
const TYPES: QuestionType[] = ['single', 'multiple', 'yesNo', 'number', 'rating', 'text', 'script'];
const OPTIONS: [string, string, string][] = [
  ['a', 'A', 'A'],
  ['b', 'B', 'B'],
  ['c', 'C', 'C'],
];

function conditionOn(id: string, type: QuestionType, pick: number) {
  switch (type) {
    case 'single':
      return when(`answer_${id}`, 'equalsOption', OPTIONS[pick % 3]?.[0]);
    case 'multiple':
      return when(`answer_${id}`, 'includesOption', OPTIONS[pick % 3]?.[0]);
    case 'yesNo':
      return when(`answer_${id}`, pick % 2 ? 'isTrue' : 'isFalse');
    case 'number':
    case 'rating':
      return when(`answer_${id}`, '>', pick % 10);
    case 'text':
      return when(`answer_${id}`, 'contains', 'x');
    default:
      return null;
  }
}

const flowArbitrary = fc
  .record({
    questions: fc.array(
      fc.record({
        type: fc.constantFrom(...TYPES),
        defaultJump: fc.nat(),
        jumps: fc.array(fc.record({ to: fc.nat(), pick: fc.nat() }), { maxLength: 3 }),
        display: fc.option(fc.record({ tag: fc.constantFrom(...TAGS), negate: fc.boolean() }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 14 },
    ),
    ends: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ questions, ends }): FlowGraph => {
    const n = questions.length;
    const endIds = Array.from({ length: ends }, (_, i) => `end${i}`);
    // Targets after question i: later questions or any end.
    const target = (i: number, k: number) => {
      const choices = [...Array.from({ length: n - i - 1 }, (_, j) => `q${i + j + 1}`), ...endIds];
      return choices[k % choices.length] as string;
    };
    const nodes: FlowNode[] = [{ id: 'start', kind: 'start', position: { x: 0, y: 0 } }];
    const edges: FlowEdge[] = [edge('start', 'q0')];
    questions.forEach((q, i) => {
      const id = `q${i}`;
      const display = q.display
        ? {
            combinator: 'and' as const,
            ...(q.display.negate ? { not: true } : {}),
            rules: [{ field: 'tags', operator: 'has', value: q.display.tag }],
          }
        : undefined;
      nodes.push(
        question(
          id,
          i * 100,
          {
            type: q.type,
            category: 'business',
            zh: `问题 ${i}`,
            en: `Question ${i}`,
            ...(['single', 'multiple'].includes(q.type) ? { options: OPTIONS } : {}),
            ...(q.type === 'rating' ? { min: 0, max: 10 } : {}),
          },
          display,
        ),
      );
      edges.push({ ...edge(id, target(i, q.defaultJump)), id: `d_${id}` });
      q.jumps.forEach((j, k) => {
        const condition = conditionOn(id, q.type, j.pick);
        if (condition) edges.push({ id: `c_${id}_${k}`, source: id, target: target(i, j.to), condition, priority: k + 1 });
      });
    });
    endIds.forEach((id, i) => {
      nodes.push(endNode(id, 'completed', i * 200, 2000));
    });
    // Drop what no edge reaches (a random jump table leaves some nodes out), as an editor would flag it.
    const reached = new Set(['start']);
    for (const e of edges) if (reached.has(e.source)) reached.add(e.target);
    return { nodes: nodes.filter((n) => reached.has(n.id)), edges: edges.filter((e) => reached.has(e.source)) };
  });

const answerArbitrary = fc.record({
  choice: fc.nat(),
  number: fc.integer({ min: 0, max: 10 }),
  text: fc.constantFrom('x', 'abc', 'xyz'),
  bool: fc.boolean(),
});

function randomAnswer(node: FlowNode, a: { choice: number; number: number; text: string; bool: boolean }): unknown {
  const type = node.question?.type;
  const raw =
    type === 'single'
      ? OPTIONS[a.choice % 3]?.[0]
      : type === 'multiple'
        ? OPTIONS.slice(0, (a.choice % 3) + 1).map((o) => o[0])
        : type === 'yesNo'
          ? a.bool
          : type === 'number' || type === 'rating'
            ? a.number
            : type === 'text'
              ? a.text
              : true;
  const checked = checkAnswer(
    { type: node.question?.type ?? 'text', content: node.question?.content ?? { text: { zh: '', en: '' }, required: true } },
    raw,
  );
  if (!checked.ok) throw new Error(`generated an invalid answer ${JSON.stringify(raw)} for ${node.id}: ${checked.key}`);
  return checked.value;
}

describe('engine properties', () => {
  it('random valid flows pass validation, always end within one step per node, and never show a hidden question', () => {
    fc.assert(
      fc.property(
        flowArbitrary,
        fc.subarray(TAGS),
        fc.array(answerArbitrary, { minLength: 20, maxLength: 20 }),
        (flow, tags, pool) => {
          expect(validateFlow(flow, flowScope(flow, FIXED_FIELDS, TAGS)).problems).toEqual([]);
          const contact = { tags };
          const answers: Record<string, unknown> = {};
          const byId = new Map(flow.nodes.map((n) => [n.id, n]));
          let steps = 0;
          for (;;) {
            const step = nextStep(flow, contact, answers);
            expect(step.kind).not.toBe('stuck');
            for (const id of step.path) {
              const display = byId.get(id)?.display;
              if (display) expect(evaluateCondition(display, { ...contact })).toBe(true);
            }
            for (const id of step.skipped) expect(evaluateCondition(byId.get(id)?.display as never, { ...contact })).toBe(false);
            if (step.kind !== 'question') break;
            steps++;
            expect(steps).toBeLessThanOrEqual(flow.nodes.length);
            answers[step.node.id] = randomAnswer(step.node, pool[steps % pool.length] as never);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
