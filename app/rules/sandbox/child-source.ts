// The sandbox process: a plain Node process (CommonJS, started with `node -e`) that owns one
// isolated-vm isolate. It lives in its own process because some hostile expressions abort V8
// or spin outside the isolate's timeout (docs/decisions/010); the host kills and replaces it.
// Kept as a string so it runs the same from source, tests and the built server, with no file
// to locate at run time.
export const CHILD_SOURCE = `
'use strict';
const ivm = require(process.env.WAIHU_IVM_PATH);
const progress = new Int32Array(new SharedArrayBuffer(4));
let settings = null;
let isolate = null, context = null, runRef = null, takeRef = null;
const rules = new Map();
const MAX_RULES = 300;

function boot() {
  if (isolate && !isolate.isDisposed) { try { isolate.dispose(); } catch {} }
  rules.clear();
  isolate = new ivm.Isolate({ memoryLimit: settings.memoryMb });
  context = isolate.createContextSync();
  const make = context.evalSync(settings.prelude, { reference: true, timeout: 5000 });
  const runtime = make.applySync(undefined, [new ivm.ExternalCopy(progress.buffer).copyInto()], { result: { reference: true }, timeout: 5000 });
  runRef = runtime.getSync('run', { reference: true });
  takeRef = runtime.getSync('takePartial', { reference: true });
}

function ruleRef(id, source) {
  let ref = rules.get(id);
  if (ref) { rules.delete(id); rules.set(id, ref); return ref; }
  const script = isolate.compileScriptSync(source);
  ref = script.runSync(context, { reference: true, timeout: settings.compileMs });
  script.release();
  if (ref.typeof !== 'function') throw new TypeError('rule did not compile to a function');
  rules.set(id, ref);
  if (rules.size > MAX_RULES) { const [oldest, old] = rules.entries().next().value; rules.delete(oldest); old.release(); }
  return ref;
}

function classify(e) {
  const message = e && e.message ? String(e.message) : String(e);
  if (!isolate || isolate.isDisposed || /memory limit|disposed/i.test(message)) return { $error: 'memory', message: '' };
  if (/timed out/i.test(message)) return { $error: 'timeout', message: '' };
  if (e && e.name === 'SyntaxError') return { $error: 'syntax', message: message.slice(0, 300) };
  if (/call stack/.test(message)) return { $error: 'stack', message: '' };
  return { $error: 'runtime', message: message.slice(0, 300) };
}

function evaluate(msg) {
  const n = msg.count;
  let ref;
  try { ref = ruleRef(msg.ruleId, msg.source); }
  catch (e) { const err = classify(e); if (err.$error === 'memory' || err.$error === 'timeout') boot(); return { whole: err }; }
  const batch = new ivm.ExternalCopy(msg.batch);
  const results = new Array(n).fill(null);
  const skip = {};
  let from = 0, failures = 0;
  while (from < n) {
    Atomics.store(progress, 0, from);
    try {
      const out = runRef.applySync(undefined, [ref.derefInto(), batch.copyInto(), from, new ivm.ExternalCopy(skip).copyInto()], { timeout: msg.budgetMs });
      if (from === 0 && failures === 0) { batch.release(); return { json: out }; }
      const values = JSON.parse(out);
      for (let i = from; i < n; i++) if (skip[i] === undefined) results[i] = values[i - from];
      break;
    } catch (e) {
      const err = classify(e);
      const at = Math.min(Atomics.load(progress, 0), n - 1);
      if (err.$error === 'timeout') {
        try {
          const part = JSON.parse(takeRef.applySync(undefined, [], { timeout: 1000 }));
          for (let i = 0; i < part.length; i++) if (skip[from + i] === undefined) results[from + i] = part[i];
        } catch { boot(); }
        from = at + 1;
      } else if (err.$error === 'memory') {
        boot();
        ref = ruleRef(msg.ruleId, msg.source);
      } else {
        from = at + 1;
      }
      results[at] = err;
      skip[at] = 1;
      if (++failures >= 3) {
        for (let i = from; i < n; i++) if (skip[i] === undefined) results[i] = { $error: err.$error, message: 'stopped' };
        break;
      }
    }
  }
  batch.release();
  return { json: JSON.stringify(results) };
}

// A rule that left a lot of live memory behind gets a fresh isolate, so memory returns to its baseline.
function recycleIfBloated() {
  if (!isolate || isolate.isDisposed) return boot();
  const heap = isolate.getHeapStatisticsSync();
  if (heap.used_heap_size > settings.recycleBytes) boot();
}

process.on('message', (msg) => {
  if (msg.type === 'init') { settings = msg; boot(); send({ id: msg.id, ready: true }); return; }
  if (msg.type === 'stats') {
    const heap = isolate.getHeapStatisticsSync();
    send({ id: msg.id, stats: { isolateHeapUsed: heap.used_heap_size, processHeapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss, rules: rules.size } });
    return;
  }
  if (msg.type === 'eval') {
    let reply;
    try { reply = evaluate(msg); } catch (e) { boot(); reply = { whole: classify(e) }; }
    try { recycleIfBloated(); } catch { boot(); }
    send({ id: msg.id, ...reply });
  }
});
function send(msg) { process.send(msg, undefined, undefined, () => {}); }
process.on('disconnect', () => process.exit(0));
`;
