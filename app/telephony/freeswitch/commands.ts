/** Building ESL command text: channel variables, originate, play_and_get_digits arguments. */
import { SoftswitchError } from '../port';

/** `{a=1,b='x y'}`: values with spaces or commas are quoted; quotes, braces and line breaks are refused. */
export function channelVariables(vars: Record<string, string | number | boolean>): string {
  const parts = Object.entries(vars).map(([name, raw]) => {
    const value = String(raw);
    if (!/^[A-Za-z0-9_]+$/.test(name))
      throw new SoftswitchError('invalidRequest', `channel variable name ${JSON.stringify(name)} is not [A-Za-z0-9_]`);
    if (/['{}[\]\r\n]/.test(value)) {
      throw new SoftswitchError(
        'invalidRequest',
        `channel variable ${name}: value must not contain quotes, braces or line breaks`,
      );
    }
    return /[\s,]/.test(value) ? `${name}='${value}'` : `${name}=${value}`;
  });
  return `{${parts.join(',')}}`;
}

/** `attemptId` → `waihu_attempt_id`: our variables on the channel, returned on every event. */
export function waihuVariable(key: string): string {
  const snake = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
  return `waihu_${snake}`;
}

/** `originate {vars}<dial> &park()`, with `expand` when the dial string holds `${…}` (e.g. verto_contact). */
export function originateCommand(vars: Record<string, string | number | boolean>, dialString: string): string {
  if (/[\s\r\n]/.test(dialString))
    throw new SoftswitchError('invalidRequest', `dial string must not contain spaces: ${dialString}`);
  const command = `originate ${channelVariables(vars)}${dialString} &park()`;
  return dialString.includes('${') ? `expand ${command}` : command;
}

/** One argument of a dialplan application (space separated; single quotes keep spaces together). */
export function appArg(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ').replace(/'/g, '’');
  return /\s/.test(flat) ? `'${flat}'` : flat;
}

/** A regex accepting `min`…`max` keys from `validDigits` (e.g. "123" → ^[123]{1,1}$). */
export function digitsRegex(validDigits: string, min: number, max: number): string {
  const set = [...new Set(validDigits)].map((c) => (/[\w]/.test(c) ? c : `\\${c}`)).join('');
  return `^[${set}]{${min},${max}}$`;
}

/** `Hangup-Cause` of a `-ERR <CAUSE>` job body, or null for `+OK`. */
export function jobError(body: string): string | null {
  const text = body.trim();
  if (text.startsWith('+OK')) return null;
  const match = /^-ERR\s+([A-Z_0-9]+)/.exec(text);
  return match?.[1] ?? (text.replace(/^-ERR\s*/, '') || 'UNKNOWN');
}

/** The gateways of `sofia status` (rows of type `gateway`). */
export function parseSofiaStatus(text: string): { name: string; state: string }[] {
  const rows: { name: string; state: string }[] = [];
  for (const line of text.split('\n')) {
    const [name = '', type, , state = ''] = line.split('\t').map((c) => c.trim());
    if (type === 'gateway') rows.push({ name: name.split('::').pop() ?? name, state });
  }
  return rows;
}

/** `State` of `sofia status gateway <name>` (REGED, NOREG, FAIL_WAIT …), or null for `Invalid Gateway!`. */
export function parseGatewayState(text: string): string | null {
  const match = /^State\s+(\S+)/m.exec(text);
  return match?.[1] ?? null;
}

/** The version line of `status` (`FreeSWITCH (Version 1.11.1-release  64bit) is ready`). */
export function parseStatusVersion(text: string): string | undefined {
  return /Version\s+([^\s)]+)/.exec(text)?.[1];
}
