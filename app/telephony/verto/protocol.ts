// Verto's JSON-RPC 2.0 messages as FreeSWITCH 1.11's mod_verto sends and expects them
// (shared/notes/freeswitch.md §9; recorded in tests/fixtures/freeswitch/verto-*.jsonl).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface RpcRequest {
  jsonrpc: '2.0';
  id?: number;
  method: string;
  params?: JsonObject;
}

export interface RpcResponse {
  jsonrpc: '2.0';
  id: number;
  result?: JsonObject;
  error?: { code: number; message: string } & JsonObject;
}

export type RpcMessage = RpcRequest | RpcResponse;

/** -32000 authentication required, -32001 authentication failure, -32002 call does not exist. */
export const VERTO_ERRORS = { authRequired: -32000, authFailure: -32001, sessionError: -32002 } as const;

/** The invite of a call FreeSWITCH rings the agent with (`verto.invite` from the server). */
export interface VertoInvite {
  callID: string;
  sdp: string;
  callerIdName: string;
  callerIdNumber: string;
  /** `verto_h_*` channel variables (top-level invite params), e.g. `verto_h_waihu_attempt_id`. */
  headers: Record<string, string>;
  /** `verto_svar_*` and the CHANNEL_DATA fields FreeSWITCH puts in `params.variables`. */
  variables: Record<string, string>;
}

/** What every dialog message carries: jquery.verto's defaults and the invite's params (but the SDP). */
export function dialogParams(login: string, inviteParams: JsonObject): JsonObject {
  const { sdp: _sdp, callee_id_name: _calleeName, callee_id_number: _calleeNumber, ...rest } = inviteParams;
  return {
    useVideo: false,
    useStereo: false,
    screenShare: false,
    useCamera: 'any',
    useMic: 'any',
    useSpeak: 'any',
    tag: 'webcam',
    login,
    videoParams: {},
    ...rest,
    remote_caller_id_name: rest.caller_id_name ?? '',
    remote_caller_id_number: rest.caller_id_number ?? '',
  };
}

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : v == null ? '' : String(v));

export function parseInvite(params: JsonObject): VertoInvite | null {
  const callID = str(params.callID);
  const sdp = str(params.sdp);
  if (!callID || !sdp) return null;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith('verto_h_')) headers[k] = str(v);
  const variables: Record<string, string> = {};
  const vars = params.variables;
  if (vars && typeof vars === 'object' && !Array.isArray(vars)) for (const [k, v] of Object.entries(vars)) variables[k] = str(v);
  return {
    callID,
    sdp,
    callerIdName: str(params.caller_id_name),
    callerIdNumber: str(params.caller_id_number),
    headers,
    variables,
  };
}

/** Parses one WebSocket text message; null when it is not a JSON-RPC 2.0 object. */
export function parseMessage(text: string): RpcMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return null;
  if (typeof m.method === 'string') return m as unknown as RpcRequest;
  if (typeof m.id === 'number' && ('result' in m || 'error' in m)) return m as unknown as RpcResponse;
  return null;
}
