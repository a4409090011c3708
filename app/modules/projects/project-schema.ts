import { z } from 'zod';
import { FIXED_FIELDS, FieldTemplateSchema } from '../lists/field-template';
import { CallingHoursSchema, DEFAULT_CALLING_HOURS } from './calling-hours';
import { ClosingRuleSchema, DEFAULT_RETRY_POLICY, RetryPolicySchema } from './closing-rules';
import { DEFAULT_DISPOSITIONS, DispositionTreeSchema } from './dispositions';

export const PROJECT_TYPES = ['returnVisit', 'sales', 'reminder', 'survey'] as const;
export const DEFAULT_ABANDON_MESSAGE = '您好，当前坐席繁忙，我们稍后会再联系您，谢谢。';

/** Everything a running task depends on; a change makes a new version (tasks pin one). */
export const ProjectRulesSchema = z.object({
  closingRule: ClosingRuleSchema,
  callingHours: CallingHoursSchema,
  retryPolicy: RetryPolicySchema,
  dispositions: DispositionTreeSchema,
  /** Sales projects in China: no marketing call without recorded consent. */
  requireConsent: z.boolean().default(false),
  /** Regulators: ring at least 15 s; default no-answer timeout 25 s. */
  noAnswerTimeoutSeconds: z.number().int().min(15).max(120).default(25),
  /** UK rule: after an abandoned call, no new call to that contact for this many hours (0 = off). */
  abandonCooldownHours: z.number().int().min(0).max(720).default(0),
  /** What a customer hears when no agent is free within 2 s (regulators require a message). */
  abandonMessage: z.string().trim().min(1).max(500).default(DEFAULT_ABANDON_MESSAGE),
  /** Call the secondary phone after this many unanswered attempts on the primary, or after it proved invalid (0 = never). */
  secondaryAfterFailures: z.number().int().min(0).max(10).default(0),
  /** Time for the wrap-up after a call (落单时限), seconds; agents with the permission may extend it. */
  wrapUpSeconds: z.number().int().min(10).max(1800).default(60),
});
export type ProjectRules = z.infer<typeof ProjectRulesSchema>;

export function defaultRules(type: (typeof PROJECT_TYPES)[number]): ProjectRules {
  return {
    closingRule: { preset: 'attempts', maxAttempts: 3, withinDays: 10 },
    callingHours: DEFAULT_CALLING_HOURS,
    retryPolicy: DEFAULT_RETRY_POLICY,
    dispositions: DEFAULT_DISPOSITIONS,
    requireConsent: type === 'sales',
    noAnswerTimeoutSeconds: 25,
    abandonCooldownHours: 0,
    abandonMessage: DEFAULT_ABANDON_MESSAGE,
    secondaryAfterFailures: 0,
    wrapUpSeconds: 60,
  };
}

export const ProjectCreateSchema = z.object({
  name: z.string().trim().min(1, { message: 'project.nameRequired' }).max(100),
  type: z.enum(PROJECT_TYPES),
  description: z.string().trim().max(2000).default(''),
});

export const ProjectUpdateSchema = ProjectCreateSchema.extend({
  status: z.enum(['draft', 'active', 'archived']),
  rules: ProjectRulesSchema,
  fields: FieldTemplateSchema,
  dedupPolicy: z.enum(['skip', 'update']),
});

export { FIXED_FIELDS };
