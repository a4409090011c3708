import { z } from 'zod';

// Why an agent pauses (break, meeting, training …): a list admins edit, shown on the state bar
// and on the wallboard. Stored as data (Setting `workstation.pauseReasons`).

export const PauseReasonSchema = z.object({
  code: z.string().regex(/^[a-z][a-zA-Z0-9_-]{0,30}$/, { message: 'pauseReasons.code' }),
  label: z.object({ zh: z.string().trim().min(1).max(30), en: z.string().trim().min(1).max(30) }),
  /** Minutes after which supervisors see the pause as overlong (0 = no limit). */
  limitMinutes: z.number().int().min(0).max(480).default(0),
});
export type PauseReason = z.infer<typeof PauseReasonSchema>;

export const PauseReasonListSchema = z
  .array(PauseReasonSchema)
  .min(1)
  .max(30)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((r, i) => {
      if (seen.has(r.code)) ctx.addIssue({ code: 'custom', message: 'pauseReasons.duplicate', path: [i, 'code'] });
      seen.add(r.code);
    });
  });

export const DEFAULT_PAUSE_REASONS: PauseReason[] = [
  { code: 'break', label: { zh: '小休', en: 'Break' }, limitMinutes: 15 },
  { code: 'lunch', label: { zh: '用餐', en: 'Lunch' }, limitMinutes: 60 },
  { code: 'meeting', label: { zh: '会议', en: 'Meeting' }, limitMinutes: 0 },
  { code: 'training', label: { zh: '培训', en: 'Training' }, limitMinutes: 0 },
  { code: 'coaching', label: { zh: '辅导', en: 'Coaching' }, limitMinutes: 30 },
];

/** Why an agent skips a previewed contact: fixed codes, the agent adds a note when needed. */
export const SKIP_REASONS = ['wrongTime', 'alreadyContacted', 'badData', 'other'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
