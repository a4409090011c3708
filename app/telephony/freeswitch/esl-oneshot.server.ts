import { EslClient } from './esl-client';

// A short Event Socket session: connect once (no retries), authenticate, run a few `api` commands,
// leave. For the settings page's "test connection" and the plugins' status checks; the dialer keeps
// its own long-lived client. Same client, so the same framing and errors.

export interface EslTarget {
  host: string;
  port: number;
  password: string;
  /** Connect and each command, ms (default 5000). */
  timeoutMs?: number;
}

/** Connects once (no retries), authenticates, runs `use`, and always leaves. */
export async function withEslSession<T>(target: EslTarget, use: (client: EslClient) => Promise<T>): Promise<T> {
  const timeoutMs = target.timeoutMs ?? 5000;
  const client = new EslClient({
    host: target.host,
    port: target.port,
    password: target.password,
    events: [],
    reconnect: false,
    connectTimeoutMs: timeoutMs,
    commandTimeoutMs: timeoutMs,
  });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Runs `api <command>` for each command in order; resolves with the response bodies. */
export async function eslApiSession(target: EslTarget, commands: string[]): Promise<string[]> {
  try {
    return await withEslSession(target, async (client) => {
      const results: string[] = [];
      for (const command of commands) results.push(await client.api(command));
      return results;
    });
  } catch (error) {
    const message = (error as Error).message;
    const hint = /ECONNREFUSED/.test(message) ? ' (is mod_event_socket listening there?)' : '';
    throw new Error(`cannot use the Event Socket at ${target.host}:${target.port}: ${message}${hint}`);
  }
}
