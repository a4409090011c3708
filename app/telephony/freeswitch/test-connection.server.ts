/**
 * "Test connection" for the switch settings: connect once (no retries), authenticate, `api status`
 * and `api sofia status`, then leave. Never throws: the settings page shows `error` as is.
 */
import { parseSofiaStatus, parseStatusVersion } from './commands';
import type { FreeswitchConfig } from './config';
import { withEslSession } from './esl-oneshot.server';

export { createFreeswitchSwitch } from './freeswitch-switch';

export interface FreeswitchConnectionResult {
  ok: boolean;
  version?: string;
  gateways?: { name: string; state: string }[];
  error?: string;
}

/** The settings page's name for it. */
export type FreeswitchTestResult = FreeswitchConnectionResult;

export async function testFreeswitchConnection(
  config: Pick<FreeswitchConfig, 'eslHost' | 'eslPort' | 'eslPassword'>,
  options: { timeoutMs?: number } = {},
): Promise<FreeswitchConnectionResult> {
  const target = { host: config.eslHost, port: config.eslPort, password: config.eslPassword, timeoutMs: options.timeoutMs };
  try {
    return await withEslSession(target, async (client): Promise<FreeswitchConnectionResult> => {
      const status = await client.api('status');
      if (!status.startsWith('UP')) return { ok: false, error: `FreeSWITCH is not ready: ${status.split('\n')[0]}` };
      const gateways = parseSofiaStatus(await client.api('sofia status'));
      return { ok: true, version: parseStatusVersion(status), gateways };
    });
  } catch (error) {
    const message = (error as Error).message;
    const refused = /ECONNREFUSED/.test(message)
      ? ` — nothing listens on ${config.eslHost}:${config.eslPort} (is mod_event_socket loaded?)`
      : '';
    return { ok: false, error: `${message}${refused}` };
  }
}
