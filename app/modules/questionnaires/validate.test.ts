import { describe, expect, it } from 'vitest';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { type FlowEdge, type FlowGraph, type FlowNode, flowScope } from './graph';
import { edge, endNode, question, salesFlow, when } from './samples';
import { type FlowProblem, validateFlow } from './validate';

const FIELDS = [...FIXED_FIELDS, customField('age', 'number')];
const check = (flow: FlowGraph) => validateFlow(flow, flowScope(flow, FIELDS, ['上海'])).problems;
const codes = (problems: FlowProblem[]) => problems.map((p) => `${p.code}:${p.nodeId ?? p.edgeId ?? ''}`).sort();

function base(): FlowGraph {
  return {
    nodes: [
      { id: 'start', kind: 'start', position: { x: 0, y: 0 } },
      question('q1', 100, { type: 'yesNo', category: 'business', zh: '在上海工作吗？', en: 'Work in Shanghai?' }),
      question('q2', 200, {
        type: 'single',
        category: 'business',
        zh: '预算',
        en: 'Budget',
        options: [
          ['low', '低', 'Low'],
          ['high', '高', 'High'],
        ],
      }),
      endNode('end', 'completed', 0, 300),
    ],
    edges: [edge('start', 'q1'), edge('q1', 'q2'), edge('q2', 'end')],
  };
}

describe('flow validation', () => {
  it('a well-formed flow has no problems', () => {
    expect(check(base())).toEqual([]);
  });

  it('a question without a default edge, and one with two', () => {
    const flow = base();
    flow.edges = flow.edges.filter((e) => e.source !== 'q2');
    flow.edges.push(edge('q2', 'end', when('answer_q2', 'equalsOption', 'low'), 1));
    expect(codes(check(flow))).toContain('noDefaultEdge:q2');
    flow.edges.push({ ...edge('q2', 'end'), id: 'd1' }, { ...edge('q2', 'end'), id: 'd2' });
    expect(codes(check(flow))).toContain('multipleDefaultEdges:q2');
  });

  it('unreachable nodes, paths that never end, and cycles', () => {
    const flow = base();
    flow.nodes.push(question('orphan', 400, { type: 'text', category: 'business', zh: '孤立', en: 'Orphan' }));
    flow.edges.push(edge('orphan', 'end'));
    expect(codes(check(flow))).toEqual(['unreachable:orphan']);
    const loop = base();
    loop.edges = [edge('start', 'q1'), edge('q1', 'q2'), edge('q2', 'q1')];
    const problems = codes(check(loop));
    expect(problems).toContain('cycle:e_q2_q1');
    expect(problems).toContain('deadEnd:q1');
    expect(problems).toContain('unreachable:end');
  });

  it('a condition on an answer not given on every path to it', () => {
    const flow = base();
    // q1 → q2 only sometimes: a condition on q2's answer at the end of another branch is not given.
    flow.nodes.push(question('q3', 250, { type: 'text', category: 'business', zh: '备注', en: 'Note' }));
    flow.edges = [
      edge('start', 'q1'),
      edge('q1', 'q2', when('answer_q1', 'isTrue'), 1),
      edge('q1', 'q3'),
      edge('q2', 'q3'),
      edge('q3', 'end', when('answer_q2', 'equalsOption', 'high'), 1),
      { ...edge('q3', 'end'), id: 'q3default' },
    ];
    expect(codes(check(flow))).toEqual(['answerNotGiven:e_q3_end']);
    // A display condition may not read the node's own answer either.
    const own = base();
    own.nodes[1] = { ...(own.nodes[1] as FlowNode), display: when('answer_q1', 'isTrue') };
    expect(codes(check(own))).toEqual(['answerNotGiven:q1']);
  });

  it('an option that no longer exists and a condition that does not fit its field', () => {
    const flow = base();
    flow.edges.push(edge('q2', 'start', null));
    flow.edges = [
      edge('start', 'q1'),
      edge('q1', 'q2'),
      { ...edge('q2', 'end', when('answer_q2', 'equalsOption', 'mid'), 1), id: 'c' },
      edge('q2', 'end'),
    ];
    const problems = check(flow);
    expect(problems).toEqual([{ code: 'optionMissing', edgeId: 'c', params: { question: 'q2', option: 'mid' } }]);
    flow.edges[2] = { ...(flow.edges[2] as FlowEdge), condition: when('age', 'contains', 'x') };
    expect(check(flow).map((p) => p.code)).toEqual(['invalidCondition']);
  });

  it('start must lead to exactly one node; ends have outcomes and no way out', () => {
    const flow = salesFlow();
    flow.edges.push(edge('refused', 'booked'));
    const end = flow.nodes.find((n) => n.id === 'later');
    if (end) delete end.outcome;
    flow.edges.push({ ...edge('start', 'interest'), id: 'second' });
    expect(codes(check(flow))).toEqual(['endHasEdges:refused', 'endOutcome:later', 'startEdge:start']);
  });

  it('a question with broken content (single choice with one option)', () => {
    const flow = base();
    const q2 = flow.nodes[2];
    if (q2?.question) q2.question.content.options = [{ code: 'only', label: { zh: '唯一', en: 'Only' } }];
    expect(check(flow)).toEqual([{ code: 'questionInvalid', nodeId: 'q2', params: { error: 'question.needsOptions' } }]);
  });
});

describe('version diff', () => {
  it('lists nodes and jumps added, removed and changed, ignoring moves', async () => {
    const { diffFlows } = await import('./diff');
    const before = base();
    const after = base();
    after.nodes[1] = { ...(after.nodes[1] as FlowNode), position: { x: 500, y: 500 } };
    expect(diffFlows(before, after)).toEqual({
      nodes: { added: [], removed: [], changed: [] },
      edges: { added: [], removed: [], changed: [] },
    });
    after.nodes.push(question('q3', 250, { type: 'text', category: 'business', zh: '备注', en: 'Note' }));
    after.edges = [edge('start', 'q1'), edge('q1', 'q2', when('answer_q1', 'isTrue'), 1), edge('q1', 'q3'), edge('q3', 'end')];
    const q2 = after.nodes[2];
    if (q2?.question) q2.question.content.text.zh = '预算区间';
    expect(diffFlows(before, after)).toEqual({
      nodes: { added: ['q3'], removed: [], changed: ['q2'] },
      edges: { added: ['q1→q3', 'q3→end'], removed: ['q2→end'], changed: ['q1→q2'] },
    });
  });
});
