import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { ruleError } from '../rules/errors';
import { MAX_FORMULA_LENGTH } from '../rules/formula';
import { compileCondition, compileFormula, evaluateBatch } from '../rules/runtime.server';
import { defineScope, FIELD_TYPES, type RuleError, type RuleScope } from '../rules/types';

// "Test against sample data" for the rule editors: compiles the rule against the scope the
// editor declares and runs it on the posted sample rows in the real sandbox.

const MAX_BODY = 512 * 1024;
const Scope = z.object({
  id: z.string().max(100),
  fields: z
    .array(
      z.object({
        name: z.string().max(64),
        type: z.enum(FIELD_TYPES),
        options: z.array(z.string().max(200)).max(500).optional(),
      }),
    )
    .max(200),
});
const Rows = z.array(z.record(z.string(), z.unknown())).max(200);
const Body = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('formula'), source: z.string().max(MAX_FORMULA_LENGTH), scope: Scope, rows: Rows }),
  z.object({ kind: z.literal('condition'), condition: z.unknown(), scope: Scope, rows: Rows }),
]);

export type RuleTestReply = { ok: true; results: unknown[]; errors: (RuleError | null)[] } | { ok: false; errors: RuleError[] };

function declaredScope(scope: z.infer<typeof Scope>): RuleScope | null {
  try {
    return defineScope(scope.id, scope.fields);
  } catch {
    return null;
  }
}

export const action = withPermission('rules.test', async ({ request }): Promise<RuleTestReply> => {
  const text = await request.text();
  const bad: RuleTestReply = { ok: false, errors: [ruleError('syntax', 'condition.shape')] };
  if (text.length > MAX_BODY) return bad;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return bad;
  }
  const parsed = Body.safeParse(json);
  if (!parsed.success) return bad;
  const input = parsed.data;
  const scope = declaredScope(input.scope);
  if (!scope) return bad;
  const compiled = input.kind === 'formula' ? compileFormula(input.source, scope) : compileCondition(input.condition, scope);
  if (!compiled.ok) return { ok: false, errors: compiled.errors };
  const { results, errors } = await evaluateBatch(compiled.value, input.rows);
  return { ok: true, results, errors };
});
