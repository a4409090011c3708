// `sofia status gateway <name>` prints `Key\tValue` lines between two rulers (mod_sofia.c,
// cmd_status), or `Invalid Gateway!` when FreeSWITCH has not loaded it.

export interface GatewayStatus {
  name: string;
  /** Registration state: REGED, NOREG (IP auth), TRYING, FAILED, FAIL_WAIT, UNREGED, … */
  state: string;
  /** UP or DOWN (DOWN after failed OPTIONS pings or registrations). */
  status: string;
  ok: boolean;
}

/** States in which a gateway can carry calls. */
const WORKING = new Set(['REGED', 'NOREG']);

export function parseGatewayStatus(name: string, body: string): GatewayStatus {
  if (/Invalid Gateway/i.test(body)) return { name, state: 'MISSING', status: 'DOWN', ok: false };
  const fields = new Map<string, string>();
  for (const line of body.split('\n')) {
    const m = /^(\w+)\s*\t(.*)$/.exec(line);
    if (m?.[1] && m[2] !== undefined) fields.set(m[1], m[2].trim());
  }
  const state = fields.get('State') ?? 'UNKNOWN';
  const status = (fields.get('Status') ?? 'UNKNOWN').split(' ')[0] ?? 'UNKNOWN';
  return { name, state, status, ok: WORKING.has(state) && status === 'UP' };
}
