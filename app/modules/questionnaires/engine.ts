import { evaluateCondition, type ScopeRow } from '../../rules';
import { answerVariable, type FlowEdge, type FlowGraph, type FlowNode, outEdges } from './graph';

// The questionnaire engine: a pure function from (published flow, contact, answers so far) to the
// next question or the end. The agent workstation, the robot and the online page all call it, and
// the editor's preview runs it in the browser.

/** nodeId → stored answer (see `checkAnswer`); identity answers are stored as verified true/false. */
export type Answers = Record<string, unknown>;

export type Step =
  | { kind: 'question'; node: FlowNode; path: string[]; skipped: string[] }
  | { kind: 'end'; node: FlowNode; outcome: string; path: string[]; skipped: string[] }
  /** Only for a flow that failed validation (drafts in the preview): where and why the walk stopped. */
  | { kind: 'stuck'; nodeId: string; reason: 'noDefaultEdge' | 'loop' | 'missingNode'; path: string[]; skipped: string[] };

/** The contact as conditions see it: template fields by key, tags, status, attempts, dnc, consent. */
export type ContactRow = ScopeRow;

/**
 * Walks from the start: a question whose display condition is false is skipped along its default
 * edge; an answered one leaves by its first matching conditional edge (by priority) or its default
 * edge; the first unanswered shown question is returned. Only answers on the path count, so an
 * answer left over from a branch the customer backed out of can never steer the flow.
 */
export function nextStep(graph: FlowGraph, contact: ContactRow, answers: Answers): Step {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const row: ScopeRow = { ...contact };
  const path: string[] = [];
  const skipped: string[] = [];
  let node = graph.nodes.find((n) => n.kind === 'start');
  const stuck = (nodeId: string, reason: 'noDefaultEdge' | 'loop' | 'missingNode'): Step => ({
    kind: 'stuck',
    nodeId,
    reason,
    path,
    skipped,
  });
  if (!node) return stuck('start', 'missingNode');
  for (let steps = 0; steps <= graph.nodes.length; steps++) {
    if (node.kind === 'end') return { kind: 'end', node, outcome: node.outcome ?? 'completed', path, skipped };
    let edge: FlowEdge | undefined;
    const edges = outEdges(graph, node.id);
    if (node.kind === 'question') {
      const shown = !node.display || evaluateCondition(node.display, row);
      if (!shown) {
        skipped.push(node.id);
        row[answerVariable(node.id)] = null;
      } else {
        path.push(node.id);
        if (!Object.hasOwn(answers, node.id)) return { kind: 'question', node, path, skipped };
        row[answerVariable(node.id)] = answers[node.id] ?? null;
        edge = edges.conditional.find((e) => e.condition && evaluateCondition(e.condition, row));
      }
    }
    edge ??= edges.defaults[0];
    if (!edge) return stuck(node.id, 'noDefaultEdge');
    const next = byId.get(edge.target);
    if (!next) return stuck(edge.target, 'missingNode');
    node = next;
  }
  return stuck(node.id, 'loop');
}

/** The answers that still count after a walk: those of questions on the path. */
export function answersOnPath(step: Step, answers: Answers): Answers {
  return Object.fromEntries(step.path.filter((id) => Object.hasOwn(answers, id)).map((id) => [id, answers[id]]));
}

/** Going back: forget the answer to the last answered question on the path. */
export function withoutLastAnswer(step: Step, answers: Answers): Answers {
  const kept = answersOnPath(step, answers);
  const answered = step.path.filter((id) => Object.hasOwn(kept, id));
  const last = answered.at(-1);
  if (last) delete kept[last];
  return kept;
}

/** The most questions still ahead from a node (itself included), over any path: an honest progress bound. */
export function questionsAhead(graph: FlowGraph, fromId: string): number {
  const memo = new Map<string, number>();
  const visit = (id: string, depth: number): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (depth > graph.nodes.length) return 0;
    const node = graph.nodes.find((n) => n.id === id);
    const next = graph.edges.filter((e) => e.source === id).map((e) => visit(e.target, depth + 1));
    const value = (node?.kind === 'question' ? 1 : 0) + Math.max(0, ...next);
    memo.set(id, value);
    return value;
  };
  return visit(fromId, 0);
}
