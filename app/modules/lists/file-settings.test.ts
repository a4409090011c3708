import { describe, expect, it } from 'vitest';
import { importPercent } from './file-settings';

describe('import progress', () => {
  it('is rows read over rows counted, 0 before counting, and 100 only once done', () => {
    expect(importPercent({ status: 'queued', rowsRead: 0, totalRows: null })).toBe(0);
    expect(importPercent({ status: 'running', rowsRead: 2000, totalRows: 8000 })).toBe(25);
    // A quoted line break counts twice: the count may be too high, never the bar past 99 early.
    expect(importPercent({ status: 'running', rowsRead: 8000, totalRows: 7990 })).toBe(99);
    expect(importPercent({ status: 'done', rowsRead: 7990, totalRows: 8000 })).toBe(100);
  });
});
