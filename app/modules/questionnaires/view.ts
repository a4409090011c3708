import type { FlowNode } from './graph';
import { fillPlaceholders, localText, type QuestionType } from './question';

// What a person answering a questionnaire sees (agent, online customer, editor preview): plain
// data, safe for the browser, built from a flow node and the contact's placeholder values.

/** A question as the person answering sees it: text filled in, no identity field, no graph. */
export interface QuestionView {
  nodeId: string;
  type: QuestionType;
  category: string;
  text: string;
  help: string;
  required: boolean;
  options: { code: string; label: string }[];
  min?: number;
  max?: number;
}

export interface RunnerState {
  responseId: string;
  versionId: string;
  status: 'inProgress' | 'completed' | 'abandoned';
  outcome: string | null;
  question: QuestionView | null;
  /** Questions answered so far on the path, with the answer as shown. */
  answered: { nodeId: string; text: string; answer: string }[];
  canGoBack: boolean;
  /** At most this many questions are still ahead (for a progress bar). */
  questionsAhead: number;
}

export function questionView(node: FlowNode, placeholders: Record<string, unknown>, language: string): QuestionView {
  const q = node.question;
  if (!q) throw new Error(`node ${node.id} is not a question`);
  return {
    nodeId: node.id,
    type: q.type,
    category: q.category,
    text: fillPlaceholders(localText(q.content.text, language), placeholders),
    help: localText(q.content.help, language),
    required: q.content.required,
    options: (q.content.options ?? []).map((o) => ({ code: o.code, label: localText(o.label, language) })),
    ...(q.content.min !== undefined ? { min: q.content.min } : {}),
    ...(q.content.max !== undefined ? { max: q.content.max } : {}),
  };
}

/** An answer as text, in the reader's language (options by label, booleans as yes/no). */
export function answerText(node: FlowNode | undefined, value: unknown, language: string): string {
  if (value === null || value === undefined) return '—';
  const yes = language === 'en' ? 'Yes' : '是';
  const no = language === 'en' ? 'No' : '否';
  const label = (code: unknown) => {
    const o = node?.question?.content.options?.find((x) => x.code === code);
    return o ? localText(o.label, language) : String(code);
  };
  if (node?.question?.type === 'identity')
    return value ? (language === 'en' ? 'Verified' : '核验通过') : language === 'en' ? 'Not verified' : '核验未通过';
  if (node?.question?.type === 'script') return language === 'en' ? 'Read' : '已读';
  if (typeof value === 'boolean') return value ? yes : no;
  if (Array.isArray(value)) return value.map(label).join('、');
  return node?.question?.content.options ? label(value) : String(value);
}
