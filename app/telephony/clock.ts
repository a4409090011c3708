/**
 * The switch clock: the time events are stamped with and timers run on. The simulator takes one
 * so tests run instantly on a virtual clock and demos run faster than real time. The dialer should
 * run its own timers (the 2 s abandon rule, the pacer's tick) on the same clock as the switch.
 */

import { MinHeap } from '../utils/min-heap';

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Runs `fn` once, `delayMs` from now on this clock. */
  setTimer(delayMs: number, fn: () => void): Timer;
}

/** The wall clock (Date.now, setTimeout). */
export function realClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(delayMs, fn) {
      const handle = setTimeout(fn, Math.max(0, delayMs));
      return { cancel: () => clearTimeout(handle) };
    },
  };
}

/**
 * A clock running `timeScale` times faster than `base`, starting at base's present time:
 * with 10, one base second is ten clock seconds and a 12 s timer fires after 1.2 base seconds.
 */
export function scaledClock(base: Clock, timeScale: number): Clock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  if (timeScale === 1) return base;
  const origin = base.now();
  return {
    now: () => origin + (base.now() - origin) * timeScale,
    setTimer: (delayMs, fn) => base.setTimer(delayMs / timeScale, fn),
  };
}

interface Scheduled {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to (tests, benchmarks, discrete-event simulation). Timers
 * run in due order, ties in the order they were set, each with `now()` equal to its due time.
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  // Ordered by (due, seq): thousands of concurrent simulated calls each hold timers.
  private heap = new MinHeap<Scheduled>((a, b) => a.due < b.due || (a.due === b.due && a.seq < b.seq));

  constructor(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const item: Scheduled = { due: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.heap.push(item);
    return {
      cancel: () => {
        item.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, running every timer that falls due, including ones set meanwhile. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      const next = this.heap.peek();
      if (!next || next.due > target) break;
      this.heap.pop();
      if (next.cancelled) continue;
      this.time = Math.max(this.time, next.due);
      next.fn();
    }
    this.time = Math.max(this.time, target);
  }

  /** Runs timers until none is left or `limitMs` has passed; returns the time advanced. */
  runAll(limitMs = 24 * 3600_000): number {
    const start = this.time;
    const end = start + limitMs;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next > end) break;
      this.advanceTo(next);
    }
    return this.time - start;
  }

  /** Timers still waiting (cancelled ones excluded). */
  pending(): number {
    return this.heap.values().filter((t) => !t.cancelled).length;
  }

  private nextDue(): number | undefined {
    while (this.heap.peek()?.cancelled) this.heap.pop();
    return this.heap.peek()?.due;
  }
}
