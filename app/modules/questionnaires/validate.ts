import { type Condition, type ConditionGroup, type ConditionRule, checkCondition, isGroup, type RuleScope } from '../../rules';
import { answersReferenced, type FlowGraph, type FlowNode, outEdges } from './graph';
import { checkQuestion } from './question';

// Flow validation, shown on the canvas (red nodes, a problem list) and enforced on publish: a
// published flow always terminates at an end node, and every condition reads answers that were
// given (or deliberately skipped) on every path that reaches it.

export const PROBLEM_CODES = [
  'malformed',
  'noStart',
  'multipleStarts',
  'noEnd',
  'startEdge',
  'danglingEdge',
  'edgeIntoStart',
  'endHasEdges',
  'endOutcome',
  'noDefaultEdge',
  'multipleDefaultEdges',
  'questionInvalid',
  'unreachable',
  'cycle',
  'deadEnd',
  'invalidCondition',
  'answerNotGiven',
  'optionMissing',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface FlowProblem {
  code: ProblemCode;
  nodeId?: string;
  edgeId?: string;
  /** Translation parameters: the question referred to, the option code, the rule error. */
  params?: Record<string, string | number>;
}

export interface FlowCheck {
  problems: FlowProblem[];
  /** The flow with every condition normalised by `checkCondition` (what publishing stores). */
  graph: FlowGraph;
}

export function validateFlow(input: FlowGraph, scope: RuleScope): FlowCheck {
  const problems: FlowProblem[] = [];
  const graph: FlowGraph = { nodes: input.nodes.map((n) => ({ ...n })), edges: input.edges.map((e) => ({ ...e })) };
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const starts = graph.nodes.filter((n) => n.kind === 'start');
  if (starts.length === 0) problems.push({ code: 'noStart' });
  for (const extra of starts.slice(1)) problems.push({ code: 'multipleStarts', nodeId: extra.id });
  if (!graph.nodes.some((n) => n.kind === 'end')) problems.push({ code: 'noEnd' });

  const edges = graph.edges.filter((e) => {
    if (!byId.has(e.source) || !byId.has(e.target)) {
      problems.push({ code: 'danglingEdge', edgeId: e.id });
      return false;
    }
    return true;
  });
  const flow: FlowGraph = { nodes: graph.nodes, edges };

  for (const node of graph.nodes) {
    const { conditional, defaults } = outEdges(flow, node.id);
    if (node.kind === 'start') {
      if (defaults.length !== 1 || conditional.length) problems.push({ code: 'startEdge', nodeId: node.id });
    } else if (node.kind === 'end') {
      if (defaults.length || conditional.length) problems.push({ code: 'endHasEdges', nodeId: node.id });
      if (!node.outcome) problems.push({ code: 'endOutcome', nodeId: node.id });
    } else {
      if (defaults.length === 0) problems.push({ code: 'noDefaultEdge', nodeId: node.id });
      if (defaults.length > 1) problems.push({ code: 'multipleDefaultEdges', nodeId: node.id });
      const checked = checkQuestion(node.question?.type, node.question?.content);
      if (!checked.ok)
        problems.push({ code: 'questionInvalid', nodeId: node.id, params: { error: checked.errors[0]?.key ?? '' } });
    }
  }
  for (const e of edges) if (byId.get(e.target)?.kind === 'start') problems.push({ code: 'edgeIntoStart', edgeId: e.id });

  const start = starts[0];
  const succ = adjacency(flow, 'forward');
  const reachable = start ? reach(start.id, succ) : new Set<string>();
  for (const node of graph.nodes)
    if (node.kind !== 'start' && !reachable.has(node.id)) problems.push({ code: 'unreachable', nodeId: node.id });
  for (const edgeId of backEdges(flow, start?.id)) problems.push({ code: 'cycle', edgeId });
  const pred = adjacency(flow, 'backward');
  const reachesEnd = new Set<string>();
  for (const end of graph.nodes.filter((n) => n.kind === 'end')) for (const id of reach(end.id, pred)) reachesEnd.add(id);
  for (const id of reachable)
    if (!reachesEnd.has(id) && byId.get(id)?.kind !== 'end') problems.push({ code: 'deadEnd', nodeId: id });

  const dominators = start ? dominatorSets(start.id, reachable, pred) : new Map<string, Set<string>>();
  const checkOne = (condition: Condition, at: { nodeId?: string; edgeId?: string }, owner: string, strict: boolean) => {
    const missing = missingOptions(condition, byId);
    if (missing) {
      problems.push({ code: 'optionMissing', ...at, params: missing });
      return condition;
    }
    const checked = checkCondition(condition, scope);
    if (!checked.ok) {
      const error = checked.errors[0];
      problems.push({ code: 'invalidCondition', ...at, params: { error: error?.key ?? '', ...(error?.params ?? {}) } });
      return condition;
    }
    const dom = dominators.get(owner);
    for (const ref of answersReferenced(checked.value)) {
      const given = dom?.has(ref) && (!strict || ref !== owner);
      if (!given) problems.push({ code: 'answerNotGiven', ...at, params: { question: ref } });
    }
    return checked.value;
  };
  for (const node of graph.nodes) if (node.display) node.display = checkOne(node.display, { nodeId: node.id }, node.id, true);
  for (const edge of edges)
    if (edge.condition) edge.condition = checkOne(edge.condition, { edgeId: edge.id }, edge.source, false);
  return { problems, graph };
}

/** Problems by the node they are shown on (an edge's problems show on its source node). */
export function problemsByNode(graph: FlowGraph, problems: FlowProblem[]): Map<string, FlowProblem[]> {
  const out = new Map<string, FlowProblem[]>();
  for (const p of problems) {
    const id = p.nodeId ?? graph.edges.find((e) => e.id === p.edgeId)?.source;
    if (!id) continue;
    out.set(id, [...(out.get(id) ?? []), p]);
  }
  return out;
}

function adjacency(graph: FlowGraph, direction: 'forward' | 'backward'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    const [from, to] = direction === 'forward' ? [e.source, e.target] : [e.target, e.source];
    out.set(from, [...(out.get(from) ?? []), to]);
  }
  return out;
}

function reach(from: string, next: Map<string, string[]>): Set<string> {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length) {
    for (const n of next.get(stack.pop() as string) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

/** Edges that close a cycle, found by an iterative depth-first search from the start. */
function backEdges(graph: FlowGraph, startId: string | undefined): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const found: string[] = [];
  const bySource = new Map<string, typeof graph.edges>();
  for (const e of graph.edges) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e]);
  const roots = [startId, ...graph.nodes.map((n) => n.id)].filter((id): id is string => !!id);
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: { id: string; i: number }[] = [{ id: root, i: 0 }];
    state.set(root, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1] as { id: string; i: number };
      const out = bySource.get(top.id) ?? [];
      if (top.i >= out.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const edge = out[top.i++] as (typeof out)[number];
      const s = state.get(edge.target);
      if (s === 'open') found.push(edge.id);
      else if (!s) {
        state.set(edge.target, 'open');
        stack.push({ id: edge.target, i: 0 });
      }
    }
  }
  return found;
}

/** For each reachable node, the nodes on every path from the start to it (itself included). */
function dominatorSets(startId: string, reachable: Set<string>, pred: Map<string, string[]>): Map<string, Set<string>> {
  const all = [...reachable];
  const dom = new Map<string, Set<string>>(all.map((id) => [id, id === startId ? new Set([id]) : new Set(all)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of all) {
      if (id === startId) continue;
      const preds = (pred.get(id) ?? []).filter((p) => reachable.has(p));
      const sets = preds.map((p) => dom.get(p) as Set<string>);
      const next = new Set(sets.length ? [...(sets[0] as Set<string>)].filter((x) => sets.every((d) => d.has(x))) : []);
      next.add(id);
      if (next.size !== dom.get(id)?.size) {
        dom.set(id, next);
        changed = true;
      }
    }
  }
  return dom;
}

const OPTION_OPERATORS = new Set(['equalsOption', 'notEqualsOption', 'includesOption', 'hasAny', 'hasAll', 'hasNone']);

/** The first option code a condition compares an answer with that its question no longer offers. */
function missingOptions(condition: Condition, byId: Map<string, FlowNode>): { question: string; option: string } | null {
  // Runs before checkCondition, so on a condition of any shape: what is not a rule is left to it.
  const walk = (g: ConditionGroup): { question: string; option: string } | null => {
    for (const n of Array.isArray(g.rules) ? g.rules : []) {
      if (n === null || typeof n !== 'object') continue;
      const found = isGroup(n) ? walk(n) : checkRule(n);
      if (found) return found;
    }
    return null;
  };
  const checkRule = (r: ConditionRule) => {
    if (typeof r.field !== 'string' || !r.field.startsWith('answer_') || !OPTION_OPERATORS.has(r.operator)) return null;
    const question = r.field.slice('answer_'.length);
    const options: unknown = byId.get(question)?.question?.content.options;
    if (!Array.isArray(options)) return null;
    const codes = new Set(options.map((o: { code?: unknown } | null) => o?.code));
    const values = Array.isArray(r.value) ? r.value : [r.value];
    const gone = values.find((v) => typeof v === 'string' && !codes.has(v));
    return gone === undefined ? null : { question, option: String(gone) };
  };
  return walk(condition);
}
