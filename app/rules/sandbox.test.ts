import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFormula, DEFAULT_SANDBOX_OPTIONS, evaluate, evaluateBatch, unsafeRawRule } from './runtime.server';
import { AGENT_SCOPE, CONTACT_SCOPE } from './samples';
import { SandboxPool } from './sandbox/pool.server';
import type { RuleErrorKind } from './types';

// The security cases of the rule runtime. Each hostile source is fed twice: through the formula
// validator (which refuses most of them before running), and raw to the sandbox layer, which
// must contain it on its own. After each, the sandbox must still answer, and at the end memory
// must be back near where it started.

const pool = new SandboxPool({ ...DEFAULT_SANDBOX_OPTIONS, processes: 2 });
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
let baseline: { host: number; isolates: number[] };

async function isolateHeaps(): Promise<number[]> {
  return (await pool.stats()).map((s) => s?.isolateHeapUsed ?? 0);
}

async function raw(body: string, rows: Record<string, unknown>[] = [{}], variables: string[] = []) {
  return evaluateBatch(unsafeRawRule(body, variables), rows, pool);
}

/** The sandbox still serves ordinary work after a hostile evaluation. */
async function stillServes(): Promise<void> {
  const rule = compileFormula('success * 10 + talkMinutes * 0.5', AGENT_SCOPE);
  if (!rule.ok) throw new Error('fixture formula must compile');
  const out = await evaluateBatch(
    rule.value,
    [
      { success: 2, talkMinutes: 4 },
      { success: 1, talkMinutes: 1 },
    ],
    pool,
  );
  expect(out).toEqual({ results: [22, 10.5], errors: [null, null] });
}

function expectError(out: { errors: unknown[] }, kind: RuleErrorKind, key?: string): void {
  for (const error of out.errors) {
    expect(error).toMatchObject({ kind, ...(key ? { key } : {}) });
  }
}

beforeAll(async () => {
  await stillServes();
  await stillServes();
  gc();
  baseline = { host: process.memoryUsage().heapUsed, isolates: await isolateHeaps() };
});

afterAll(() => pool.close());

describe('the sandbox contains hostile formulas', () => {
  it('an endless loop times out alone; the rows before and after it still evaluate', async () => {
    expect(compileFormula('(() => { for (;;) {} })()', CONTACT_SCOPE).ok).toBe(false);
    expectError(await raw('(() => { for (;;) {} })()'), 'timeout', 'timeout');
    const mixed = await raw('a === 2 ? (() => { while (true) {} })() : a * 2', [{ a: 1 }, { a: 2 }, { a: 3 }], ['a']);
    expect(mixed.results).toEqual([2, null, 6]);
    expect(mixed.errors[1]).toMatchObject({ kind: 'timeout' });
    await stillServes();
  });

  it('while(true){} inside an IIFE times out', async () => {
    expect(compileFormula('(function () { while (true) {} })()', CONTACT_SCOPE)).toMatchObject({
      ok: false,
      errors: [{ key: 'forbidden.function' }],
    });
    expectError(await raw('(function () { while (true) {} })()', [{}, {}]), 'timeout');
    await stillServes();
  });

  it('allocating until out of memory fails with a memory error and a fresh isolate', async () => {
    const out = await raw('(() => { const a = []; while (true) a.push(new Array(1000000).fill(1)); })()');
    // On a loaded machine (CI running beside other work) the batch time limit can fire before the
    // 64 MB limit is reached; either way this evaluation fails alone and the pool serves on.
    expect(out.errors).toHaveLength(1);
    expect(['memory', 'timeout']).toContain((out.errors[0] as { kind: string }).kind);
    await stillServes();
  });

  it('huge string repetition is refused or contained', async () => {
    expect(compileFormula("'a'.repeat(2 ** 28)", CONTACT_SCOPE)).toMatchObject({
      ok: false,
      errors: [{ key: 'forbidden.property' }],
    });
    expectError(await raw("'a'.repeat(2 ** 28)"), 'memory', 'memory.resultTooLarge');
    expectError(await raw("'a'.repeat(2 ** 29)"), 'runtime', 'runtime.generic');
    const split = await raw("'ab'.repeat(2 ** 24).split('').length");
    expect(split.errors[0]?.kind ?? 'ok').toMatch(/memory|timeout|ok/);
    await stillServes();
  });

  it('deep recursion is a clear runtime error', async () => {
    expectError(await raw('(function f(n) { return f(n + 1) + 1; })(0)'), 'runtime', 'runtime.stackOverflow');
    await stillServes();
  });

  it("constructor.constructor('return process')() cannot reach the host", async () => {
    expect(compileFormula("name.constructor.constructor('return process')()", CONTACT_SCOPE).ok).toBe(false);
    expect(compileFormula("constructor.constructor('return process')()", CONTACT_SCOPE).ok).toBe(false);
    for (const body of [
      "constructor.constructor('return process')()",
      "''.constructor.constructor('return process')()",
      "(() => {}).constructor('return this')()",
    ]) {
      const out = await raw(body);
      expect(out.results).toEqual([null]);
      expect(out.errors[0]?.kind).toMatch(/runtime|unknownVariable/);
    }
    await stillServes();
  });

  it.each([
    ['globalThis', 'type'],
    ['process', 'unknownVariable'],
    ['process.env', 'unknownVariable'],
    ["require('fs')", 'unknownVariable'],
    ["import('fs')", 'runtime'],
    ["fetch('http://example.com')", 'unknownVariable'],
    ["eval('1 + 1')", 'unknownVariable'],
    ["Function('return 1')()", 'unknownVariable'],
    ['WebAssembly.compile(new Uint8Array(8))', 'unknownVariable'],
    ['Atomics.wait(new Int32Array(4), 0, 0)', 'unknownVariable'],
  ])('%s is not available', async (body, kind) => {
    const validated = compileFormula(body, CONTACT_SCOPE);
    expect(validated.ok).toBe(false);
    const out = await raw(body);
    expect(out.results).toEqual([null]);
    expect(out.errors[0]?.kind).toBe(kind);
  });

  it('prototype pollution attempts fail and never leak into the next evaluation', async () => {
    expect(compileFormula('tags.__proto__.includes = null', CONTACT_SCOPE).ok).toBe(false);
    for (const body of [
      '(Object.prototype.polluted = 1)',
      '(Array.prototype.includes = () => true)',
      '(tags.__proto__.polluted = 1)',
      '(globalThis.leak = 1)',
      '($.has = () => true)',
      "Object.defineProperty(Object.prototype, 'polluted', { value: 1 })",
    ]) {
      const out = await raw(body, [{ tags: ['x'] }], ['tags']);
      expect(out.errors[0]).toMatchObject({ kind: 'runtime' });
    }
    // A row's values are its own: changing them is invisible to the next row.
    const rows = await raw('(tags.push("z"), tags.length)', [{ tags: ['x'] }, { tags: ['x'] }], ['tags']);
    expect(rows.results).toEqual([2, 2]);
    const other = await raw(
      '$i === 0 ? ($cols.tags[1] = ["hacked"]) : tags.join()',
      [{ tags: ['x'] }, { tags: ['y'] }],
      ['tags'],
    );
    expect(other.errors[0]).toMatchObject({ kind: 'runtime' });
    expect(other.results[1]).toBe('y');
    const check = await raw(
      "[({}).polluted === undefined, [].polluted === undefined, typeof leak, ['a'].includes('b'), $.has(['a'], 'b')].join(',')",
    );
    expect(check.results).toEqual(['true,true,undefined,false,false']);
  });

  it('a formula returning a function or a symbol fails with a type error', async () => {
    expectError(await raw('() => 1'), 'type', 'runtime.resultType');
    expectError(await raw("Symbol('x')"), 'type', 'runtime.resultType');
    expectError(await raw('({ a: 1 })'), 'type', 'runtime.resultType');
    expectError(await raw('[[1]]'), 'type', 'runtime.resultType');
    expectError(await raw('1 / 0'), 'runtime', 'runtime.notFinite');
    // Shared nested references cannot hang the host: only flat plain data is copied out.
    expectError(await raw('(() => { let a = []; for (let i = 0; i < 40; i++) a = [a, a]; return a; })()'), 'type');
  });

  it('reading a variable that is not in scope is refused, and the sandbox never sees other data', async () => {
    expect(compileFormula('talkMinute * 2', AGENT_SCOPE)).toMatchObject({ ok: false, errors: [{ kind: 'unknownVariable' }] });
    const out = await raw('secret', [{ secret: 'host data' }]);
    expect(out.errors[0]).toMatchObject({ kind: 'unknownVariable' });
    // Only the variables a rule declares travel to the sandbox.
    expect((await raw('typeof $cols.secret', [{ secret: 'host data' }])).results).toEqual(['undefined']);
  });

  it('expressions that abort V8 or ignore the isolate timeout cost only their own process', async () => {
    const aborts = raw('new Array(2 ** 32 - 1).fill(0)');
    const spins = raw('Array.prototype.join.call({ length: 2 ** 32 - 1 })');
    // Meanwhile the other requests are served.
    const rule = compileFormula('age + 1', CONTACT_SCOPE);
    if (!rule.ok) throw new Error('fixture');
    const served = await evaluate(rule.value, { age: 1 }, pool);
    expect(served).toEqual({ ok: true, value: 2 });
    const [a, s] = await Promise.all([aborts, spins]);
    expect(a.errors[0]?.kind).toMatch(/memory|timeout/);
    expect(s.errors[0]?.kind).toMatch(/timeout|memory/);
    await stillServes();
    expect(pool.restarts).toBeGreaterThan(0);
  });

  it('10 000 evaluations in parallel from concurrent requests all come back right', async () => {
    const rule = compileFormula('success * 10 + talkMinutes * 0.5', AGENT_SCOPE);
    if (!rule.ok) throw new Error('fixture');
    const hostile = unsafeRawRule('(() => { while (true) {} })()', []);
    const calls = Array.from({ length: 10_000 }, (_, i) =>
      i % 2500 === 7 ? evaluate(hostile, {}, pool) : evaluate(rule.value, { success: i, talkMinutes: 2 }, pool),
    );
    const out = await Promise.all(calls);
    out.forEach((r, i) => {
      if (i % 2500 === 7) expect(r).toMatchObject({ ok: false, error: { kind: 'timeout' } });
      else expect(r).toEqual({ ok: true, value: i * 10 + 1 });
    });
  });

  it('memory returns to its baseline afterwards', async () => {
    for (let i = 0; i < 5; i++) await stillServes();
    gc();
    const host = process.memoryUsage().heapUsed;
    expect(host - baseline.host).toBeLessThan(64 * 1024 * 1024);
    for (const used of await isolateHeaps()) expect(used).toBeLessThan(Math.max(...baseline.isolates) + 16 * 1024 * 1024);
  });
});
