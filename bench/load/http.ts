import { Agent, fetch } from 'undici';

// A browser's HTTP as bench:load needs it: requests with the session cookie and a time limit,
// server-sent event streams parsed into (event, data) pairs, and one error tally for the run.

export const REQUEST_TIMEOUT_MS = 15_000;

export interface Errors {
  http: number;
  timeouts: number;
  sseDisconnects: number;
  rejected: number;
  /** The first few, to print. */
  samples: string[];
}

export const errors: Errors = { http: 0, timeouts: 0, sseDisconnects: 0, rejected: 0, samples: [] };

export function noteError(kind: 'http' | 'timeouts' | 'sseDisconnects' | 'rejected', what: string): void {
  errors[kind]++;
  if (errors.samples.length < 12) errors.samples.push(`${kind}: ${what}`);
}

// 500 workstations hold a stream and make requests: no cap on sockets, streams never time out.
const dispatcher = new Agent({ connections: null, bodyTimeout: 0, headersTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: 30_000 });

export class Browser {
  constructor(
    readonly base: string,
    public cookie = '',
  ) {}

  /** A request as the page's fetch makes it; null (and an error counted) unless 2xx with a body read. */
  async request(
    path: string,
    init: { method?: string; json?: unknown; form?: Record<string, string>; accept?: number[] } = {},
  ): Promise<{ status: number; body: string; headers: Headers } | null> {
    const headers: Record<string, string> = { cookie: this.cookie, origin: this.base };
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const method = init.method ?? (body ? 'POST' : 'GET');
    try {
      const response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body,
        redirect: 'manual',
        dispatcher,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      const ok = (response.status >= 200 && response.status < 400) || init.accept?.includes(response.status);
      if (!ok) noteError('http', `${method} ${path} → ${response.status} ${text.slice(0, 120)}`);
      return ok ? { status: response.status, body: text, headers: response.headers as unknown as Headers } : null;
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      noteError(timedOut ? 'timeouts' : 'http', `${method} ${path}: ${error instanceof Error ? error.message : error}`);
      return null;
    }
  }

  async json<T>(path: string, init: Parameters<Browser['request']>[1] = {}): Promise<{ status: number; data: T } | null> {
    const r = await this.request(path, init);
    if (!r) return null;
    try {
      return { status: r.status, data: JSON.parse(r.body) as T };
    } catch {
      noteError('http', `${path}: not JSON`);
      return null;
    }
  }

  /**
   * Holds an EventSource-like stream: `onEvent` gets each message; a stream that ends before
   * `signal` aborts counts as a disconnect and is reopened after a second (as EventSource does).
   */
  stream(path: string, signal: AbortSignal, onEvent: (event: string, data: string) => void, onOpen?: () => void): void {
    const open = async () => {
      try {
        const response = await fetch(`${this.base}${path}`, {
          headers: { cookie: this.cookie, accept: 'text/event-stream' },
          dispatcher,
          signal,
        });
        if (response.status !== 200 || !response.body) {
          noteError('http', `stream ${path} → ${response.status}`);
          await response.body?.cancel();
        } else {
          onOpen?.();
          const decoder = new TextDecoder();
          let buffer = '';
          for await (const chunk of response.body) {
            buffer += decoder.decode(chunk as Uint8Array, { stream: true });
            let end = buffer.indexOf('\n\n');
            while (end >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              let event = 'message';
              const data: string[] = [];
              for (const line of block.split('\n')) {
                if (line.startsWith('event: ')) event = line.slice(7);
                else if (line.startsWith('data: ')) data.push(line.slice(6));
              }
              if (data.length) onEvent(event, data.join('\n'));
              end = buffer.indexOf('\n\n');
            }
          }
          if (!signal.aborted) noteError('sseDisconnects', `${path} ended`);
        }
      } catch (error) {
        if (signal.aborted) return;
        noteError('sseDisconnects', `${path}: ${error instanceof Error ? error.message : error}`);
      }
      if (!signal.aborted) setTimeout(() => void open(), 1000);
    };
    void open();
  }
}

export async function closeHttp(): Promise<void> {
  await dispatcher.close().catch(() => undefined);
}
