/**
 * A binary min-heap ordered by `less`: event queues with thousands of pending items (the virtual
 * clock's timers, the pacing simulator's events) stay O(log n) per push and pop.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Every item, in no particular order. */
  values(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i] as T, h[parent] as T)) break;
      [h[i], h[parent]] = [h[parent] as T, h[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l] as T, h[m] as T)) m = l;
      if (r < h.length && this.less(h[r] as T, h[m] as T)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as T, h[i] as T];
      i = m;
    }
    return top;
  }
}
