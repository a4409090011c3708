import { useFetcher } from '@remix-run/react';
import { useCallback } from 'react';
import type { RuleTestReply } from '../../routes/api.rules.evaluate';
import type { Condition } from '../../rules/condition';
import type { RuleScope, ScopeRow } from '../../rules/types';

export type RuleUnderTest = { kind: 'formula'; source: string } | { kind: 'condition'; condition: Condition };

/** Runs a rule on sample rows through the server's sandbox (`/api/rules/evaluate`). */
export function useRuleTest() {
  const fetcher = useFetcher<RuleTestReply>({ key: undefined });
  const run = useCallback(
    (rule: RuleUnderTest, scope: RuleScope, rows: ScopeRow[]) => {
      const scopeData = {
        id: scope.id,
        fields: scope.fields.map(({ name, type, options }) => ({ name, type, ...(options ? { options } : {}) })),
      };
      fetcher.submit(JSON.parse(JSON.stringify({ ...rule, scope: scopeData, rows })), {
        method: 'post',
        action: '/api/rules/evaluate',
        encType: 'application/json',
      });
    },
    [fetcher.submit],
  );
  return { run, reply: fetcher.data, running: fetcher.state !== 'idle' };
}
