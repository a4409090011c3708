import { afterAll, describe, expect, it } from 'vitest';
import { closeLive, type LiveEvent, publishLive, subscribeLive } from './live.server';

afterAll(closeLive);

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
