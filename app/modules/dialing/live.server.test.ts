import { afterAll, describe, expect, it } from 'vitest';
import { boss, REQUEST_ID_KEY, sendJob, stopBoss } from '../../jobs/boss.server';
import { currentRequestId, withRequestId } from '../../utils/request-context.server';
import {
  closeLive,
  type DialerCommand,
  type LiveEvent,
  liveResponse,
  liveSubscriptions,
  publishDialerCommand,
  publishLive,
  subscribeDialerCommands,
  subscribeLive,
} from './live.server';

afterAll(async () => {
  await closeLive();
  await stopBoss();
});

describe('live events over LISTEN/NOTIFY', () => {
  it('a published event reaches subscribers in order', async () => {
    const got: LiveEvent[] = [];
    const unsubscribe = await subscribeLive((e) => got.push(e));
    await publishLive({ topic: 'attempt', data: { id: 'a1', state: 'ringing' } });
    await publishLive({ topic: 'agent', data: { userId: 'u1', state: 'ready' } });
    await expect.poll(() => got.length).toBe(2);
    unsubscribe();
    expect(got.map((e) => [e.topic, e.data])).toEqual([
      ['attempt', { id: 'a1', state: 'ringing' }],
      ['agent', { userId: 'u1', state: 'ready' }],
    ]);
  });

  it('refuses an event too large for NOTIFY instead of losing it silently', async () => {
    await expect(publishLive({ topic: 'task', data: { blob: 'x'.repeat(9000) } })).rejects.toThrow(/too large/);
  });
});

describe('a request id follows the work it started', () => {
  it('a dialer command is handled under the id of the request that sent it', async () => {
    const seen: { command: DialerCommand; requestId?: string }[] = [];
    const unsubscribe = await subscribeDialerCommands((command) => seen.push({ command, requestId: currentRequestId() }));
    await withRequestId('req-hangup-1', () =>
      publishDialerCommand({ type: 'call', attemptId: 'a1', agentId: 'u1', action: 'hangup' }),
    );
    await expect.poll(() => seen.length).toBe(1);
    unsubscribe();
    expect(seen[0]).toMatchObject({ command: { type: 'call', attemptId: 'a1', action: 'hangup' }, requestId: 'req-hangup-1' });
  });

  it('a job sent while handling a request carries its id for the worker', async () => {
    await withRequestId('req-import-7', () => sendJob('tasks.rebalance', {}));
    const jobs = await (await boss()).findJobs('tasks.rebalance');
    expect(jobs.map((j) => (j.data as Record<string, unknown>)[REQUEST_ID_KEY])).toContain('req-import-7');
  });
});

describe('server-sent event streams', () => {
  const open = (controller: AbortController) =>
    liveResponse(new Request('http://localhost/agent/live', { signal: controller.signal }), () => true);

  it('a browser that leaves before its stream is subscribed leaves no listener behind', async () => {
    await closeLive(); // the next stream waits for a new LISTEN connection
    const before = liveSubscriptions();
    const leaving = new AbortController();
    open(leaving);
    leaving.abort();
    // The LISTEN connection is up again: a second stream subscribes, and only it remains.
    const staying = new AbortController();
    open(staying);
    await expect.poll(() => liveSubscriptions()).toBe(before + 1);
    staying.abort();
    await expect.poll(() => liveSubscriptions()).toBe(before);
  });

  it('a stream the browser closes (cancelled body) stops listening; events keep flowing to the others', async () => {
    const before = liveSubscriptions();
    const response = open(new AbortController());
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await expect.poll(() => liveSubscriptions()).toBe(before + 1);
    await publishLive({ topic: 'agent', data: { userId: 'u9', state: 'ready' } });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('"userId":"u9"');
    await reader.cancel();
    await expect.poll(() => liveSubscriptions()).toBe(before);
  });
});
