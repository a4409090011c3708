/** What the FreeSWITCH adapter needs to know; the settings page stores it, `parseEslUrl` reads env URLs. */

export type AmdMode = 'off' | 'avmd' | 'amd';

export interface FreeswitchConfig {
  eslHost: string;
  eslPort: number;
  eslPassword: string;
  /** Answering-machine detection: mod_avmd (beeps), mod_amd (human/machine) or none. */
  amd: AmdMode;
  /** Where FreeSWITCH writes call recordings (a path on the FreeSWITCH host); none when absent. */
  recordingPath?: string;
  /** `speak <engine>|<voice>|<text>` for text prompts (e.g. flite / kal, or a cloud TTS module). */
  tts: { engine: string; voice: string };
  /** The dial string of an agent's endpoint (default: the endpoint as given, e.g. `user/1001@domain`). */
  agentDialString?: (agentEndpoint: string) => string;
}

/** Options beyond the stored configuration (tests, the gateway plugin, tuning). */
export interface FreeswitchOptions {
  /** Where a customer call goes (number rewriting is the gateway plugin's); default `sofia/gateway/<trunk>/<to>`. */
  dialString?: (trunk: string, to: string) => string;
  /** Channels per trunk (gateway); an originate over capacity fails at once, as on the sim. */
  trunks?: { id: string; capacity: number }[];
  /** How long an agent's endpoint may ring (default 20 s). */
  agentRingTimeoutSec?: number;
  /** mod_avmd: how long after the answer a beep still makes it a machine (default 4 s). */
  avmdWindowSec?: number;
  /** ESL client tuning (see EslClientOptions). */
  maxPending?: number;
  commandTimeoutMs?: number;
  reconnect?: false | { initialMs?: number; maxMs?: number };
}

export const defaultSipDialString = (trunk: string, to: string) => `sofia/gateway/${trunk}/${to}`;

/**
 * `esl://:password@host:port` (user part empty; `esl://user:password@…` is refused: userauth is not
 * supported). Port defaults to 8021. Errors name what is wrong.
 */
export function parseEslUrl(text: string): Pick<FreeswitchConfig, 'eslHost' | 'eslPort' | 'eslPassword'> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`ESL URL: not a URL: ${JSON.stringify(text)} (expected esl://:password@host:port)`);
  }
  if (url.protocol !== 'esl:') throw new Error(`ESL URL: scheme must be esl://, got ${url.protocol}//`);
  if (!url.hostname) throw new Error('ESL URL: host is missing (expected esl://:password@host:port)');
  if (url.username) throw new Error('ESL URL: put the password after the colon and leave the user empty (esl://:password@host)');
  const password = decodeURIComponent(url.password);
  if (!password) throw new Error('ESL URL: password is missing (expected esl://:password@host:port)');
  const port = url.port ? Number(url.port) : 8021;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`ESL URL: bad port ${url.port}`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { eslHost: host, eslPort: port, eslPassword: password };
}

/** Checks a configuration from the settings page; returns the problems, field by field. */
export function validateFreeswitchConfig(config: FreeswitchConfig): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!config.eslHost?.trim()) problems.push({ field: 'eslHost', message: 'the ESL host is required' });
  if (!Number.isInteger(config.eslPort) || config.eslPort < 1 || config.eslPort > 65535) {
    problems.push({ field: 'eslPort', message: 'the ESL port must be a whole number from 1 to 65535' });
  }
  if (!config.eslPassword) problems.push({ field: 'eslPassword', message: 'the ESL password is required' });
  else if (/[\r\n]/.test(config.eslPassword))
    problems.push({ field: 'eslPassword', message: 'the ESL password must be one line' });
  if (!['off', 'avmd', 'amd'].includes(config.amd)) problems.push({ field: 'amd', message: 'AMD must be off, avmd or amd' });
  if (config.recordingPath !== undefined && config.recordingPath !== '' && !config.recordingPath.startsWith('/')) {
    problems.push({ field: 'recordingPath', message: 'the recording path must be absolute (a folder on the FreeSWITCH host)' });
  }
  if (!config.tts?.engine?.trim()) problems.push({ field: 'tts.engine', message: 'the TTS engine is required (e.g. flite)' });
  if (config.tts && /[|\r\n]/.test(`${config.tts.engine}${config.tts.voice}`)) {
    problems.push({ field: 'tts', message: 'the TTS engine and voice must not contain | or line breaks' });
  }
  return problems;
}
