import { describe, expect, it } from 'vitest';
import { loadPlugin } from '../../app/plugins/sdk/testing.server';

describe('sim-carrier', () => {
  it('provides default trunks, caller IDs and the default outcome profile', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    const trunks = await plugin.invoke<{ capacity: number }[]>('trunks', [{}]);
    expect(trunks).toHaveLength(2);
    expect(trunks.every((t) => t.capacity === 30)).toBe(true);
    expect(await plugin.invoke<unknown[]>('callerIds', [{}])).toHaveLength(4);
    const profile = await plugin.invoke<Record<string, number>>('outcomeProfile', [{}]);
    expect(profile).toMatchObject({ ringMeanSec: 12, talkMeanSec: 90 });
    expect(profile.answer).toBeCloseTo(0.45);
    expect(profile.invalid).toBeCloseTo(0.05);
  });

  it('uses configured trunks and normalises rates', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    const config = {
      trunks: [{ id: 't1', name: 'T1', capacity: 120 }],
      outcomeProfile: { answer: 1, busy: 1, noAnswer: 0, machine: 0, invalid: 0 },
    };
    expect(await plugin.invoke('trunks', [config], { config })).toEqual([
      { id: 't1', name: 'T1', capacity: 120, regions: ['CN'] },
    ]);
    const profile = await plugin.invoke<Record<string, number>>('outcomeProfile', [config], { config });
    expect(profile.answer).toBeCloseTo(0.5);
    expect(await plugin.invoke('healthCheck', [], { config })).toEqual({ ok: true, message: 'simulated' });
  });

  it('cannot fetch anything', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    expect(plugin.manifest.capabilities.fetch).toEqual([]);
  });
});
