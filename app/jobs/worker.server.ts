import type { PgBoss } from 'pg-boss';
import { publicUrl } from '../env.server';
import { purgeAuthRecords } from '../modules/auth/session.server';
import { runEnrichment } from '../modules/lists/enrichment.server';
import { runImport } from '../modules/lists/imports.server';
import { seedDefaultAlertRulesOnce, startAlertLoop } from '../modules/monitoring/alerts.server';
import { sendOnlineTaskLinks } from '../modules/questionnaires/online-tasks.server';
import { refreshRollups } from '../modules/reports/rollup.server';
import { rebalanceWhereAgentsLeft } from '../modules/tasks/assignment.server';
import { refreshRunningPriorities } from '../modules/tasks/dial-priority.server';
import { deliverCallNotification } from '../modules/workstation/click-to-call.server';
import { deliverWriteBack, sweepWriteBacks } from '../modules/wrapup/outbox.server';
import { logger } from '../utils/logger.server';
import { withRequestId } from '../utils/request-context.server';
import { boss, REQUEST_ID_KEY } from './boss.server';
import { type JobName, jobCatalog } from './catalog';
import { runHeartbeat } from './handlers/heartbeat.server';

type Handler<N extends JobName> = (payload: ReturnType<(typeof jobCatalog)[N]['payload']['parse']>) => Promise<unknown>;

// Thin handlers: parse the payload with the catalog's schema, call the module.
const handlers: { [N in JobName]: Handler<N> } = {
  'system.heartbeat': (payload) => runHeartbeat(payload.reason),
  'lists.import': (payload) => runImport(payload.importId),
  'lists.enrich': (payload) => runEnrichment(payload.runId),
  'tasks.rebalance': () => rebalanceWhereAgentsLeft(),
  'tasks.priorities': () => refreshRunningPriorities(),
  'questionnaires.sendLinks': () => sendOnlineTaskLinks(publicUrl()),
  'auth.purge': () => purgeAuthRecords(),
  'wrapup.deliver': (payload) => deliverWriteBack(payload.id),
  'wrapup.sweep': () => sweepWriteBacks(),
  'calls.notify': (payload) => deliverCallNotification(payload.attemptId, payload.event),
  'reports.rollup': () => refreshRollups(),
};

/** Register every handler, the cron schedules, and a first heartbeat so the health page fills at once. */
export async function startWorker(): Promise<PgBoss> {
  const instance = await boss({ supervise: true });
  const log = logger.child({ role: 'worker' });
  for (const name of Object.keys(handlers) as JobName[]) {
    const entry = jobCatalog[name];
    await instance.work(name, { pollingIntervalSeconds: 1 }, async (jobs) => {
      for (const job of jobs) {
        // Under the id of the request that sent it, or the job's own: its log lines belong together.
        const sentFrom = (job.data as Record<string, unknown> | null)?.[REQUEST_ID_KEY];
        await withRequestId(typeof sentFrom === 'string' ? sentFrom : job.id, async () => {
          const payload = entry.payload.parse(job.data ?? {});
          await (handlers[name] as Handler<JobName>)(payload);
          log.debug({ job: name, id: job.id }, 'job done');
        });
      }
    });
    if ('cron' in entry && entry.cron) await instance.schedule(name, entry.cron, { reason: 'schedule' });
  }
  await instance.send('system.heartbeat', { reason: 'startup' });
  // Alert rules every 15 s: finer than pg-boss cron's minute; one worker evaluates at a time.
  await seedDefaultAlertRulesOnce();
  startAlertLoop();
  log.info({ queues: Object.keys(handlers) }, 'worker started');
  return instance;
}
