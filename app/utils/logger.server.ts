import pino from 'pino';
import { env } from '../env.server';
import { singleton } from './singleton.server';

// Structured JSON logs; `role` says which process wrote the line (web, worker, dialer).
export const logger = singleton('logger', () =>
  pino({ level: env().WAIHU_LOG_LEVEL, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }),
);
