import { PgBoss } from 'pg-boss';
import { env } from '../env.server';
import { logger } from '../utils/logger.server';
import { currentRequestId } from '../utils/request-context.server';
import { forgetSingleton, singleton } from '../utils/singleton.server';
import { type JobName, type JobPayload, jobCatalog, jobNames } from './catalog';

let shuttingDown = false;

/** One pg-boss instance per process. Maintenance and cron run only where `supervise` is asked. */
export function boss(opts: { supervise?: boolean } = {}): Promise<PgBoss> {
  return singleton('pg-boss', async () => {
    const url = env().DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: open the database before starting the job queue');
    const instance = new PgBoss({
      connectionString: url,
      schema: 'pgboss',
      max: 5,
      supervise: opts.supervise ?? false,
      schedule: opts.supervise ?? false,
    });
    instance.on('error', (error: Error) => {
      if (!shuttingDown) logger.error({ err: error, component: 'pg-boss' }, 'job queue error');
    });
    await instance.start();
    for (const name of jobNames) {
      if (!(await instance.getQueue(name))) await instance.createQueue(name, jobCatalog[name].queue);
    }
    return instance;
  });
}

/** The request a job was sent from travels with it (`_requestId`), for the worker's log lines. */
export const REQUEST_ID_KEY = '_requestId';

export async function sendJob<N extends JobName>(name: N, payload: JobPayload<N>): Promise<string | null> {
  const data = jobCatalog[name].payload.parse(payload) as object;
  const requestId = currentRequestId();
  return (await boss()).send(name, requestId ? { ...data, [REQUEST_ID_KEY]: requestId } : data);
}

export async function stopBoss(): Promise<void> {
  const store = globalThis as unknown as { __waihuSingletons?: Map<string, unknown> };
  const pending = store.__waihuSingletons?.get('pg-boss') as Promise<PgBoss> | undefined;
  if (!pending) return;
  shuttingDown = true;
  forgetSingleton('pg-boss');
  const instance = await pending.catch(() => null);
  await instance?.stop({ graceful: true, timeout: 5000 });
  shuttingDown = false;
}
