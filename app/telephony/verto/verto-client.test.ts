import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock';
import type { JsonObject } from './protocol';
import { type CallEnd, VertoClient, type VertoSocket, type VertoState } from './verto-client';

// The client against FreeSWITCH 1.11's recorded Verto sessions (tests/fixtures/freeswitch/verto-*.jsonl):
// the server's frames are fed in as recorded, and every frame the client writes must equal the
// recorded `out` frame (method, params and id). No server frame is made up.

interface Frame {
  dir: 'in' | 'out';
  t_ms: number;
  data: string;
}

const load = (name: string): Frame[] =>
  fs
    .readFileSync(path.resolve('tests/fixtures/freeswitch', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Frame);

class FakeSocket implements VertoSocket {
  sent: string[] = [];
  closed = false;
  onopen: VertoSocket['onopen'] = null;
  onmessage: VertoSocket['onmessage'] = null;
  onclose: VertoSocket['onclose'] = null;
  onerror: VertoSocket['onerror'] = null;
  send(data: string) {
    if (this.closed) throw new Error('send on a closed socket');
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  /** The server (or the network) closes the socket. */
  drop() {
    this.closed = true;
    this.onclose?.({});
  }
  deliver(data: string) {
    this.onmessage?.({ data });
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A client whose sessid and credentials are the recording's (read from its login frame). */
function harness(frames: Frame[], password?: string) {
  const login = JSON.parse(frames.find((f) => f.dir === 'out')!.data).params as JsonObject;
  const sockets: FakeSocket[] = [];
  const clock = new VirtualClock();
  let stored: string | null = String(login.sessid);
  const client = new VertoClient({
    url: 'ws://127.0.0.1:8081',
    credentials: async () => ({ login: String(login.login), passwd: password ?? String(login.passwd) }),
    sessionStore: { get: () => stored, set: (v) => (stored = v) },
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    clock,
    random: () => 0.5,
  });
  const states: VertoState[] = [];
  const errors: (string | undefined)[] = [];
  const ends: [string, CallEnd][] = [];
  const invites: string[] = [];
  client.on({
    state: (s, d) => {
      states.push(s);
      errors.push(d.error);
    },
    ended: (id, end) => ends.push([id, end]),
    invite: (i) => invites.push(i.callID),
  });
  return { client, sockets, clock, states, errors, ends, invites };
}

type Action = (client: VertoClient, recorded: JsonObject) => Promise<unknown>;

/**
 * Plays a recording: `in` frames are delivered; each `out` frame must be the next frame the client
 * wrote, either on its own (login, acknowledgements, its bye after the server's) or after the
 * agent's action given for that frame's position.
 */
async function replay(name: string, actions: Record<number, Action> = {}) {
  const frames = load(name);
  const h = harness(frames);
  h.client.start();
  await flush();
  const socket = h.sockets[0]!;
  socket.onopen?.({});
  let read = 0;
  for (const [i, frame] of frames.entries()) {
    if (frame.dir === 'in') {
      socket.deliver(frame.data);
      await flush();
      continue;
    }
    const recorded = JSON.parse(frame.data) as JsonObject;
    const action = actions[i];
    if (action) {
      expect(socket.sent.length, `frame ${i} must wait for the agent`).toBe(read);
      void action(h.client, recorded.params as JsonObject).catch(() => {});
      await flush();
    }
    expect(socket.sent.length, `frame ${i} (${String(recorded.method ?? 'reply')}) was not sent`).toBeGreaterThan(read);
    expect(JSON.parse(socket.sent[read]!), `frame ${i}`).toEqual(recorded);
    read++;
  }
  expect(socket.sent.slice(read), 'nothing more than the recording').toEqual([]);
  return h;
}

const CALL1 = 'ca11ab1e-0011-4000-8000-000000000001';
const CALL2 = 'ca11ab1e-0011-4000-8000-000000000002';
const CALL3 = 'ca11ab1e-0011-4000-8000-000000000003';
const answerWithRecordedSdp: Action = (c, p) => c.answer(String((p.dialogParams as JsonObject).callID), String(p.sdp));

describe('Verto client replaying recorded FreeSWITCH sessions', () => {
  it('signs in, acknowledges the invite exactly as recorded, answers, and ends on the server bye (its own bye gets -32002, ignored)', async () => {
    const h = await replay('verto-login-invite-bye.jsonl', { 5: answerWithRecordedSdp });
    expect(h.states).toEqual(['connecting', 'registered']);
    expect(h.invites).toEqual([CALL1]);
    expect(h.ends).toEqual([[CALL1, { cause: 'NORMAL_CLEARING', causeCode: 16, by: 'remote' }]]);
    expect(h.client.call(CALL1)?.state).toBe('ended');
    // The -32002 after the server bye did not disturb the registration.
    expect(h.client.state).toBe('registered');
  });

  it('the invite carries the attempt id (verto_h_*) and the campaign (verto_svar_*) apart from the SDP', async () => {
    const h = await replay('verto-login-invite-bye.jsonl', { 5: answerWithRecordedSdp });
    const invite = h.client.call(CALL1)!.invite;
    expect(invite.headers).toEqual({ verto_h_waihu_attempt_id: 'att-11', verto_h_waihu_contact_id: 'c-42' });
    expect(invite.variables.verto_svar_waihu_campaign_id).toBe('camp-7');
    expect(invite.callerIdNumber).toBe('02150000000');
    expect(invite.sdp).toMatch(/^v=0\r\n/);
  });

  it('sends DTMF, holds and unholds, and hangs up as the agent', async () => {
    const held: boolean[] = [];
    const h = await replay('verto-dtmf-hold-agent-bye.jsonl', {
      5: answerWithRecordedSdp,
      7: (c) => c.dtmf(CALL2, '5'),
      9: (c) => c.hold(CALL2, true).then((x) => held.push(x)),
      11: (c) => c.hold(CALL2, false).then((x) => held.push(x)),
      13: (c) => c.hangup(CALL2),
    });
    expect(held).toEqual([true, false]);
    expect(h.ends).toEqual([[CALL2, { cause: 'NORMAL_CLEARING', causeCode: null, by: 'local' }]]);
  });

  it('declines a ringing call with a cause (USER_BUSY)', async () => {
    const h = await replay('verto-invite-reject.jsonl', { 5: (c) => c.hangup(CALL3, 'USER_BUSY') });
    expect(h.ends).toEqual([[CALL3, { cause: 'USER_BUSY', causeCode: null, by: 'local' }]]);
  });

  it('a wrong password is "login failed" with the server message, and it does not retry', async () => {
    const h = await replay('verto-login-bad.jsonl');
    expect(h.states).toEqual(['connecting', 'loginFailed']);
    expect(h.errors.at(-1)).toBe('Authentication Failure');
    h.clock.runAll();
    expect(h.sockets).toHaveLength(1);
    expect(h.sockets[0]!.closed).toBe(true);
  });
});

describe('Verto client across network blips', () => {
  const frames = load('verto-login-invite-bye.jsonl');
  const inbound = frames.filter((f) => f.dir === 'in').map((f) => f.data);

  async function registered() {
    const h = harness(frames);
    h.client.start();
    await flush();
    h.sockets[0]!.onopen?.({});
    h.sockets[0]!.deliver(inbound[0]!); // logged in
    await flush();
    return h;
  }

  it('reconnects with backoff and signs in again with the same sessid', async () => {
    const h = await registered();
    h.sockets[0]!.drop();
    expect(h.client.state).toBe('reconnecting');
    h.clock.advance(999);
    await flush();
    expect(h.sockets).toHaveLength(1);
    h.clock.advance(1);
    await flush();
    expect(h.sockets).toHaveLength(2);
    // The second try fails too: the wait doubles.
    h.sockets[1]!.drop();
    h.clock.advance(1999);
    await flush();
    expect(h.sockets).toHaveLength(2);
    h.clock.advance(1);
    await flush();
    expect(h.sockets).toHaveLength(3);
    h.sockets[2]!.onopen?.({});
    const login = JSON.parse(h.sockets[2]!.sent[0]!) as { method: string; params: JsonObject };
    expect(login.method).toBe('login');
    expect(login.params.sessid).toBe(h.client.sessid);
    expect(h.client.sessid).toBe('5e551d00-0011-4000-8000-000000000001');
  });

  it('a call FreeSWITCH reattaches survives the blip; one it does not is reported lost', async () => {
    const h = await registered();
    const socket = h.sockets[0]!;
    socket.deliver(inbound[1]!); // clientReady
    socket.deliver(inbound[2]!); // invite
    await flush();
    void h.client.answer(CALL1, 'v=0\r\n');
    socket.deliver(inbound[3]!); // answer result
    await flush();
    expect(h.client.call(CALL1)?.state).toBe('active');

    // The network drops; after the backoff the client signs in on a new socket (the recorded
    // "logged in" answers its login's id).
    const blip = async (old: FakeSocket) => {
      old.drop();
      h.clock.advance(1000);
      await flush();
      const next = h.sockets.at(-1)!;
      next.onopen?.({});
      next.deliver(inbound[0]!.replace('"id":1', `"id":${JSON.parse(next.sent[0]!).id}`));
      await flush();
      return next;
    };
    const again = await blip(socket);
    expect(h.client.state).toBe('registered');
    // clientReady's reattached_sessions as mod_verto sends it, here naming the call.
    again.deliver(inbound[1]!.replace('"reattached_sessions":[]', `"reattached_sessions":["${CALL1}"]`));
    expect(h.client.call(CALL1)?.state).toBe('active');
    expect(h.ends).toEqual([]);

    const third = await blip(again);
    third.deliver(inbound[1]!); // reattached_sessions: [] — the call is gone
    expect(h.ends).toEqual([[CALL1, { cause: 'LOST_ON_RECONNECT', causeCode: null, by: 'lost' }]]);
  });

  it('a call hung up while the line was down is ended on FreeSWITCH when it comes back reattached', async () => {
    const h = await registered();
    const socket = h.sockets[0]!;
    socket.deliver(inbound[1]!); // clientReady
    socket.deliver(inbound[2]!); // invite
    await flush();
    void h.client.answer(CALL1, 'v=0\r\n');
    socket.deliver(inbound[3]!); // answer result
    await flush();
    socket.drop();
    await h.client.hangup(CALL1);
    expect(h.ends).toEqual([[CALL1, { cause: 'NORMAL_CLEARING', causeCode: null, by: 'local' }]]);
    h.clock.advance(1000);
    await flush();
    const again = h.sockets[1]!;
    again.onopen?.({});
    again.deliver(inbound[0]!.replace('"id":1', `"id":${JSON.parse(again.sent[0]!).id}`));
    await flush();
    again.deliver(inbound[1]!.replace('"reattached_sessions":[]', `"reattached_sessions":["${CALL1}"]`));
    const bye = JSON.parse(again.sent.at(-1)!) as { method: string; params: { dialogParams: JsonObject } };
    expect(bye.method).toBe('verto.bye');
    expect(bye.params.dialogParams.callID).toBe(CALL1);
  });

  it('a login FreeSWITCH never answers times out and is tried again; stop() ends it for good', async () => {
    const h = harness(frames);
    h.client.start();
    await flush();
    h.sockets[0]!.onopen?.({});
    h.clock.advance(10_000);
    await flush();
    expect(h.client.state).toBe('reconnecting');
    expect(h.errors.at(-1)).toBe('login timed out');
    h.clock.advance(1000);
    await flush();
    expect(h.sockets).toHaveLength(2);
    h.client.stop();
    expect(h.client.state).toBe('closed');
    expect(h.sockets[1]!.closed).toBe(true);
    h.clock.runAll();
    await flush();
    expect(h.sockets).toHaveLength(2);
  });

  it('a new browser session makes its own sessid and keeps it for the next page load', () => {
    let stored: string | null = null;
    const store = { get: () => stored, set: (v: string) => (stored = v) };
    const options = { url: 'ws://x', credentials: async () => ({ login: 'a@b', passwd: 'p' }), sessionStore: store };
    const first = new VertoClient({ ...options, newId: () => 'sess-1' });
    const second = new VertoClient({ ...options, newId: () => 'sess-2' });
    expect(first.sessid).toBe('sess-1');
    expect(second.sessid).toBe('sess-1');
  });

  it('ignores what is not JSON-RPC 2.0 and stays registered', async () => {
    const h = await registered();
    const socket = h.sockets[0]!;
    const before = socket.sent.length;
    socket.deliver('not json');
    socket.deliver('{"jsonrpc":"1.0","id":3}');
    socket.deliver('[]');
    expect(socket.sent.slice(before)).toEqual([]);
    expect(h.client.state).toBe('registered');
  });

  it('credentials that cannot be fetched are retried with backoff, not a crash', async () => {
    let fail = true;
    const h = harness(frames);
    const client = new VertoClient({
      url: 'ws://x',
      credentials: async () => {
        if (fail) throw new Error('offline');
        return { login: '1001@127.0.0.1', passwd: 'p' };
      },
      sessionStore: { get: () => 's', set: () => {} },
      createSocket: () => {
        const s = new FakeSocket();
        h.sockets.push(s);
        return s;
      },
      clock: h.clock,
      random: () => 0.5,
    });
    client.start();
    await flush();
    expect(client.state).toBe('reconnecting');
    expect(h.sockets).toHaveLength(0);
    fail = false;
    h.clock.advance(1000);
    await flush();
    expect(h.sockets).toHaveLength(1);
  });
});
