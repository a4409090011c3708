import { z } from 'zod';

// A task's settings as the form, the API and the dialer see them. Client-safe: no server imports.

export const CHANNELS = ['agent', 'robot', 'online'] as const;
export const DIAL_MODES = ['predictive', 'progressive', 'preview', 'manual'] as const;
export const ASSIGNMENT_MODES = ['pool', 'even', 'segments', 'formula', 'manual'] as const;
export const CALLER_ID_STRATEGIES = ['roundRobin', 'sameAreaCode', 'fixed'] as const;
export const TRANSFER_RULES = ['never', 'onRequest', 'onFailure', 'always'] as const;
export const ROBOT_QUESTION_TYPES = ['single', 'yesNo', 'number', 'text', 'identity'] as const;
export const ROBOT_MAX_LINES = 2000;
export type Channel = (typeof CHANNELS)[number];
export type DialMode = (typeof DIAL_MODES)[number];
export type AssignmentMode = (typeof ASSIGNMENT_MODES)[number];

/**
 * The default weighting of even distribution: scheduled hours, a little more for agents who
 * succeed more often, less for those already carrying many open contacts.
 */
export const DEFAULT_WEIGHT_FORMULA = 'scheduledHours * (1 + successesPerHour / 10) / (1 + workload / 200)';
/** The default score of the custom-formula mode: proficiency first, then efficiency. */
export const DEFAULT_SCORE_FORMULA = 'proficiency * 10 + connectsPerHour';

const Time = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, { message: 'tasks.errors.time' });
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'tasks.errors.date' });

export const TaskScheduleSchema = z
  .object({
    startDate: DateText.nullable().default(null),
    endDate: DateText.nullable().default(null),
    /** Daily windows; calls happen only where they overlap the project's calling hours. Empty: the calling hours alone. */
    windows: z
      .array(
        z.object({ from: Time, to: Time }).refine((w) => w.from < w.to, { message: 'tasks.errors.fromBeforeTo', path: ['to'] }),
      )
      .max(6)
      .default([]),
  })
  .refine((s) => !s.startDate || !s.endDate || s.startDate <= s.endDate, {
    message: 'tasks.errors.endBeforeStart',
    path: ['endDate'],
  });

export const PacingSchema = z.object({
  /** Percent of human-answered calls; regulators allow 3 %. */
  targetAbandonRate: z.number().min(0).max(10).default(3),
  maxLinesPerAgent: z.number().min(1).max(10).default(2.5),
});

export const CallerIdSchema = z.object({
  strategy: z.enum(CALLER_ID_STRATEGIES).default('roundRobin'),
  installationId: z.string().uuid().nullable().default(null),
  trunkIds: z.array(z.string().max(100)).max(50).default([]),
  /** For the fixed strategy: the one number shown. */
  number: z.string().max(30).nullable().default(null),
});

export const RobotSchema = z.object({
  prompts: z.partialRecord(z.enum(ROBOT_QUESTION_TYPES), z.string().max(500)).default({}),
  maxRetries: z.number().int().min(0).max(5).default(2),
  /** Calls the robot runs at once for this task (no agents needed; the trunks' channels still apply). */
  lines: z.number().int().min(1).max(ROBOT_MAX_LINES).default(10),
  transferRule: z.enum(TRANSFER_RULES).default('onRequest'),
  transferSkillGroupId: z.string().uuid().nullable().default(null),
});

export const OnlineSchema = z.object({
  notifyInstallationId: z.string().uuid().nullable().default(null),
  template: z.string().max(1000).default('您好 {name}，请填写问卷：{link}'),
  linkValidDays: z.number().int().min(1).max(90).default(7),
});

export const SegmentSchema = z.object({
  condition: z.unknown(),
  skillGroupIds: z.array(z.string().uuid()).max(20).default([]),
  agentIds: z.array(z.string().uuid()).max(500).default([]),
  label: z.string().max(60).default(''),
});
export type Segment = z.infer<typeof SegmentSchema>;

export const AssignmentSettingsSchema = z.object({
  mode: z.enum(ASSIGNMENT_MODES).default('pool'),
  /** Pool: route the next call to the most proficient ready agent rather than the longest idle. */
  proficiencyRouting: z.boolean().default(false),
  weightFormula: z.string().max(2000).default(DEFAULT_WEIGHT_FORMULA),
  scoreFormula: z.string().max(2000).default(DEFAULT_SCORE_FORMULA),
  /** Dialling order among contacts of equal standing (after callbacks, never-attempted first): higher first. Empty: none. */
  priorityFormula: z.string().max(2000).default(''),
  segments: z.array(SegmentSchema).max(20).default([]),
  /** Contacts matching no segment: to these groups/agents (empty: every agent of the task). */
  fallback: z
    .object({ skillGroupIds: z.array(z.string().uuid()).max(20).default([]), agentIds: z.array(z.string().uuid()).default([]) })
    .default({ skillGroupIds: [], agentIds: [] }),
  /** Efficiency looks back this many days. */
  efficiencyDays: z.number().int().min(1).max(90).default(14),
});
export type AssignmentSettings = z.infer<typeof AssignmentSettingsSchema>;

export const TaskInputSchema = z
  .object({
    projectId: z.string().uuid(),
    name: z.string().trim().min(1, { message: 'tasks.errors.nameRequired' }).max(100),
    condition: z.unknown(),
    channel: z.enum(CHANNELS),
    dialMode: z.enum(DIAL_MODES).nullable().default(null),
    questionnaireVersionId: z.string().uuid().nullable().default(null),
    skillGroupIds: z.array(z.string().uuid()).max(20).default([]),
    schedule: TaskScheduleSchema.default({ startDate: null, endDate: null, windows: [] }),
    priority: z.number().int().min(1).max(10).default(5),
    pacing: PacingSchema.default({ targetAbandonRate: 3, maxLinesPerAgent: 2.5 }),
    callerId: CallerIdSchema.default({ strategy: 'roundRobin', installationId: null, trunkIds: [], number: null }),
    robot: RobotSchema.nullable().default(null),
    online: OnlineSchema.nullable().default(null),
    assignment: AssignmentSettingsSchema.default({
      mode: 'pool',
      proficiencyRouting: false,
      weightFormula: DEFAULT_WEIGHT_FORMULA,
      scoreFormula: DEFAULT_SCORE_FORMULA,
      priorityFormula: '',
      segments: [],
      fallback: { skillGroupIds: [], agentIds: [] },
      efficiencyDays: 14,
    }),
  })
  .refine((t) => t.channel !== 'agent' || t.dialMode !== null, { message: 'tasks.errors.dialMode', path: ['dialMode'] });
export type TaskInput = z.infer<typeof TaskInputSchema>;

/** The assignment modes that fit a channel and dial mode: pool dialing pre-assigns nobody. */
export function defaultAssignmentMode(channel: Channel, dialMode: DialMode | null): AssignmentMode {
  if (channel !== 'agent') return 'pool';
  return dialMode === 'predictive' || dialMode === 'progressive' ? 'pool' : 'even';
}

export type GuidanceKey = 'robotSales' | 'predictiveSmallTeam' | 'noSkillGroup' | 'noQuestionnaire';

/** Advice from experience, shown while the task is edited; never blocks saving. */
export function guidance(input: {
  projectType: string;
  channel: Channel;
  dialMode: DialMode | null;
  /** Distinct agents in the chosen skill groups. */
  agents: number;
  skillGroups: number;
  questionnaire: boolean;
}): GuidanceKey[] {
  const out: GuidanceKey[] = [];
  if (input.channel === 'robot' && input.projectType === 'sales') out.push('robotSales');
  if (input.channel === 'agent' && input.dialMode === 'predictive' && input.agents < 5) out.push('predictiveSmallTeam');
  if (input.channel === 'agent' && input.skillGroups === 0) out.push('noSkillGroup');
  if (!input.questionnaire) out.push('noQuestionnaire');
  return out;
}
