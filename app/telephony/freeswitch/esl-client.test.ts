import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, EslClient, type EslClientOptions, EslError } from './esl-client';
import type { EslEvent } from './event';
import { loadRecording, type ReplayServer, replayServer, until, untilWrite } from './testing';

const SUBSCRIPTION =
  'CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP_COMPLETE CHANNEL_EXECUTE_COMPLETE DTMF BACKGROUND_JOB'.split(
    ' ',
  );

let server: ReplayServer | null = null;
let client: EslClient | null = null;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = null;
  server = null;
});

function clientFor(srv: ReplayServer, options: Partial<EslClientOptions> = {}) {
  client = new EslClient({ host: '127.0.0.1', port: srv.port, password: 'ClueCon', events: SUBSCRIPTION, ...options });
  return client;
}

const outs = (name: string) =>
  loadRecording(name)
    .filter((r) => r.dir === 'out')
    .map((r) => r.data);

describe('ESL client against recorded sessions', () => {
  it('authenticates, subscribes and says goodbye exactly as recorded', async () => {
    server = await replayServer([loadRecording('esl-auth-and-subscribe.jsonl')]);
    const c = clientFor(server);
    await c.connect();
    expect(c.isReady).toBe(true);
    await c.close();
    expect(server.written[0]).toEqual(outs('esl-auth-and-subscribe.jsonl'));
  });

  it('a wrong password is a clear error and is not retried', async () => {
    server = await replayServer([loadRecording('esl-auth-bad-password.jsonl')]);
    const c = clientFor(server, { password: 'not-the-password', reconnect: { initialMs: 5, maxMs: 20 } });
    const fatal: EslError[] = [];
    c.on('fatal', (e) => fatal.push(e));
    const error = await c.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EslError);
    expect((error as EslError).kind).toBe('auth');
    expect((error as Error).message).toMatch(/refused \(-ERR invalid\).*password/);
    await new Promise((r) => setTimeout(r, 150)); // many backoff periods: still one connection
    expect(server.written).toHaveLength(1);
    expect(fatal).toHaveLength(1);
    // Later commands fail with the same reason, not a vague "closed".
    await expect(c.api('status')).rejects.toMatchObject({ kind: 'auth' });
  });

  it('api, bgapi and replies in order, with events in between; commands issued at once never interleave', async () => {
    const name = 'esl-api-commands.jsonl';
    server = await replayServer([loadRecording(name)]);
    const c = clientFor(server, { events: ['CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE', 'BACKGROUND_JOB'] });
    const seen: EslEvent[] = [];
    c.on('event', (e) => seen.push(e));
    await c.connect();
    const out = outs(name);
    const originate1 = out[4]!.slice('api '.length, -2);
    const originate2 = out[10]!.slice('api '.length, -2);
    const originate3 = out[11]!.split('\n')[0]!.slice('bgapi '.length);
    const id = 'ca11ab1e-0009-4000-8000-000000000001';
    // All issued without waiting: the queue sends one at a time and matches replies in order.
    const replies = Promise.all([
      c.api('status'),
      c.api('sofia status'),
      c.api(originate1),
      c.api('show channels as json'),
      c.api(`uuid_exists ${id}`),
      c.api(`uuid_kill ${id}`),
      c.api(`uuid_exists ${id}`),
      c.api(`uuid_kill ${id}`),
      c.api(originate2),
    ]);
    const r = await replies;
    expect(r[0]).toMatch(/^UP 0 years/);
    expect(r[0]).toContain('FreeSWITCH (Version 1.11.1-release  64bit) is ready');
    expect(r[1]).toContain('internal\tprofile');
    expect(r[2]).toBe(`+OK ${id}\n`);
    expect(JSON.parse(r[3]!).row_count).toBe(2);
    expect(r.slice(4, 8)).toEqual(['true', '+OK\n', 'false', '-ERR No such channel!\n']);
    expect(r[8]).toBe('-ERR USER_BUSY\n');
    const job = await c.bgapi(originate3, 'feedf00d-0009-4000-8000-000000000003');
    expect(job.reply).toBe('+OK Job-UUID: feedf00d-0009-4000-8000-000000000003');
    expect(await job.result).toBe('+OK ca11ab1e-0009-4000-8000-000000000003\n');
    expect(await c.api('uuid_kill ca11ab1e-0009-4000-8000-000000000003')).toBe('+OK\n');
    // `bgapi` without our header: FreeSWITCH makes the Job-UUID.
    const status = await c.command('bgapi status');
    expect(status.headers['Reply-Text']).toMatch(/^\+OK Job-UUID: 89c6ca24-/);
    expect(await c.api('no_such_command')).toBe('-ERR no_such_command Command not found!\n');
    expect(server.written[0]).toEqual(out);
    // The blocking originate's answers were held back until its reply; then delivered as events.
    expect(seen.filter((e) => e.name === 'CHANNEL_ANSWER').length).toBeGreaterThanOrEqual(2);
    expect(seen.some((e) => e.name === 'BACKGROUND_JOB' && e.body?.startsWith('UP '))).toBe(true);
  });

  it('the burst: 20 originates and 20 kills in flight, every job result reaches its caller', async () => {
    const name = 'esl-many-events-burst.jsonl';
    server = await replayServer([loadRecording(name)]);
    const c = clientFor(server);
    let events = 0;
    c.on('event', () => events++);
    await c.connect();
    const out = outs(name);
    const originates = out
      .slice(2, 22)
      .map((o) => c.bgapi(o.split('\n')[0]!.slice(6), o.split('\n')[1]!.slice('Job-UUID: '.length)));
    const accepted = await Promise.all(originates);
    const results = await Promise.all(accepted.map((a) => a.result));
    expect(results.map((r) => r.trim())).toEqual(
      Array.from({ length: 20 }, (_, i) => `+OK ca11ab1e-0010-4000-8000-0000000000${String(i + 1).padStart(2, '0')}`),
    );
    const kills = await Promise.all(
      out.slice(22, 42).map((o) => c.bgapi(o.split('\n')[0]!.slice(6), o.split('\n')[1]!.slice(10))),
    );
    expect((await Promise.all(kills.map((k) => k.result))).every((r) => r === '+OK\n')).toBe(true);
    // Every frame but auth/request, the two handshake replies and the 40 command replies is an event.
    await until(() => events >= 303 - 1 - 2 - 40, 'every event');
    await server.flushed();
    expect(events).toBe(303 - 1 - 2 - 40);
    await until(() => server?.written[0]?.length === 42, 'all writes to arrive');
    expect(server.written[0]).toEqual(out.slice(0, 42));
  });

  it('filters: replies as recorded, and only the filtered call’s events plus both job results arrive', async () => {
    const name = 'esl-filter.jsonl';
    server = await replayServer([loadRecording(name)]);
    const c = clientFor(server);
    const seen: EslEvent[] = [];
    c.on('event', (e) => seen.push(e));
    await c.connect();
    const out = outs(name);
    const call1 = 'ca11ab1e-0012-4000-8000-000000000001';
    expect((await c.command(`filter Unique-ID ${call1}`)).headers['Reply-Text']).toBe(`+OK filter added. [Unique-ID]=[${call1}]`);
    expect((await c.command('filter Event-Name BACKGROUND_JOB')).headers['Reply-Text']).toMatch(/^\+OK filter added/);
    const jobs = await Promise.all(
      [out[4]!, out[5]!].map((o) =>
        c.bgapi(o.split('\n')[0]!.slice('bgapi '.length), o.split('\n')[1]!.slice('Job-UUID: '.length)),
      ),
    );
    expect((await Promise.all(jobs.map((j) => j.result))).map((r) => r.trim())).toEqual([
      `+OK ${call1}`,
      '+OK ca11ab1e-0012-4000-8000-000000000002',
    ]);
    await c.api(`uuid_kill ${call1}`);
    await c.api('uuid_kill ca11ab1e-0012-4000-8000-000000000002');
    expect((await c.command(`filter delete Unique-ID ${call1}`)).headers['Reply-Text']).toMatch(/^\+OK filter deleted/);
    await server.flushed();
    expect(server.written[0]).toEqual(out);
    const channelEvents = seen.filter((e) => e.name !== 'BACKGROUND_JOB');
    expect(channelEvents.length).toBeGreaterThan(0);
    expect(channelEvents.every((e) => e.headers['Unique-ID'] === call1)).toBe(true);
    expect(seen.filter((e) => e.name === 'BACKGROUND_JOB')).toHaveLength(2);
  });

  it('back-pressure: a bounded queue refuses at once, and a command without a reply times out', async () => {
    server = await replayServer([untilWrite(loadRecording('esl-auth-and-subscribe.jsonl'), 2)]);
    const c = clientFor(server, { maxPending: 2, commandTimeoutMs: 300, reconnect: false });
    await c.connect();
    const first = c.api('status'); // on the wire, never answered by this recording
    const queued = [c.api('status'), c.api('status')];
    for (const q of queued) q.catch(() => undefined);
    await expect(c.api('status')).rejects.toMatchObject({
      kind: 'backpressure',
      message: expect.stringMatching(/queue full: 2 commands/),
    });
    await expect(first).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('reconnects with backoff after a drop and subscribes again; a command issued while down is sent after', async () => {
    const api = loadRecording('esl-api-commands.jsonl');
    server = await replayServer([untilWrite(loadRecording('esl-auth-and-subscribe.jsonl'), 2), untilWrite(api, 3)]);
    const c = clientFor(server, { reconnect: { initialMs: 10, maxMs: 40 }, random: () => 0.5 });
    const log: string[] = [];
    c.on('ready', ({ reconnected }) => log.push(reconnected ? 'reconnected' : 'ready'));
    c.on('disconnected', () => log.push('disconnected'));
    await c.connect();
    server.dropAll();
    await until(() => log.includes('disconnected'), 'the drop');
    const status = c.api('status');
    expect(await status).toMatch(/^UP /);
    expect(log).toEqual(['ready', 'disconnected', 'reconnected']);
    expect(server.written[1]).toEqual(['auth ClueCon\n\n', `event json ${SUBSCRIPTION.join(' ')}\n\n`, 'api status\n\n']);
  });

  it('a command on the wire when the socket drops fails with a connection error', async () => {
    server = await replayServer([untilWrite(loadRecording('esl-auth-and-subscribe.jsonl'), 2)]);
    const c = clientFor(server, { reconnect: { initialMs: 10, maxMs: 20 } });
    await c.connect();
    const pending = c.api('status');
    await until(() => (server?.written[0]?.length ?? 0) === 3, 'the command on the wire');
    server.dropAll();
    await expect(pending).rejects.toMatchObject({ kind: 'connection' });
  });

  it('after a disconnect notice the socket closes; the client comes back unless it was closed on purpose', async () => {
    const rec = loadRecording('esl-auth-and-subscribe.jsonl');
    server = await replayServer([rec, untilWrite(rec, 2)]);
    const c = clientFor(server, { reconnect: { initialMs: 10, maxMs: 20 } });
    const log: string[] = [];
    c.on('ready', ({ reconnected }) => log.push(reconnected ? 'reconnected' : 'ready'));
    c.on('disconnected', ({ reason }) => log.push(`disconnected: ${reason}`));
    await c.connect();
    // `exit` sent by someone else's hand (not close()): FreeSWITCH says goodbye and closes.
    expect((await c.command('exit')).headers['Reply-Text']).toBe('+OK bye');
    await until(() => log.includes('reconnected'), 'the reconnect');
    expect(log).toEqual(['ready', 'disconnected: disconnect notice', 'reconnected']);
  });

  it('backoff doubles from the first delay up to the ceiling, with jitter between half and all of it', () => {
    const opts = { initialMs: 250, maxMs: 30_000 };
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, opts, () => 1))).toEqual([250, 500, 1000, 2000]);
    expect(backoffDelay(0, opts, () => 0)).toBe(125);
    expect(backoffDelay(20, opts, () => 1)).toBe(30_000);
    expect(backoffDelay(20, opts, () => 0)).toBe(15_000);
  });

  it('refuses a command that would break the frame', async () => {
    server = await replayServer([untilWrite(loadRecording('esl-auth-and-subscribe.jsonl'), 2)]);
    const c = clientFor(server);
    await c.connect();
    await expect(c.api('status\n\nexit')).rejects.toThrow(/must be one line/);
  });
});
