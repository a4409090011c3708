import { z } from 'zod';
import { type Condition, defineScope, type RuleScope, type ScopeField } from '../../rules';
import { contactScope } from '../lists/contact-scope';
import type { FieldDef } from '../lists/field-template';
import { answerType, type LocalText, localText, type QuestionContent, type QuestionType } from './question';

// A questionnaire flow: a start node, question nodes and end nodes joined by jump rules (edges).
// The flow editor edits it as a draft; publishing freezes it, questions' content included.

export const END_OUTCOMES = ['completed', 'refused', 'identityFailed', 'callback', 'wrongPerson', 'other'] as const;

export interface FlowQuestion {
  /** The bank question and version this node was taken from; absent for an inline question. */
  ref?: { questionId: string; version: number };
  type: QuestionType;
  category: string;
  content: QuestionContent;
}

export interface FlowNode {
  id: string;
  kind: 'start' | 'question' | 'end';
  position: { x: number; y: number };
  question?: FlowQuestion;
  /** Shown only when the contact (and earlier answers) satisfy it; otherwise skipped along the default edge. */
  display?: Condition | null;
  /** End nodes: the outcome recorded when a run ends here, and an optional label. */
  outcome?: string;
  label?: LocalText;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  /** Null for the default edge, taken when no conditional edge of its source matches. */
  condition: Condition | null;
  /** Conditional edges are tried in ascending priority. */
  priority: number;
}

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export const NODE_ID = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
export const MAX_NODES = 300;

const Position = z.object({ x: z.number().finite(), y: z.number().finite() });
const Json = z.custom<Condition>((v) => typeof v === 'object' && v !== null && !Array.isArray(v));

const FlowNodeSchema = z.object({
  id: z.string().regex(NODE_ID),
  kind: z.enum(['start', 'question', 'end']),
  position: Position,
  question: z
    .object({
      ref: z.object({ questionId: z.string().uuid(), version: z.number().int().positive() }).optional(),
      type: z.string(),
      category: z.string().max(40),
      content: z.record(z.string(), z.unknown()),
    })
    .optional(),
  display: Json.nullable().optional(),
  outcome: z.string().max(40).optional(),
  label: z.object({ zh: z.string().max(100), en: z.string().max(100) }).optional(),
});

const FlowEdgeSchema = z.object({
  id: z.string().min(1).max(80),
  source: z.string(),
  target: z.string(),
  condition: Json.nullable(),
  priority: z.number().int().min(0).max(1000),
});

/** Parses the stored or submitted shape; semantic checks are `validateFlow`'s job. */
export const FlowGraphSchema = z.object({
  nodes: z.array(FlowNodeSchema).max(MAX_NODES),
  edges: z.array(FlowEdgeSchema).max(MAX_NODES * 10),
});

/** Deeper than any real flow goes (a condition nests at most 8 groups); stops a hostile body early. */
const MAX_FLOW_DEPTH = 64;

/** Where the input first nests deeper than `limit`, found without recursion; null when it does not. */
function nestedTooDeep(input: unknown, limit: number): string | null {
  const stack: { value: unknown; path: string[] }[] = [{ value: input, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.path.length > limit) return item.path.slice(0, 6).join('.');
    for (const [key, value] of Object.entries(item.value)) stack.push({ value, path: [...item.path, key] });
  }
  return null;
}

export function parseFlow(input: unknown): { ok: true; value: FlowGraph } | { ok: false; error: string } {
  // Before the schema and the database: both recurse, and a body nested thousands deep overflows the stack.
  const deep = nestedTooDeep(input, MAX_FLOW_DEPTH);
  if (deep !== null) return { ok: false, error: `${deep}…: nested deeper than ${MAX_FLOW_DEPTH} levels` };
  const parsed = FlowGraphSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const ids = new Set<string>();
  for (const node of parsed.data.nodes) {
    if (ids.has(node.id)) return { ok: false, error: `nodes: duplicate id ${node.id}` };
    ids.add(node.id);
  }
  return { ok: true, value: parsed.data as FlowGraph };
}

/** The starter flow of a new questionnaire: start → end (completed). */
export function emptyFlow(): FlowGraph {
  return {
    nodes: [
      { id: 'start', kind: 'start', position: { x: 0, y: 0 } },
      { id: 'end1', kind: 'end', position: { x: 0, y: 240 }, outcome: 'completed' },
    ],
    edges: [{ id: 'e_start_end1', source: 'start', target: 'end1', condition: null, priority: 0 }],
  };
}

/** The scope variable that holds a node's answer in conditions. */
export const answerVariable = (nodeId: string) => `answer_${nodeId}`;

/**
 * What conditions in a flow may read: the contact's fields and tags (as the project's template
 * declares them) and every question's answer.
 */
export function flowScope(graph: FlowGraph, fields: FieldDef[], knownTags: string[] = []): RuleScope {
  const contact = contactScope(fields, knownTags).scope.fields.filter((f) => !f.name.startsWith('answer_'));
  const answers: ScopeField[] = [];
  for (const node of graph.nodes) {
    const q = node.question;
    if (node.kind !== 'question' || !q) continue;
    const type = answerType(q.type);
    if (!type) continue;
    const text = (lang: string) => `${node.id} · ${localText(q.content.text, lang).slice(0, 40)}`;
    answers.push({
      name: answerVariable(node.id),
      type,
      label: { en: text('en'), 'zh-CN': text('zh') },
      ...(q.content.options ? { options: q.content.options.map((o) => o.code) } : {}),
    });
  }
  return defineScope('questionnaire', [...contact, ...answers]);
}

/** The node ids an answer variable or condition refers to. */
export function answersReferenced(condition: Condition | null | undefined): string[] {
  const out = new Set<string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as { field?: unknown; rules?: unknown[] };
    if (Array.isArray(n.rules)) n.rules.forEach(walk);
    else if (typeof n.field === 'string' && n.field.startsWith('answer_')) out.add(n.field.slice('answer_'.length));
  };
  walk(condition);
  return [...out];
}

/** Out-edges of a node: conditional ones by priority, then the default. */
export function outEdges(graph: FlowGraph, nodeId: string): { conditional: FlowEdge[]; defaults: FlowEdge[] } {
  const edges = graph.edges.filter((e) => e.source === nodeId);
  return {
    conditional: edges.filter((e) => e.condition).sort((a, b) => a.priority - b.priority),
    defaults: edges.filter((e) => !e.condition),
  };
}
