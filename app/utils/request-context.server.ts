import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { singleton } from './singleton.server';

// The request id of the work in hand, carried across processes: the web server gives each request
// one (or keeps a well-formed `X-Request-Id` from a proxy), jobs and dialer commands sent while
// handling it carry it, and the worker and the dialer run them under it. Every log line written
// meanwhile has it as `reqId` (logger.server.ts), so one grep follows a click to its call.

// One per process: the web server (server/web.ts, from source) sets it and the loaders (in the
// Vite build, a second copy of this module) read it; two storages would never meet.
const storage = singleton(
  'request-context',
  () => new AsyncLocalStorage<{ requestId: string; connectionClosed?: AbortSignal }>(),
);
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,64}$/;

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` under a request id (a fresh one when none or a malformed one is given). */
export function withRequestId<T>(id: string | undefined | null, fn: () => T, connectionClosed?: AbortSignal): T {
  return storage.run({ requestId: requestIdFrom(id), ...(connectionClosed ? { connectionClosed } : {}) }, fn);
}

/**
 * Aborted when the HTTP connection of the request in hand closes (the web server sets it). A
 * loader's `request.signal` is not enough for a long response: Node's Request follows the
 * server's signal through a weak reference, so after a garbage collection a stream whose browser
 * left was never told (bench:load found 510 live subscriptions left behind).
 */
export function connectionClosed(): AbortSignal | undefined {
  return storage.getStore()?.connectionClosed;
}

/** A client's id if it is safe to log as it is, else a new one. */
export function requestIdFrom(id: string | undefined | null): string {
  return id && WELL_FORMED.test(id) ? id : randomUUID();
}
