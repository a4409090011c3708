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
  'lists.import': {
    payload: z.object({ importId: z.string().uuid() }),
    // A retried import resumes after its checkpoint (ContactImport.lastLine); nothing is duplicated.
    queue: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 3600, deleteAfterSeconds: 7 * 86400 },
  },
  'lists.enrich': {
    payload: z.object({ runId: z.string().uuid() }),
    // Resumes after its checkpoint (EnrichmentRun.lastId); a CRM that fails is recorded per batch.
    queue: { retryLimit: 3, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600, deleteAfterSeconds: 7 * 86400 },
  },
  'tasks.rebalance': {
    payload: z.object({}),
    queue: { retryLimit: 1, expireInSeconds: 600, deleteAfterSeconds: 86400 },
    // Every 15 minutes: tasks whose contacts sit with an agent who left or is absent are rebalanced.
    cron: '*/15 * * * *',
  },
  'tasks.priorities': {
    payload: z.object({}),
    queue: { retryLimit: 0, expireInSeconds: 300, deleteAfterSeconds: 86400 },
    // Every minute: running tasks' priority formulas score contacts that are new or changed since.
    cron: '* * * * *',
  },
  'questionnaires.sendLinks': {
    payload: z.object({}),
    queue: { retryLimit: 0, expireInSeconds: 300, deleteAfterSeconds: 86400 },
    // Every minute: running online tasks send their contacts' personal links.
    cron: '* * * * *',
  },
  'auth.purge': {
    payload: z.object({}),
    queue: { retryLimit: 2, expireInSeconds: 300, deleteAfterSeconds: 86400 },
    // Hourly: expired sessions, and login attempts past any rate-limit window.
    cron: '17 * * * *',
  },
  'wrapup.deliver': {
    payload: z.object({ id: z.string().uuid() }),
    // One try; the outbox row holds the retry state (backoff, dead letter), not the queue.
    queue: { retryLimit: 0, expireInSeconds: 300, deleteAfterSeconds: 86400 },
  },
  'calls.notify': {
    payload: z.object({ attemptId: z.string().uuid(), event: z.enum(['ended', 'wrappedUp']) }),
    // A click-to-call caller's webhook: retried with backoff (10 s, 20 s, … about 10 minutes in all).
    queue: { retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 60, deleteAfterSeconds: 7 * 86400 },
  },
  'wrapup.sweep': {
    payload: z.object({}),
    queue: { retryLimit: 0, expireInSeconds: 600, deleteAfterSeconds: 86400 },
    // Every minute: due write-backs whose job was lost (a crash after the commit) or that wait for a retry.
    cron: '* * * * *',
  },
  'reports.rollup': {
    payload: z.object({}),
    queue: { retryLimit: 0, expireInSeconds: 600, deleteAfterSeconds: 86400 },
    // Every minute: attempts ended, wrap-ups submitted or corrected since the watermark are folded
    // into the report rollups (recomputed per hour and task; docs/reports.md).
    cron: '* * * * *',
  },
} as const satisfies Record<
  string,
  {
    payload: z.ZodType;
    queue: {
      retryLimit?: number;
      retryDelay?: number;
      retryBackoff?: boolean;
      expireInSeconds?: number;
      deleteAfterSeconds?: number;
    };
    cron?: string;
  }
>;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.input<(typeof jobCatalog)[N]['payload']>;
export const jobNames = Object.keys(jobCatalog) as JobName[];
