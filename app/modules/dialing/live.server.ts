import { EventEmitter } from 'node:events';
import pg from 'pg';
import { prisma } from '../../db/prisma.server';
import { logger } from '../../utils/logger.server';
import { connectionClosed, currentRequestId, withRequestId } from '../../utils/request-context.server';

// Live events (attempt and agent state changes, screen-pops) travel through PostgreSQL
// LISTEN/NOTIFY, so every web process can serve them as server-sent events whichever dialer or
// worker produced them. One listening connection per process, reconnected when it drops.

const CHANNEL = 'waihu_live';
/** Commands for the dialer processes (dial a requested call, control an agent's call); never sent to browsers. */
const DIALER_CHANNEL = 'waihu_dialer';
/** NOTIFY payloads are limited to 8000 bytes; events carry ids and states, never contact data. */
const MAX_PAYLOAD = 7900;

export interface LiveEvent {
  topic: 'attempt' | 'agent' | 'task' | 'screenPop' | 'call' | 'alert';
  /** Who may receive it: a user id for screen-pops, otherwise everyone allowed to watch. */
  to?: string;
  data: Record<string, unknown>;
  at: string;
}

export async function publishLive(event: Omit<LiveEvent, 'at'>): Promise<void> {
  const payload = JSON.stringify({ ...event, at: new Date().toISOString() });
  if (payload.length > MAX_PAYLOAD) throw new Error(`live event too large (${payload.length} bytes)`);
  await prisma.$executeRaw`SELECT pg_notify(${CHANNEL}, ${payload})`;
}

/** What a web process asks of the dialer that has (or will have) the call. */
export type DialerCommand =
  | { type: 'dial'; attemptId: string }
  | {
      type: 'call';
      attemptId: string;
      agentId: string;
      action: 'hangup' | 'hold' | 'unhold' | 'mute' | 'unmute' | 'dtmf';
      digits?: string;
    };

export async function publishDialerCommand(command: DialerCommand): Promise<void> {
  const requestId = currentRequestId();
  const sent = requestId ? { ...command, requestId } : command;
  await prisma.$executeRaw`SELECT pg_notify(${DIALER_CHANNEL}, ${JSON.stringify(sent)})`;
}

const bus = new EventEmitter();
bus.setMaxListeners(0);
let client: pg.Client | null = null;
let connecting: Promise<void> | null = null;

async function listen(): Promise<void> {
  const log = logger.child({ module: 'live' });
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  c.on('notification', (msg) => {
    if ((msg.channel !== CHANNEL && msg.channel !== DIALER_CHANNEL) || !msg.payload) return;
    try {
      bus.emit(msg.channel === CHANNEL ? 'event' : 'command', JSON.parse(msg.payload));
    } catch (error) {
      log.warn({ err: error }, 'unreadable live event');
    }
  });
  c.on('error', (error) => {
    // A connection that never finished connecting is the caller's failure, not a lost listener.
    if (client !== c) return;
    log.warn({ err: error }, 'live connection lost; reconnecting');
    client = null;
    connecting = null;
    reconnectSoon();
  });
  try {
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}; LISTEN ${DIALER_CHANNEL}`);
  } catch (error) {
    await c.end().catch(() => undefined);
    throw error;
  }
  client = c;
}

/** Tries again every second until PostgreSQL answers (a restart takes a few seconds). */
function reconnectSoon(): void {
  setTimeout(() => {
    ensureListening().catch((error) => {
      logger.warn({ err: error, module: 'live' }, 'live connection not back yet; retrying');
      reconnectSoon();
    });
  }, 1000).unref();
}

async function ensureListening(): Promise<void> {
  if (client) return;
  connecting ??= listen().catch((error) => {
    connecting = null;
    throw error;
  });
  await connecting;
}

/** Subscribes to live events; returns the unsubscribe function. */
export async function subscribeLive(listener: (event: LiveEvent) => void): Promise<() => void> {
  await ensureListening();
  bus.on('event', listener);
  return () => bus.off('event', listener);
}

/** Subscribes to dialer commands (dialer processes); returns the unsubscribe function. */
/** Each command is handled under the id of the request that sent it (the dialer's log lines show it). */
export async function subscribeDialerCommands(listener: (command: DialerCommand) => void): Promise<() => void> {
  await ensureListening();
  const handle = (command: DialerCommand & { requestId?: string }) =>
    command.requestId ? withRequestId(command.requestId, () => listener(command)) : listener(command);
  bus.on('command', handle);
  return () => bus.off('command', handle);
}

/** A server-sent events response for the events `accept` lets through, with a keep-alive comment. */
export function liveResponse(
  request: Request,
  accept: (event: LiveEvent) => boolean,
  initial?: unknown,
  /** Turns an accepted event into what is sent (e.g. a screen-pop's profile); null drops it. */
  transform?: (event: LiveEvent) => Promise<unknown | null>,
): Response {
  const encoder = new TextEncoder();
  // The connection's own end (request-context.server.ts says why request.signal alone is not enough).
  // Listened to directly: a signal combined with AbortSignal.any is also followed weakly.
  const signals = [request.signal, connectionClosed()].filter((s): s is AbortSignal => !!s);
  // The browser may leave while the subscription is still being made (the first stream of a
  // process waits for the LISTEN connection): it must not leave a listener behind.
  let closed = false;
  let cleanup = () => {
    closed = true;
  };
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      if (initial !== undefined) send(`event: snapshot\ndata: ${JSON.stringify(initial)}\n\n`);
      const unsubscribe = await subscribeLive((event) => {
        if (!accept(event)) return;
        if (!transform) return send(`event: ${event.topic}\ndata: ${JSON.stringify(event)}\n\n`);
        void transform(event)
          .then((data) => data !== null && send(`event: ${event.topic}\ndata: ${JSON.stringify(data)}\n\n`))
          .catch((error) => logger.warn({ err: error, topic: event.topic }, 'live event not sent'));
      });
      if (closed || signals.some((s) => s.aborted)) {
        unsubscribe();
        return;
      }
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), 15_000);
      keepAlive.unref?.();
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(keepAlive);
        unsubscribe();
        for (const s of signals) s.removeEventListener('abort', onGone);
      };
      const onGone = () => {
        cleanup();
        try {
          controller.close();
        } catch {}
      };
      for (const s of signals) s.addEventListener('abort', onGone, { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    },
  });
}

/** How many live subscriptions this process holds (server-sent event streams, dialers): a leak shows here. */
export function liveSubscriptions(): number {
  return bus.listenerCount('event');
}

/** Closes this process's listening connection (shutdown and tests). */
export async function closeLive(): Promise<void> {
  const c = client;
  client = null;
  connecting = null;
  await c?.end().catch(() => undefined);
}
