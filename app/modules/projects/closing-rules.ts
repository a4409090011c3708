import { z } from 'zod';

// What happens to a case after each attempt: close it (and why) or schedule the next attempt.
// Pure; the wrap-up and the dialer's compliance gate both use it.

export const OUTCOME_CLASSES = ['success', 'failure', 'retry', 'callback', 'doNotCall', 'invalidNumber'] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

/** Technical results of an attempt that never reached a disposition. */
export const CALL_RESULTS = ['busy', 'noAnswer', 'machine', 'failed', 'abandoned'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

export const ClosingRuleSchema = z.discriminatedUnion('preset', [
  /** Close after N attempts within D days, success or not; also closes on success. */
  z.object({
    preset: z.literal('attempts'),
    maxAttempts: z.number().int().min(1).max(50),
    withinDays: z.number().int().min(1).max(365),
  }),
  /** Keep trying (within the retry policy) until a success. */
  z.object({ preset: z.literal('onSuccess'), maxAttempts: z.number().int().min(1).max(50).default(10) }),
  /** Any connected call with a disposition closes the case. */
  z.object({ preset: z.literal('onConnect') }),
  /** A condition of the rule runtime over the attempt history; the presets' limits still apply. */
  z.object({ preset: z.literal('custom'), condition: z.unknown(), maxAttempts: z.number().int().min(1).max(50).default(10) }),
]);
export type ClosingRule = z.infer<typeof ClosingRuleSchema>;

export const RetryPolicySchema = z.object({
  busy: z.number().int().min(1).max(10_080).default(30),
  noAnswer: z.number().int().min(1).max(10_080).default(120),
  machine: z.number().int().min(1).max(10_080).default(240),
  failed: z.number().int().min(1).max(10_080).default(60),
  /** After an abandoned call (no agent was free): retry soon, ahead of others. */
  abandoned: z.number().int().min(1).max(10_080).default(10),
  /** After a disposition of class `retry`. */
  retry: z.number().int().min(1).max(10_080).default(1440),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;
export const DEFAULT_RETRY_POLICY: RetryPolicy = RetryPolicySchema.parse({});

export interface AttemptRecord {
  at: Date;
  /** The disposition's class when an agent (or robot) recorded one; otherwise the call result. */
  outcome: OutcomeClass | CallResult;
}

export type CaseDecision =
  | { close: true; reason: 'success' | 'failure' | 'doNotCall' | 'invalidNumber' | 'attemptsExhausted' | 'connected' | 'custom' }
  | { close: false; nextAttemptAt: Date | null; reason: 'retry' | 'callback' };

/**
 * Decide after the latest attempt (last of `history`). `customMatches` is the rule runtime's verdict
 * for a custom condition, computed by the caller (this module stays pure and synchronous).
 */
export function decideCase(
  rule: ClosingRule,
  retry: RetryPolicy,
  history: AttemptRecord[],
  options: { callbackAt?: Date; customMatches?: boolean } = {},
): CaseDecision {
  const last = history.at(-1);
  if (!last) return { close: false, nextAttemptAt: null, reason: 'retry' };
  switch (last.outcome) {
    case 'success':
      return { close: true, reason: 'success' };
    case 'doNotCall':
      return { close: true, reason: 'doNotCall' };
    case 'invalidNumber':
      return { close: true, reason: 'invalidNumber' };
    case 'failure':
      if (rule.preset !== 'onSuccess') return { close: true, reason: 'failure' };
      break;
    case 'callback':
      return { close: false, nextAttemptAt: options.callbackAt ?? null, reason: 'callback' };
  }
  if (rule.preset === 'onConnect' && (OUTCOME_CLASSES as readonly string[]).includes(last.outcome)) {
    return { close: true, reason: 'connected' };
  }
  if (rule.preset === 'custom' && options.customMatches) return { close: true, reason: 'custom' };
  const counted =
    rule.preset === 'attempts'
      ? history.filter((a) => a.at.getTime() > last.at.getTime() - rule.withinDays * 86_400_000)
      : history;
  const max = rule.preset === 'onConnect' ? Number.POSITIVE_INFINITY : rule.maxAttempts;
  if (counted.length >= max) return { close: true, reason: 'attemptsExhausted' };
  const waitMinutes = last.outcome in retry ? retry[last.outcome as keyof RetryPolicy] : retry.retry;
  return { close: false, nextAttemptAt: new Date(last.at.getTime() + waitMinutes * 60_000), reason: 'retry' };
}
