import pino from 'pino';
import { env } from '../env.server';
import { currentRequestId } from './request-context.server';
import { singleton } from './singleton.server';

/** What every log line gets besides its own fields: the request id of the work in hand, if any. */
export function logContext(): { reqId?: string } {
  const reqId = currentRequestId();
  return reqId ? { reqId } : {};
}

// Structured JSON logs; `role` says which process wrote the line (web, worker, dialer), `reqId`
// which request (or the job or dialer command it sent) it belongs to.
export const logger = singleton('logger', () =>
  pino({
    level: env().WAIHU_LOG_LEVEL,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: logContext,
  }),
);
