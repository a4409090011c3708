/**
 * The event mapping, on recorded sessions: the adapter drives a replay of what FreeSWITCH sent and
 * we check the port events a user of the port sees. Dial strings are the recordings' own (the
 * `trunk` is passed through as the dial string), ids are the ones the recordings used.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HungUpEvent, OriginateRequest, SoftswitchEvent } from '../port';
import type { FreeswitchConfig, FreeswitchOptions } from './config';
import { EslClient } from './esl-client';
import { FreeswitchSoftswitch, SUBSCRIBED_EVENTS } from './freeswitch-switch';
import {
  idSequence,
  loadRecording,
  type Recorded,
  type ReplayServer,
  recordedConfig,
  replayServer,
  until,
  untilWrite,
} from './testing';

let server: ReplayServer | null = null;
let sw: FreeswitchSoftswitch | null = null;
afterEach(async () => {
  await sw?.close();
  await server?.close();
  sw = null;
  server = null;
});

const call = (n: string, k = '01') => `ca11ab1e-00${n}-4000-8000-0000000000${k}`;
const job = (n: string, k = '01') => `feedf00d-00${n}-4000-8000-0000000000${k}`;

interface ReplayOptions {
  ids?: string[];
  scripts?: Recorded[][];
  format?: 'json' | 'plain';
  config?: Partial<FreeswitchConfig>;
  options?: FreeswitchOptions;
}

async function replay(name: string, o: ReplayOptions = {}) {
  server = await replayServer(o.scripts ?? [loadRecording(name)]);
  const config = recordedConfig(server.port, o.config);
  const client = new EslClient({
    host: config.eslHost,
    port: config.eslPort,
    password: config.eslPassword,
    events: SUBSCRIBED_EVENTS,
    format: o.format,
    reconnect: { initialMs: 10, maxMs: 20 },
  });
  sw = new FreeswitchSoftswitch(
    config,
    { dialString: (trunk) => trunk, ...o.options },
    { client, ids: idSequence(...(o.ids ?? [])) },
  );
  const events: SoftswitchEvent[] = [];
  sw.onEvent((e) => events.push(e));
  await sw.start();
  const srv = server;
  const of = (id: string) => events.filter((e) => e.callId === id);
  const terminals = (id: string) => of(id).filter((e) => e.type === 'hungUp' || e.type === 'originateFailed');
  const waitFor = (id: string, type: SoftswitchEvent['type']) =>
    until(() => of(id).some((e) => e.type === type), `${type} on ${id}`);
  /** Everything released so far has been read and handled. */
  const drained = async () => {
    await srv.flushed();
    await new Promise((r) => setTimeout(r, 30));
  };
  return { sw, client, events, of, terminals, waitFor, drained, written: () => srv.written.at(-1) ?? [] };
}

const request = (callId: string, trunk: string, overrides: Partial<OriginateRequest> = {}): OriginateRequest => ({
  callId,
  to: '+862150000000',
  callerId: '02150000000',
  trunk,
  timeoutSec: 30,
  variables: { attemptId: 'att-1' },
  amd: false,
  ...overrides,
});

const hungUp = (events: SoftswitchEvent[]) => events.find((e): e is HungUpEvent => e.type === 'hungUp');

describe('FreeSWITCH adapter: originate outcomes on recorded sessions', () => {
  it('answered (event json): answered, then our hangup → one hungUp NORMAL_CLEARING ended by us', async () => {
    const r = await replay('esl-originate-answered-json.jsonl', { ids: [job('02')] });
    const id = call('02');
    const accepted = await r.sw.originate(request(id, 'loopback/9100'));
    expect(accepted).toEqual({ callId: id, jobId: job('02') });
    const command = r.written()[2]!;
    expect(command.startsWith(`bgapi originate {origination_uuid=${id},origination_caller_id_number=02150000000,`)).toBe(true);
    expect(command).toContain(',originate_timeout=30,ignore_early_media=true,');
    expect(command).toContain(',waihu_attempt_id=att-1}loopback/9100 &park()\n');
    expect(command.endsWith(`\nJob-UUID: ${job('02')}\n\n`)).toBe(true);
    await r.waitFor(id, 'answered');
    expect(await r.sw.hangup(id)).toBe(true);
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.of(id).map((e) => e.type)).toEqual(['answered', 'hungUp']);
    const end = hungUp(r.events)!;
    expect(end).toMatchObject({ cause: 'NORMAL_CLEARING', q850: 16, outcome: 'normal', endedBy: 'local', machine: null });
    expect(end.billSec).toBe(1.52);
    expect(end.durationSec).toBe(1.52);
    expect(end.variables).toEqual({ attemptId: 'att-1' });
    expect(end.answeredAt).toBe(1795528971050.052);
    expect(r.written()[3]).toBe(`api uuid_kill ${id} NORMAL_CLEARING\n\n`);
  });

  it('answered (event plain, URL-encoded values, nested job body): the same port events', async () => {
    const r = await replay('esl-originate-answered-plain.jsonl', { ids: [job('03')], format: 'plain' });
    const id = call('03');
    await r.sw.originate(request(id, 'loopback/9100'));
    await r.waitFor(id, 'answered');
    await r.sw.hangup(id);
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.of(id).map((e) => e.type)).toEqual(['answered', 'hungUp']);
    expect(hungUp(r.events)).toMatchObject({ cause: 'NORMAL_CLEARING', q850: 16, endedBy: 'local' });
    expect(r.written()[1]).toMatch(/^event plain CHANNEL_CREATE /);
  });

  it('busy: one hungUp USER_BUSY (17), although the job says -ERR USER_BUSY after it', async () => {
    const r = await replay('esl-originate-busy.jsonl', { ids: [job('04')] });
    const id = call('04');
    await r.sw.originate(request(id, 'loopback/9486', { variables: { attemptId: 'att-4' } }));
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.terminals(id)).toHaveLength(1);
    expect(hungUp(r.events)).toMatchObject({ cause: 'USER_BUSY', q850: 17, outcome: 'busy', endedBy: 'remote', billSec: 0 });
    expect(hungUp(r.events)?.answeredAt).toBeUndefined();
  });

  it('no answer: early media, then one hungUp NO_ANSWER (19) ended by the timeout, though -ERR NO_ANSWER came first', async () => {
    const r = await replay('esl-originate-noanswer.jsonl', { ids: [job('05')] });
    const id = call('05');
    await r.sw.originate(request(id, 'loopback/9408', { timeoutSec: 5 }));
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.of(id).map((e) => e.type)).toEqual(['progress', 'hungUp']);
    expect(r.of(id)[0]).toMatchObject({ type: 'progress', earlyMedia: true });
    const end = hungUp(r.events)!;
    expect(end).toMatchObject({ cause: 'NO_ANSWER', q850: 19, outcome: 'noAnswer', endedBy: 'local', billSec: 0, talkSec: 0 });
    expect(end.ringSec).toBeGreaterThan(4.5);
    expect(end.progressAt).toBeDefined();
    expect(r.written()[2]).toContain(',originate_timeout=5,');
  });

  it('invalid: no route → hungUp (invalid); no such user, agent not registered, unknown gateway → originateFailed', async () => {
    const r = await replay('esl-originate-invalid.jsonl', { ids: ['1', '2', '3', '4'].map((k) => job('06', `0${k}`)) });
    const cases = [
      ['01', 'loopback/9999/no_such_context'],
      ['02', 'user/9999@127.0.0.1'],
      ['03', 'user/1019@127.0.0.1'],
      ['04', 'sofia/gateway/nosuchgw/02150000000'],
    ] as const;
    for (const [k, dial] of cases) {
      await r.sw.originate(request(call('06', k), dial, { timeoutSec: 10 }));
      await until(() => r.terminals(call('06', k)).length > 0, `the end of ${dial}`);
    }
    await r.drained();
    const ends = cases.map(([k]) => r.terminals(call('06', k)));
    expect(ends.map((e) => e.length)).toEqual([1, 1, 1, 1]);
    expect(ends[0]?.[0]).toMatchObject({ type: 'hungUp', cause: 'NO_ROUTE_DESTINATION', outcome: 'invalid' });
    expect(ends.slice(1).map((e) => [e[0]?.type, 'cause' in e[0]! ? e[0].cause : ''])).toEqual([
      ['originateFailed', 'SUBSCRIBER_ABSENT'],
      ['originateFailed', 'USER_NOT_REGISTERED'],
      ['originateFailed', 'INVALID_GATEWAY'],
    ]);
  });

  it('refuses what FreeSWITCH would choke on before sending anything', async () => {
    const r = await replay('esl-originate-answered-json.jsonl');
    await expect(r.sw.originate(request(call('02'), 'loopback/9100', { to: '12345' }))).rejects.toMatchObject({
      reason: 'invalidRequest',
      hangupCause: 'INVALID_NUMBER_FORMAT',
    });
    await expect(r.sw.originate(request(call('02'), 'loopback/9100', { variables: { note: "it's" } }))).rejects.toMatchObject({
      reason: 'invalidRequest',
    });
    expect(r.written()).toHaveLength(2); // auth and subscription only
  });

  it('over a trunk’s capacity the originate fails at once, like a full gateway', async () => {
    const r = await replay('esl-originate-answered-json.jsonl', {
      ids: [job('02'), 'x'],
      options: { trunks: [{ id: 'loopback/9100', capacity: 1 }] },
    });
    await r.sw.originate(request(call('02'), 'loopback/9100'));
    await r.sw.originate(request('second', 'loopback/9100'));
    await r.waitFor('second', 'originateFailed');
    expect(r.of('second')).toMatchObject([{ type: 'originateFailed', cause: 'NORMAL_TEMPORARY_FAILURE' }]);
    expect(r.written().filter((w) => w.startsWith('bgapi originate'))).toHaveLength(1);
  });
});

describe('FreeSWITCH adapter: robot channel, bridge, burst on recorded sessions', () => {
  it('play-and-collect: DTMF 2 → dtmf + collected digits; nothing pressed → noInput', async () => {
    const r = await replay('esl-play-and-get-digits.jsonl', {
      ids: [job('07'), 'e7e7e7e7-0007-4000-8000-000000000001', 'e7e7e7e7-0007-4000-8000-000000000002'],
    });
    const id = call('07');
    await r.sw.originate(request(id, 'loopback/9100', { variables: { attemptId: 'att-7' } }));
    await r.waitFor(id, 'answered');
    const prompt = { recording: 'tone_stream://%(500,0,440)', language: 'en' };
    const first = r.sw.playAndCollect(id, { prompt, key: 'answer', maxDigits: 1, timeoutSec: 5, validDigits: '0123456789' });
    await until(() => r.written().length === 4, 'the sendmsg');
    const sendmsg = r.written()[3]!;
    expect(sendmsg).toBe(
      `sendmsg ${id}\ncall-command: execute\nexecute-app-name: play_and_get_digits\nexecute-app-arg: 1 1 1 5000 # tone_stream://%(500,0,440) silence_stream://250 waihu_answer ^[0123456789]{1,1}$ 3000\nEvent-UUID: e7e7e7e7-0007-4000-8000-000000000001\n\n`,
    );
    // The customer presses 2 (the recording did it with uuid_send_dtmf on the loopback's other leg).
    await r.client.api('uuid_send_dtmf 886ad1f9-64ae-443f-88c9-462f809660c9 2');
    expect(await first).toEqual({ kind: 'digits', digits: '2' });
    const second = await r.sw.playAndCollect(id, {
      prompt,
      key: 'answer2',
      maxDigits: 1,
      timeoutSec: 1.5,
      validDigits: '0123456789',
    });
    expect(second).toEqual({ kind: 'noInput' });
    await r.client.api(`uuid_broadcast ${id} tone_stream://%(300,0,600) aleg`);
    await r.sw.hangup(id);
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.of(id).map((e) => e.type)).toEqual(['answered', 'dtmf', 'collected', 'collected', 'hungUp']);
    expect(r.of(id)[1]).toMatchObject({ digit: '2' });
    expect(r.of(id)[2]).toMatchObject({ key: 'answer', result: { kind: 'digits', digits: '2' } });
    expect(r.of(id)[3]).toMatchObject({ key: 'answer2', result: { kind: 'noInput' } });
  });

  it('bridge: the agent leg is originated parked and bridged; the agent hangs up → one hungUp ended by the agent', async () => {
    const agentLeg = call('08', '02');
    const r = await replay('esl-bridge.jsonl', {
      ids: [job('08'), agentLeg, job('08', '02')],
      config: { agentDialString: () => 'loopback/9100' },
    });
    const id = call('08');
    await r.sw.originate(request(id, 'loopback/9100', { variables: { attemptId: 'att-8' } }));
    await r.waitFor(id, 'answered');
    await r.sw.bridge(id, 'user/1001@127.0.0.1');
    expect(r.written()[3]).toContain(`bgapi originate {origination_uuid=${agentLeg},origination_caller_id_number=02150000000,`);
    expect(r.written()[3]).toContain(`waihu_call_id=${id}`);
    await r.waitFor(id, 'bridged');
    expect(r.written()[4]).toBe(`api uuid_bridge ${id} ${agentLeg}\n\n`);
    // The agent hangs up (the recording killed the agent leg).
    await r.client.api(`uuid_kill ${agentLeg}`);
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.of(id).map((e) => e.type)).toEqual(['answered', 'bridged', 'hungUp']);
    expect(r.of(id)[1]).toMatchObject({ agentEndpoint: 'user/1001@127.0.0.1' });
    const end = hungUp(r.events)!;
    expect(end).toMatchObject({ cause: 'NORMAL_CLEARING', endedBy: 'agent', agentEndpoint: 'user/1001@127.0.0.1' });
    expect(end.talkSec).toBeGreaterThan(0.9);
    expect(end.talkSec).toBeLessThan(end.billSec);
    expect(r.terminals(agentLeg)).toHaveLength(0);
  });

  it('bridge to an agent nobody is logged in at: bridgeFailed USER_NOT_REGISTERED, the customer stays', async () => {
    // The customer's answered call, then the recorded `-ERR USER_NOT_REGISTERED` of user/1019.
    const invalid = loadRecording('esl-originate-invalid.jsonl');
    const outs = invalid.map((x, i) => [x, i] as const).filter(([x]) => x.dir === 'out');
    const segment = invalid.slice(outs[4]![1] + 1, outs[5]![1]);
    const agentJob = job('06', '03');
    const script = [...untilWrite(loadRecording('esl-originate-answered-json.jsonl'), 3), outs[4]![0], ...segment];
    const r = await replay('', { ids: [job('02'), call('06', '03'), agentJob], scripts: [script] });
    const id = call('02');
    await r.sw.originate(request(id, 'loopback/9100'));
    await r.waitFor(id, 'answered');
    await r.sw.bridge(id, 'user/1019@127.0.0.1');
    await r.waitFor(id, 'bridgeFailed');
    expect(r.of(id).at(-1)).toMatchObject({
      type: 'bridgeFailed',
      cause: 'USER_NOT_REGISTERED',
      agentEndpoint: 'user/1019@127.0.0.1',
    });
    expect(r.terminals(id)).toHaveLength(0);
  });

  it('the burst: 20 calls answered and ended, one terminal each, nothing from the loopback -b legs', async () => {
    const n = (i: number) => String(i).padStart(2, '0');
    const ids = Array.from({ length: 20 }, (_, i) => job('10', n(i + 1)));
    const r = await replay('esl-many-events-burst.jsonl', { ids });
    const calls = Array.from({ length: 20 }, (_, i) => call('10', n(i + 1)));
    await Promise.all(
      calls.map((id, i) => r.sw.originate(request(id, 'loopback/9100', { variables: { attemptId: `att-10-${i + 1}` } }))),
    );
    await until(() => calls.every((id) => r.of(id).some((e) => e.type === 'answered')), 'all answers');
    // The recording ended them with bgapi uuid_kill.
    await Promise.all(calls.map((id, i) => r.client.bgapi(`uuid_kill ${id}`, `feedf00d-0010-4000-8000-000000000${100 + i + 1}`)));
    await until(() => calls.every((id) => r.terminals(id).length > 0), 'all ends');
    await r.drained();
    expect(
      calls.map((id) =>
        r
          .of(id)
          .map((e) => e.type)
          .join(),
      ),
    ).toEqual(calls.map(() => 'answered,hungUp'));
    expect(new Set(r.events.map((e) => e.callId))).toEqual(new Set(calls));
    expect(r.events.filter((e) => e.type === 'hungUp').every((e) => e.type === 'hungUp' && e.cause === 'NORMAL_CLEARING')).toBe(
      true,
    );
  });

  it('activeCalls from `show channels as json` (without the loopback -b leg); hangup of a gone call is false', async () => {
    const rec = loadRecording('esl-api-commands.jsonl');
    const r = await replay('esl-api-commands.jsonl');
    await r.client.api('status');
    await r.client.api('sofia status');
    const originate = rec.filter((x) => x.dir === 'out')[4]!.data;
    await r.client.api(originate.slice(4, -2));
    const active = await r.sw.activeCalls();
    expect(active).toEqual([
      expect.objectContaining({ callId: call('09'), state: 'answered', to: '9100', createdAt: 1795529006000 }),
    ]);
    expect(await r.client.api(`uuid_exists ${call('09')}`)).toBe('true');
    expect(await r.sw.hangup(call('09'))).toBe(true);
    await r.client.api(`uuid_exists ${call('09')}`);
    expect(await r.sw.hangup(call('09'))).toBe(false);
  });
});

describe('FreeSWITCH adapter: health', () => {
  it('asks `status` (reused for a few seconds: the pacer asks every round) and counts our calls per trunk', async () => {
    const api = loadRecording('esl-api-commands.jsonl');
    const r = await replay('', { scripts: [untilWrite(api, 4)], options: { trunks: [] } });
    const health = await r.sw.health();
    expect(health).toEqual({
      ok: true,
      message: 'FreeSWITCH (Version 1.11.1-release  64bit) is ready',
      trunks: {},
      activeCalls: 0,
    });
    expect(await r.sw.health()).toEqual(health);
    expect(r.written()).toHaveLength(3);
    await r.sw.close();
    expect(await r.sw.health()).toMatchObject({ ok: false, message: 'closed' });
  });
});

describe('FreeSWITCH adapter: Verto legs (recorded with a Verto client)', () => {
  it('invite answered by the agent’s browser, then ended by us: progress before CREATE is fine', async () => {
    const r = await replay('verto-login-invite-bye-esl.jsonl', { ids: [job('11')] });
    const id = call('11');
    await r.sw.originate(request(id, 'verto.rtc/1001@127.0.0.1', { timeoutSec: 20, callerIdName: 'Waihu' }));
    expect(r.written()[2]).toContain('origination_caller_id_name=Waihu,');
    await r.waitFor(id, 'answered');
    await r.sw.hangup(id);
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.of(id).map((e) => e.type)).toEqual(['progress', 'answered', 'hungUp']);
    expect(r.of(id)[0]).toMatchObject({ earlyMedia: false });
    expect(hungUp(r.events)).toMatchObject({ cause: 'NORMAL_CLEARING', endedBy: 'local' });
  });

  it('DTMF from the browser and a bye from the agent: dtmf 5, hungUp ended by the far end', async () => {
    const r = await replay('verto-dtmf-hold-agent-bye-esl.jsonl', { ids: [job('11', '02')] });
    const id = call('11', '02');
    await r.sw.originate(request(id, 'user/1002@127.0.0.1', { timeoutSec: 20 }));
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.of(id).map((e) => e.type)).toEqual(['progress', 'answered', 'dtmf', 'hungUp']);
    expect(r.of(id)[2]).toMatchObject({ digit: '5' });
    expect(hungUp(r.events)).toMatchObject({ cause: 'NORMAL_CLEARING', endedBy: 'remote' });
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: a FreeSWITCH expansion, not a template
  it('`${verto_contact(…)}` is originated with expand; a declined invite is one hungUp USER_BUSY', async () => {
    const r = await replay('verto-invite-reject-esl.jsonl', { ids: [job('11', '03')] });
    const id = call('11', '03');
    await r.client.api('verto_contact 1003@127.0.0.1');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a FreeSWITCH expansion, not a template
    await r.sw.originate(request(id, '${verto_contact(1003@127.0.0.1)}', { timeoutSec: 20 }));
    expect(r.written()[3]).toMatch(/^bgapi expand originate \{origination_uuid=ca11ab1e-0011-4000-8000-000000000003,/);
    await r.waitFor(id, 'hungUp');
    await r.drained();
    expect(r.terminals(id)).toHaveLength(1);
    expect(hungUp(r.events)).toMatchObject({ cause: 'USER_BUSY', q850: 17, outcome: 'busy' });
  });

  it('a call the agent placed from the browser is not ours: no port events', async () => {
    const r = await replay('verto-agent-dials-out-esl.jsonl');
    await r.drained();
    expect(r.events).toEqual([]);
  });
});

describe('FreeSWITCH adapter: reconnect and reconcile', () => {
  const answered = loadRecording('esl-originate-answered-json.jsonl');
  const api = loadRecording('esl-api-commands.jsonl');
  /** A second connection: auth, subscription, then the recorded `uuid_exists` answer (`true` or `false`). */
  const second = (exists: 'true' | 'false') => {
    const handshake = untilWrite(api, 2);
    const reply = api.find((x) => x.dir === 'in' && x.data.endsWith(`\n\n${exists}`))!;
    const kill = api.find((x) => x.dir === 'in' && x.data.endsWith('\n\n+OK\n'))!;
    return [
      ...handshake,
      { dir: 'out', t_ms: 0, data: 'api uuid_exists …' },
      reply,
      { dir: 'out', t_ms: 0, data: 'api uuid_kill …' },
      kill,
    ] as Recorded[];
  };

  it('a call that ended while the socket was down gets one hungUp from what was known', async () => {
    const r = await replay('', { ids: [job('02')], scripts: [untilWrite(answered, 3), second('false')] });
    const id = call('02');
    await r.sw.originate(request(id, 'loopback/9100'));
    await r.waitFor(id, 'answered');
    server!.dropAll();
    await r.waitFor(id, 'hungUp');
    await r.sw.settled();
    expect(server!.written[1]).toEqual([
      'auth ClueCon\n\n',
      `event json ${SUBSCRIBED_EVENTS.join(' ')}\n\n`,
      `api uuid_exists ${id}\n\n`,
    ]);
    expect(r.terminals(id)).toHaveLength(1);
    expect(hungUp(r.events)).toMatchObject({
      cause: 'NORMAL_CLEARING',
      outcome: 'normal',
      variables: { attemptId: 'att-1', reconciled: 'true' },
    });
  });

  it('an originate whose acceptance was lost with the socket is refused, then killed after the reconnect', async () => {
    const noSuchChannel = api.find((x) => x.dir === 'in' && x.data.endsWith('-ERR No such channel!\n'))!;
    const again = [...untilWrite(api, 2), { dir: 'out', t_ms: 0, data: 'api uuid_kill …' }, noSuchChannel] as Recorded[];
    const r = await replay('', { ids: [job('02')], scripts: [untilWrite(answered, 2), again] });
    const id = call('02');
    const originate = r.sw.originate(request(id, 'loopback/9100'));
    await until(() => (server?.written[0]?.length ?? 0) === 3, 'the originate on the wire');
    server!.dropAll();
    await expect(originate).rejects.toMatchObject({ reason: 'closed' });
    await until(() => (server?.written[1]?.length ?? 0) === 3, 'the kill');
    expect(server!.written[1]?.[2]).toBe(`api uuid_kill ${id} ORIGINATOR_CANCEL\n\n`);
    await r.sw.settled();
    expect(r.events).toEqual([]);
  });

  it('a call still up after the reconnect carries on and can be hung up', async () => {
    const r = await replay('', { ids: [job('02')], scripts: [untilWrite(answered, 3), second('true')] });
    const id = call('02');
    await r.sw.originate(request(id, 'loopback/9100'));
    await r.waitFor(id, 'answered');
    server!.dropAll();
    await until(() => (server?.written[1]?.length ?? 0) === 3, 'the reconcile');
    await r.sw.settled();
    expect(r.terminals(id)).toHaveLength(0);
    expect(await r.sw.hangup(id)).toBe(true);
    expect(server!.written[1]?.[3]).toBe(`api uuid_kill ${id} NORMAL_CLEARING\n\n`);
  });
});

describe('FreeSWITCH adapter: recordings and AMD', () => {
  it('records on answer under <path>/<yyyy-mm-dd>/<callId>.wav and reports the path on hungUp', async () => {
    const r = await replay('esl-originate-answered-json.jsonl', {
      ids: [job('02')],
      config: { recordingPath: '/var/lib/waihu/rec/' },
    });
    const id = call('02');
    await r.sw.originate(request(id, 'loopback/9100'));
    const path = /execute_on_answer_1='record_session (\/var\/lib\/waihu\/rec\/\d{4}-\d\d-\d\d\/[^']+\.wav)'/.exec(
      r.written()[2]!,
    )?.[1];
    expect(path).toMatch(new RegExp(`/${id}\\.wav$`));
    await r.waitFor(id, 'answered');
    await r.sw.hangup(id);
    await r.waitFor(id, 'hungUp');
    expect(hungUp(r.events)?.recordingPath).toBe(path);
  });

  it('amd mode: runs mod_amd on answer and holds `answered` until its verdict', async () => {
    const r = await replay('esl-originate-answered-json.jsonl', { ids: [job('02')], config: { amd: 'amd' } });
    const id = call('02');
    await r.sw.originate(request(id, 'loopback/9100', { amd: true }));
    expect(r.written()[2]).toContain(',execute_on_answer_1=amd}');
    await r.sw.hangup(id);
    await r.waitFor(id, 'hungUp');
    // The recording has no `amd` app: no verdict, so no `answered`; the CDR still shows the answer.
    expect(r.of(id).map((e) => e.type)).toEqual(['hungUp']);
    expect(hungUp(r.events)).toMatchObject({ machine: null, billSec: 1.52 });
  });

  it('avmd mode: starts mod_avmd on answer; no beep within the window → answered, verdict undecided', async () => {
    const r = await replay('esl-originate-answered-json.jsonl', {
      ids: [job('02')],
      config: { amd: 'avmd' },
      options: { avmdWindowSec: 0.05 },
    });
    const id = call('02');
    await r.sw.originate(request(id, 'loopback/9100', { amd: true }));
    expect(r.written()[2]).toContain(',execute_on_answer_1=avmd_start}');
    await r.waitFor(id, 'answered');
    expect(r.of(id)[0]).toMatchObject({ type: 'answered', machine: null });
  });
});
