import { eslApiSession } from './esl-oneshot.server';

// Minimal version for the settings page's "test connection"; the ESL client's own version replaces
// this file with the same export and signature.

export interface FreeswitchTestConfig {
  eslHost: string;
  eslPort: number;
  eslPassword: string;
  timeoutMs?: number;
}

export interface FreeswitchTestResult {
  ok: boolean;
  version?: string;
  gateways?: { name: string; state: string }[];
  error?: string;
}

/** `sofia status` rows of type gateway: `profile::name  gateway  <to>  STATE [(retry: …)]`. */
export function parseSofiaGateways(body: string): { name: string; state: string }[] {
  return body.split('\n').flatMap((line) => {
    const cols = line.split('\t').map((c) => c.trim());
    if (cols[1] !== 'gateway' || !cols[0]) return [];
    const name = cols[0].includes('::') ? (cols[0].split('::')[1] ?? cols[0]) : cols[0];
    return [{ name, state: (cols[3] ?? '').split(' ')[0] ?? '' }];
  });
}

export async function testFreeswitchConnection(config: FreeswitchTestConfig): Promise<FreeswitchTestResult> {
  try {
    const [status = '', sofia = ''] = await eslApiSession(
      { host: config.eslHost, port: config.eslPort, password: config.eslPassword, timeoutMs: config.timeoutMs },
      ['status', 'sofia status'],
    );
    const version = /FreeSWITCH \(Version ([^\s)]+)/.exec(status)?.[1];
    return { ok: true, ...(version ? { version } : {}), gateways: parseSofiaGateways(sofia) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
