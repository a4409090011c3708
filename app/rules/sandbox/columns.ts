// How a batch of rows travels to the sandbox: one column per variable the rule reads, as
// structured-clone data rather than JSON. Numbers go as a Float64Array (NaN marks a missing
// value), everything else as a dictionary of distinct values plus an index per row, so a column
// of a few cities or tag sets costs a few bytes per row and the isolate parses nothing.

export interface NumberColumn {
  t: 'num';
  data: Float64Array;
}

export interface DictionaryColumn {
  t: 'dict';
  values: unknown[];
  /** Index into `values` per row; -1 for a missing value. */
  idx: Int32Array;
}

/** Lists of text (tags, answers): the distinct items, and per row a slice of `items`. */
export interface ListColumn {
  t: 'list';
  values: string[];
  /** Row i's items are items[offsets[i]] … items[offsets[i + 1] - 1]. */
  offsets: Int32Array;
  items: Int32Array;
  /** 1 where the row has no list at all (null), as opposed to an empty one. */
  nulls: Uint8Array;
}

export interface ColumnBatch {
  n: number;
  cols: Record<string, NumberColumn | ListColumn | DictionaryColumn>;
}

function numberColumn(rows: readonly Record<string, unknown>[], name: string): NumberColumn | null {
  const data = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![name];
    if (typeof v === 'number' && !Number.isNaN(v)) data[i] = v;
    else if (v === null || v === undefined) data[i] = Number.NaN;
    else return null;
  }
  return { t: 'num', data };
}

function listColumn(rows: readonly Record<string, unknown>[], name: string): ListColumn | null {
  const n = rows.length;
  const index = new Map<string, number>();
  const values: string[] = [];
  const offsets = new Int32Array(n + 1);
  const nulls = new Uint8Array(n);
  let items = new Int32Array(n * 2 + 8);
  let count = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = count;
    const v = rows[i]![name];
    if (v === null || v === undefined) {
      nulls[i] = 1;
      continue;
    }
    if (!Array.isArray(v)) return null;
    for (let j = 0; j < v.length; j++) {
      const x: unknown = v[j];
      if (typeof x !== 'string') return null;
      let k = index.get(x);
      if (k === undefined) {
        k = values.length;
        values.push(x);
        index.set(x, k);
      }
      if (count === items.length) {
        const grown = new Int32Array(items.length * 2);
        grown.set(items);
        items = grown;
      }
      items[count++] = k;
    }
  }
  offsets[n] = count;
  return { t: 'list', values, offsets, items: items.slice(0, count), nulls };
}

// Text is keyed by itself, lists of text (tags, answers) by their joined items, anything else by its JSON.
function listKey(v: unknown[]): string | null {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'string' || x.includes('\u0001')) return null;
  }
  return v.join('\u0001');
}

function dictionaryColumn(rows: readonly Record<string, unknown>[], name: string): DictionaryColumn {
  const texts = new Map<string, number>();
  const others = new Map<string, number>();
  const values: unknown[] = [];
  const idx = new Int32Array(rows.length);
  const add = (map: Map<string, number>, key: string, v: unknown): number => {
    let k = map.get(key);
    if (k === undefined) {
      k = values.length;
      values.push(v);
      map.set(key, k);
    }
    return k;
  };
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i]![name];
    if (v === null || v === undefined) idx[i] = -1;
    else if (typeof v === 'string') idx[i] = add(texts, v, v);
    else {
      const list = Array.isArray(v) ? listKey(v) : null;
      idx[i] = add(others, list === null ? `j${JSON.stringify(v)}` : `l${list}`, v);
    }
  }
  return { t: 'dict', values, idx };
}

export function encodeColumns(rows: readonly Record<string, unknown>[], variables: readonly string[]): ColumnBatch {
  const cols: ColumnBatch['cols'] = {};
  for (const name of variables) cols[name] = numberColumn(rows, name) ?? listColumn(rows, name) ?? dictionaryColumn(rows, name);
  return { n: rows.length, cols };
}
