import fs from 'node:fs';
import path from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';

// A stand-in for FreeSWITCH's Verto endpoint in the browser test (e2e/softphone.spec.ts). It
// speaks only frames recorded from a real FreeSWITCH 1.11 (tests/fixtures/freeswitch/verto-*.jsonl),
// with the JSON-RPC id, sessid and call id set to this session's. Like FreeSWITCH it checks a
// login against the directory Waihu serves to mod_xml_curl (/freeswitch/directory).

interface Frame {
  dir: 'in' | 'out';
  data: string;
}

type Msg = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown> };

const recording = (name: string): Msg[] =>
  fs
    .readFileSync(path.resolve('tests/fixtures/freeswitch', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Frame)
    .filter((f) => f.dir === 'in')
    .map((f) => JSON.parse(f.data) as Msg);

const inviteBye = recording('verto-login-invite-bye.jsonl');
const dtmfHold = recording('verto-dtmf-hold-agent-bye.jsonl');
const bad = recording('verto-login-bad.jsonl');

const LOGGED_IN = inviteBye.find((m) => m.result?.message === 'logged in')!;
const CLIENT_READY = inviteBye.find((m) => m.method === 'verto.clientReady')!;
const INVITE = inviteBye.find((m) => m.method === 'verto.invite')!;
const ANSWERED = inviteBye.find((m) => m.result && Object.keys(m.result).length === 1 && 'sessid' in m.result)!;
const SERVER_BYE = inviteBye.find((m) => m.method === 'verto.bye')!;
const AUTH_FAILURE = bad[0]!;
const byResult = (pred: (r: Record<string, unknown>) => boolean) => dtmfHold.find((m) => m.result && pred(m.result))!;
const DTMF_SENT = byResult((r) => r.message === 'SENT');
const HELD = byResult((r) => r.holdState === 'held');
const ACTIVE = byResult((r) => r.holdState === 'active');
const CALL_ENDED = byResult((r) => r.message === 'CALL ENDED');

/** A recorded frame with this session's ids in place of the recording's. */
function adapt(frame: Msg, ids: { id?: number; sessid?: string; callID?: string }): string {
  let text = JSON.stringify(frame);
  if (ids.sessid) text = text.replace(/5e551d00-0011-4000-8000-0000000000\d\d/g, ids.sessid);
  if (ids.callID) text = text.replace(/ca11ab1e-0011-4000-8000-0000000000\d\d/g, ids.callID);
  const out = JSON.parse(text) as Msg;
  if (ids.id !== undefined) out.id = ids.id;
  return JSON.stringify(out);
}

export interface TestVerto {
  url: string;
  /** Every message a browser sent, in order. */
  received: Msg[];
  /** Directory lookups made, with whether the password matched. */
  logins: { login: string; ok: boolean }[];
  /** The key sent to Waihu's directory; a wrong one makes every login fail, as with FreeSWITCH. */
  directoryKey: string;
  /** FreeSWITCH hangs the call up (the customer left). */
  hangUp(callID: string): void;
  close(): Promise<void>;
}

export async function startTestVerto(opts: { port: number; waihuUrl: string; directoryKey: string }): Promise<TestVerto> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: opts.port });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  let serverId = 100;
  const state: TestVerto = {
    url: `ws://127.0.0.1:${opts.port}`,
    received: [],
    logins: [],
    directoryKey: opts.directoryKey,
    hangUp(callID) {
      for (const ws of sockets) ws.send(adapt(SERVER_BYE, { id: serverId++, callID }));
    },
    close: () =>
      new Promise((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close(() => resolve());
      }),
  };

  async function passwordOf(login: string): Promise<string | null> {
    const [user = '', domain = ''] = login.split('@');
    const response = await fetch(`${opts.waihuUrl}/freeswitch/directory`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-waihu-directory-key': state.directoryKey },
      body: new URLSearchParams({
        section: 'directory',
        tag_name: 'domain',
        key_name: 'name',
        key_value: domain,
        user,
        domain,
        action: 'jsonrpc-authenticate',
      }),
    });
    if (!response.ok) return null;
    return /<param name="password" value="([^"]*)"\/>/.exec(await response.text())?.[1] ?? null;
  }

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    let sessid = '';
    ws.on('message', async (raw) => {
      const msg = JSON.parse(String(raw)) as Msg;
      state.received.push(msg);
      const params = msg.params ?? {};
      const id = msg.id;
      const dialog = (params.dialogParams ?? {}) as { callID?: string };
      switch (msg.method) {
        case 'login': {
          sessid = String(params.sessid);
          const expected = await passwordOf(String(params.login));
          const ok = expected !== null && expected === params.passwd;
          state.logins.push({ login: String(params.login), ok });
          if (!ok) {
            ws.send(adapt(AUTH_FAILURE, { id }));
            return;
          }
          ws.send(adapt(LOGGED_IN, { id, sessid }));
          setTimeout(() => ws.send(adapt(CLIENT_READY, { id: serverId++ })), 100);
          setTimeout(() => ws.send(adapt(INVITE, { id: serverId++ })), 150);
          return;
        }
        case 'verto.answer':
          ws.send(adapt(ANSWERED, { id, sessid }));
          return;
        case 'verto.info':
          ws.send(adapt(DTMF_SENT, { id, sessid }));
          return;
        case 'verto.modify':
          ws.send(adapt(params.action === 'hold' ? HELD : ACTIVE, { id, sessid, callID: dialog.callID }));
          return;
        case 'verto.bye':
          ws.send(adapt(CALL_ENDED, { id, sessid, callID: dialog.callID }));
          return;
        default:
      }
    });
  });
  return state;
}
