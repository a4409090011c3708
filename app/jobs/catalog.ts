import { z } from 'zod';

// The job catalog: every background job's name, payload schema and queue options, in one
// place. Names are namespaced by module (`system.*`, later `lists.import`, `crm.writeBack`).
export const jobCatalog = {
  'system.heartbeat': {
    payload: z.object({ reason: z.enum(['schedule', 'startup']).default('schedule') }),
    queue: { retryLimit: 0, expireInSeconds: 60, deleteAfterSeconds: 3600 },
    // Every minute; pg-boss runs a cron at most once per minute across all workers.
    cron: '* * * * *',
  },
  'auth.purge': {
    payload: z.object({}),
    queue: { retryLimit: 2, expireInSeconds: 300, deleteAfterSeconds: 86400 },
    // Hourly: expired sessions, and login attempts past any rate-limit window.
    cron: '17 * * * *',
  },
} as const satisfies Record<
  string,
  {
    payload: z.ZodType;
    queue: { retryLimit?: number; expireInSeconds?: number; deleteAfterSeconds?: number };
    cron?: string;
  }
>;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.input<(typeof jobCatalog)[N]['payload']>;
export const jobNames = Object.keys(jobCatalog) as JobName[];
