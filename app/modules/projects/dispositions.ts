import { z } from 'zod';
import { OUTCOME_CLASSES } from './closing-rules';

// Disposition codes: a tree staff maintain per project (成功 → 已核实 / 已投保 …), each leaf mapped
// to an outcome class the closing rule understands.

export interface Disposition {
  code: string;
  label: { zh: string; en: string };
  outcome?: (typeof OUTCOME_CLASSES)[number];
  children?: Disposition[];
}

export const DispositionSchema: z.ZodType<Disposition> = z.lazy(() =>
  z
    .object({
      code: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, { message: 'disposition.code' }),
      label: z.object({ zh: z.string().trim().min(1).max(60), en: z.string().trim().min(1).max(60) }),
      outcome: z.enum(OUTCOME_CLASSES).optional(),
      children: z.array(DispositionSchema).max(50).optional(),
    })
    .refine((d) => (d.children?.length ? true : d.outcome !== undefined), {
      message: 'disposition.leafNeedsOutcome',
      path: ['outcome'],
    }),
);

export const DispositionTreeSchema = z
  .array(DispositionSchema)
  .min(1)
  .max(100)
  .superRefine((tree, ctx) => {
    const seen = new Set<string>();
    for (const leaf of flattenDispositions(tree)) {
      if (seen.has(leaf.code)) ctx.addIssue({ code: 'custom', message: 'disposition.duplicateCode', path: [leaf.code] });
      seen.add(leaf.code);
    }
  });

/** Every node, depth first, with its path of labels (for pickers: 成功 / 已核实). */
export function flattenDispositions(tree: Disposition[], path: Disposition[] = []): (Disposition & { path: Disposition[] })[] {
  return tree.flatMap((node) => [{ ...node, path }, ...flattenDispositions(node.children ?? [], [...path, node])]);
}

export function findDisposition(tree: Disposition[], code: string): Disposition | undefined {
  return flattenDispositions(tree).find((d) => d.code === code);
}

const leaf = (code: string, zh: string, en: string, outcome: Disposition['outcome']): Disposition => ({
  code,
  label: { zh, en },
  outcome,
});

/** A starting tree for a new project; staff edit it. */
export const DEFAULT_DISPOSITIONS: Disposition[] = [
  { code: 'success', label: { zh: '成功', en: 'Success' }, children: [leaf('success.done', '已完成', 'Completed', 'success')] },
  {
    code: 'failure',
    label: { zh: '失败', en: 'Failure' },
    children: [
      leaf('failure.refused', '拒绝', 'Refused', 'failure'),
      leaf('failure.notEligible', '不符合条件', 'Not eligible', 'failure'),
    ],
  },
  {
    code: 'later',
    label: { zh: '再联系', en: 'Contact again' },
    children: [
      leaf('later.callback', '预约回拨', 'Callback', 'callback'),
      leaf('later.busy', '客户在忙', 'Customer busy', 'retry'),
    ],
  },
  leaf('dnc', '要求勿扰', 'Do not call', 'doNotCall'),
  leaf('invalid', '空号/错号', 'Invalid number', 'invalidNumber'),
];
