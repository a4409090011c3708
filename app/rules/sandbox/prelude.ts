import { CONDITION_HELPERS_SOURCE } from '../condition-js';

// Code run once in every fresh isolate context, before any rule. It captures the intrinsics the
// runner needs, removes what rules must not have (code generation, blocking waits, proxies),
// freezes every reachable built-in so a rule cannot pollute prototypes for the next one, and
// returns the batch runner. The runner is only reachable through the host's reference: rules
// cannot call it or see other rules' rows.
//
// Result copying is done here, by trusted code, into fresh plain values with caps on size, so
// the host only ever receives one JSON string (no references, no shared structure).
export const ISOLATE_PRELUDE = String.raw`(function (progressBuffer) {
  'use strict';
  const progress = new Int32Array(progressBuffer);
  const G = globalThis;
  const freeze = Object.freeze, ownKeys = Reflect.ownKeys, getProto = Object.getPrototypeOf;
  const getDesc = Object.getOwnPropertyDescriptor, isArray = Array.isArray;
  const stringify = JSON.stringify, parse = JSON.parse, isFinite = Number.isFinite;
  const MAX_TEXT = 10000, MAX_LIST = 1000, MAX_OUTPUT = 32 * 1024 * 1024;

  G.$ = ${CONDITION_HELPERS_SOURCE};
  // No code from strings: every function constructor reachable through \`x.constructor\` throws.
  const blocked = function () { throw new EvalError('code generation is disabled'); };
  for (const fn of [function () {}, function* () {}, async function () {}, async function* () {}]) {
    Object.defineProperty(getProto(fn), 'constructor', { value: blocked });
  }
  for (const name of ['eval', 'Function', 'WebAssembly', 'Atomics', 'SharedArrayBuffer', 'Proxy', 'FinalizationRegistry', 'WeakRef']) {
    delete G[name];
  }

  // Deep-freeze everything reachable from the global object and the hidden intrinsics.
  const seen = new Set();
  const todo = [G,
    getProto(function* () {}), getProto((function* () {})()), getProto(async function () {}),
    getProto(async function* () {}), getProto([][Symbol.iterator]()), getProto(getProto([][Symbol.iterator]())),
    getProto(''[Symbol.iterator]()), getProto(new Map().entries()), getProto(new Set().values()),
    getProto(''.matchAll(/a/g)), getProto(Int8Array)];
  while (todo.length) {
    const obj = todo.pop();
    if ((typeof obj !== 'object' && typeof obj !== 'function') || obj === null || seen.has(obj)) continue;
    seen.add(obj);
    for (const key of ownKeys(obj)) {
      const d = getDesc(obj, key);
      if (!d) continue;
      if ('value' in d) todo.push(d.value); else { todo.push(d.get); todo.push(d.set); }
    }
    todo.push(getProto(obj));
    if (obj !== G) freeze(obj);
  }
  freeze(G);

  function failure(e) {
    const message = e && typeof e.message === 'string' ? e.message : String(e);
    const name = e && typeof e.name === 'string' ? e.name : 'Error';
    return { $error: name === 'ReferenceError' ? 'unknownVariable' : name === 'RangeError' && /call stack/.test(message) ? 'stack' : 'runtime', message: message.slice(0, 300) };
  }

  let size = 0;
  function copyOut(v) {
    switch (typeof v) {
      case 'undefined': return null;
      case 'boolean': return v;
      case 'number': return isFinite(v) ? v : { $error: 'notFinite', message: String(v) };
      case 'string':
        if (v.length > MAX_TEXT) return { $error: 'tooLarge', message: String(v.length) };
        size += v.length;
        return v;
      case 'object': {
        if (v === null) return null;
        if (!isArray(v)) return { $error: 'resultType', message: 'object' };
        const n = v.length;
        if (!(n <= MAX_LIST)) return { $error: 'tooLarge', message: String(n) };
        const copy = [];
        for (let i = 0; i < n; i++) {
          const item = v[i];
          const t = typeof item;
          if (item !== null && t !== 'string' && t !== 'number' && t !== 'boolean') return { $error: 'resultType', message: 'nested' };
          if (t === 'string' && item.length > MAX_TEXT) return { $error: 'tooLarge', message: String(item.length) };
          if (t === 'number' && !isFinite(item)) return { $error: 'notFinite', message: String(item) };
          if (t === 'string') size += item.length;
          copy[i] = item;
        }
        return copy;
      }
      default:
        return { $error: 'resultType', message: typeof v };
    }
  }

  // partial holds results of the current batch, so after a timeout the host can fetch the rows
  // that finished. skip marks rows that already failed (timeout, memory) on an earlier attempt.
  let partial = [];
  // Values shared by rows (a dictionary column's tag lists) are frozen: no row can change another's.
  function freezeDeep(v) {
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
    freeze(v);
    for (const key of ownKeys(v)) freezeDeep(v[key]);
  }
  function decode(batch) {
    const n = batch.n;
    const cols = Object.create(null);
    for (const name of ownKeys(batch.cols)) {
      const c = batch.cols[name];
      const col = new Array(n);
      if (c.t === 'num') {
        const d = c.data;
        for (let i = 0; i < n; i++) { const x = d[i]; col[i] = x === x ? x : null; }
      } else if (c.t === 'list') {
        // Each row gets its own array: changing it changes nothing for other rows.
        const values = c.values, offsets = c.offsets, items = c.items, nulls = c.nulls;
        for (let i = 0; i < n; i++) {
          if (nulls[i]) { col[i] = null; continue; }
          const end = offsets[i + 1], a = [];
          for (let j = offsets[i]; j < end; j++) a.push(values[items[j]]);
          col[i] = a;
        }
      } else {
        const values = c.values, idx = c.idx;
        for (let k = 0; k < values.length; k++) freezeDeep(values[k]);
        for (let i = 0; i < n; i++) { const k = idx[i]; col[i] = k < 0 ? null : values[k]; }
      }
      cols[name] = freeze(col);
    }
    return freeze(cols);
  }

  function run(fn, batch, from, skip) {
    const cols = decode(batch);
    const n = batch.n;
    const out = [];
    partial = out;
    size = 0;
    for (let i = from; i < n; i++) {
      progress[0] = i;
      if (skip[i] !== undefined) { out.push(null); continue; }
      let value;
      try { value = copyOut(fn(cols, i)); } catch (e) { value = failure(e); }
      if (size > MAX_OUTPUT) value = { $error: 'tooLarge', message: 'batch' };
      out.push(value);
    }
    progress[0] = n;
    partial = [];
    return stringify(out);
  }
  function takePartial() {
    const out = stringify(partial);
    partial = [];
    return out;
  }
  return freeze({ run: run, takePartial: takePartial });
})`;

/**
 * The script that turns a rule into a row function. `body` is a JavaScript expression; it is
 * wrapped in a strict function that binds only the given variables, read from the batch's
 * columns (`$cols.name[$i]`): one column per variable travels, not whole rows.
 */
export function wrapRule(body: string, variables: string[]): string {
  const bind = variables.map((v) => `const ${v} = $cols.${v}[$i];`).join(' ');
  return `(function () { 'use strict'; return function ($cols, $i) { ${bind} return (\n${body}\n); }; })()`;
}
