import { z } from 'zod';
import { type Condition, checkCondition } from '../../rules/condition';
import { defineScope, type RuleError } from '../../rules/types';
import { ALERT_METRICS, ALERT_SCOPES, type AlertMetric, WINDOWS } from './definitions';

// An alert rule as configuration (shared by the editor and the server): metric + scope + window,
// a threshold condition built in the rule runtime's builder over `value` and `sample`, a severity
// and actions. Validation names the field of each problem.

/** What a threshold condition reads: the metric's value (percent, seconds or a count) and its sample. */
export const ALERT_SCOPE = defineScope('monitoring.alert', [
  {
    name: 'value',
    type: 'number',
    label: { en: 'Metric value (%, s or count)', 'zh-CN': '指标值（%、秒或数量）' },
  },
  {
    name: 'sample',
    type: 'number',
    label: { en: 'Sample (calls behind the value)', 'zh-CN': '样本量（计算所用通话数）' },
  },
]);

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const BREAKERS = ['none', 'pauseTask', 'capPacing', 'disableTrunk', 'disableCallerId'] as const;
export type BreakerKind = Exclude<(typeof BREAKERS)[number], 'none'>;

/** Which scope each circuit breaker acts on. */
export const BREAKER_SCOPE: Record<BreakerKind, (typeof ALERT_SCOPES)[number]> = {
  pauseTask: 'task',
  capPacing: 'task',
  disableTrunk: 'trunk',
  disableCallerId: 'callerId',
};

export const AlertActionsSchema = z.object({
  notify: z.boolean().default(true),
  plugin: z
    .object({ installationId: z.string().uuid(), to: z.string().trim().min(1).max(200) })
    .nullable()
    .default(null),
  breaker: z.enum(BREAKERS).default('none'),
  capLevel: z.number().min(0.5).max(10).nullable().default(null),
  /** Minutes after which a tripped breaker releases itself; 0 = a person must release it. */
  cooldownMinutes: z.number().int().min(0).max(1440).default(0),
});
export type AlertActions = z.infer<typeof AlertActionsSchema>;

export const AlertRuleInputSchema = z.object({
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  metric: z.enum(Object.keys(ALERT_METRICS) as [AlertMetric, ...AlertMetric[]]),
  scope: z.enum(ALERT_SCOPES),
  scopeRef: z
    .string()
    .trim()
    .max(120)
    .nullish()
    .transform((v) => v || null),
  window: z.enum(WINDOWS),
  condition: z.unknown(),
  severity: z.enum(SEVERITIES).default('warning'),
  actions: AlertActionsSchema,
});
export type AlertRuleInput = z.input<typeof AlertRuleInputSchema>;
export type AlertRuleValues = z.output<typeof AlertRuleInputSchema> & { condition: Condition };

/** Field path (e.g. `actions.capLevel`) → translation key of the problem (under `monitoring.`). */
export type FieldErrors = Record<string, string>;

/** Validates a rule: shape, scope/metric and breaker/scope fit, and the condition in the rule runtime. */
export function checkAlertRule(
  input: unknown,
): { ok: true; value: AlertRuleValues } | { ok: false; errors: FieldErrors; conditionErrors: RuleError[] } {
  const errors: FieldErrors = {};
  const parsed = AlertRuleInputSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      errors[issue.path.join('.')] ??= `errors.field.${String(issue.path.at(-1) ?? 'value')}`;
    return { ok: false, errors, conditionErrors: [] };
  }
  const v = parsed.data;
  if (!(ALERT_METRICS[v.metric].scopes as readonly string[]).includes(v.scope)) errors.scope = 'errors.scopeForMetric';
  if (v.scope === 'system' && v.scopeRef) errors.scopeRef = 'errors.systemHasNoRef';
  // A task or a project is named by its id; any other text would save a rule that watches nothing.
  if ((v.scope === 'task' || v.scope === 'project') && v.scopeRef && !/^[0-9a-f-]{36}$/i.test(v.scopeRef))
    errors.scopeRef = 'errors.field.scopeRef';
  const breaker = v.actions.breaker;
  if (breaker !== 'none' && BREAKER_SCOPE[breaker] !== v.scope) errors['actions.breaker'] = 'errors.breakerScope';
  if (breaker === 'capPacing' && v.actions.capLevel === null) errors['actions.capLevel'] = 'errors.capLevelRequired';
  const condition = checkCondition(v.condition, ALERT_SCOPE);
  if (!condition.ok) errors.condition = 'errors.condition';
  else if (!condition.value.rules.length) errors.condition = 'errors.conditionEmpty';
  if (Object.keys(errors).length || !condition.ok)
    return { ok: false, errors, conditionErrors: condition.ok ? [] : condition.errors };
  return { ok: true, value: { ...v, condition: condition.value } };
}

/** A readable one-line threshold (`value > 3 and sample >= 100`) for lists and alert messages. */
export function describeCondition(condition: Condition): string {
  return condition.rules
    .map((r) =>
      'rules' in r
        ? `(${describeCondition(r)})`
        : `${r.field} ${r.operator} ${Array.isArray(r.value) ? r.value.join('–') : String(r.value ?? '')}`.trim(),
    )
    .join(` ${condition.combinator} `);
}

/** The rules every install starts with (issue 11); `seedKey` keeps a re-seed from duplicating them. */
export const DEFAULT_ALERT_RULES: (AlertRuleInput & { seedKey: string })[] = [
  {
    seedKey: 'abandon-pause',
    name: '放弃率超过 3%（近 1 小时）→ 暂停任务 / Abandon rate over 3 % in the last hour → pause the task',
    metric: 'abandonRate',
    scope: 'task',
    window: '1h',
    severity: 'critical',
    condition: {
      combinator: 'and',
      rules: [
        { field: 'value', operator: '>', value: 3 },
        { field: 'sample', operator: '>=', value: 30 },
      ],
    },
    actions: { notify: true, plugin: null, breaker: 'pauseTask', capLevel: null, cooldownMinutes: 0 },
  },
  {
    seedKey: 'callerid-asr',
    name: '主叫号码接通率低于 10%（100 通以上）→ 停用号码 / Caller ID ASR under 10 % over 100 calls → disable it',
    metric: 'asr',
    scope: 'callerId',
    window: 'today',
    severity: 'warning',
    condition: {
      combinator: 'and',
      rules: [
        { field: 'value', operator: '<', value: 10 },
        { field: 'sample', operator: '>=', value: 100 },
      ],
    },
    actions: { notify: true, plugin: null, breaker: 'disableCallerId', capLevel: null, cooldownMinutes: 0 },
  },
  {
    seedKey: 'writeback-failures',
    name: '回写失败 10 分钟超过 20 次 / Write-back failures over 20 in 10 minutes',
    metric: 'writeBackFailures',
    scope: 'system',
    window: '10m',
    severity: 'warning',
    condition: { combinator: 'and', rules: [{ field: 'value', operator: '>', value: 20 }] },
    actions: { notify: true, plugin: null, breaker: 'none', capLevel: null, cooldownMinutes: 0 },
  },
];
