import { describe, expect, it } from 'vitest';
import { scaledClock, VirtualClock } from './clock';

describe('clocks', () => {
  it('a virtual clock runs timers in due order, ties in the order set, only when advanced', () => {
    const clock = new VirtualClock(0);
    const log: string[] = [];
    clock.setTimer(20, () => log.push(`b@${clock.now()}`));
    clock.setTimer(10, () => {
      log.push(`a@${clock.now()}`);
      clock.setTimer(10, () => log.push(`c@${clock.now()}`)); // set while running, due at 20 after b
    });
    const cancelled = clock.setTimer(15, () => log.push('never'));
    cancelled.cancel();
    expect(log).toEqual([]);
    clock.advance(19);
    expect(log).toEqual(['a@10']);
    clock.advance(1);
    expect(log).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(20);
    expect(clock.pending()).toBe(0);
  });

  it('runAll stops at the limit', () => {
    const clock = new VirtualClock(0);
    const tick = () => clock.setTimer(1000, tick);
    tick();
    expect(clock.runAll(10_500)).toBe(10_000);
  });

  it('a scaled clock runs faster than its base from the moment it was made', () => {
    const base = new VirtualClock(1_000_000);
    const fast = scaledClock(base, 50);
    let fired = 0;
    fast.setTimer(5_000, () => {
      fired = fast.now();
    });
    base.advance(99);
    expect(fired).toBe(0);
    base.advance(1);
    expect(fired).toBe(1_005_000);
    expect(() => scaledClock(base, 0)).toThrow(RangeError);
    expect(scaledClock(base, 1)).toBe(base);
  });
});
