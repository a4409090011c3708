import { performance } from 'node:perf_hooks';
import { CONDITION_HELPERS_SOURCE } from '../app/rules/condition-js';
import {
  type CompiledRule,
  closeSandboxPool,
  compileCondition,
  compileFormula,
  evaluate,
  evaluateBatch,
} from '../app/rules/runtime.server';
import { AGENT_SCOPE, CONTACT_SCOPE } from '../app/rules/samples';
import type { ScopeRow } from '../app/rules/types';
import { agents, BENCH_CONDITION, BENCH_FORMULA, contacts } from './rules/fixtures';

// npm run bench:rules — throughput of a typical condition and formula in the sandbox over
// 1 000 000 scopes, next to the same JavaScript compiled plainly in this process (the ceiling),
// and the latency of single evaluations. The last line is one JSON object.

const TOTAL = Number(process.env.BENCH_ROWS) || 1_000_000;
const BATCH = 100_000;

function must<T>(result: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

/** The same rule as a plain function in the main isolate: no sandbox, no copying. */
function plain(rule: CompiledRule): (row: ScopeRow) => unknown {
  const helpers = new Function(`return ${CONDITION_HELPERS_SOURCE}`)();
  const make = new Function(
    '$',
    `'use strict'; return function (row) { const { ${rule.variables.join(', ')} } = row; return (${rule.body}); };`,
  );
  return make(helpers);
}

async function sandboxRate(rule: CompiledRule, rows: ScopeRow[]): Promise<number> {
  await evaluateBatch(rule, rows.slice(0, 20_000)); // warm the processes and the compiled script
  const start = performance.now();
  let failures = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const { errors } = await evaluateBatch(rule, rows.slice(i, i + BATCH));
    for (const e of errors) if (e) failures++;
  }
  const seconds = (performance.now() - start) / 1000;
  if (failures) throw new Error(`${failures} rows failed`);
  return rows.length / seconds;
}

function plainRate(fn: (row: ScopeRow) => unknown, rows: ScopeRow[]): number {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) if (fn(rows[i]!)) sink++;
  const start = performance.now();
  for (const row of rows) if (fn(row)) sink++;
  const seconds = (performance.now() - start) / 1000;
  if (sink < 0) console.log(sink);
  return rows.length / seconds;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ROUNDS = 3;

const condition = must(compileCondition(BENCH_CONDITION, CONTACT_SCOPE));
const formula = must(compileFormula(BENCH_FORMULA, AGENT_SCOPE));

// Each workload has only its own rows in memory; each figure is the median of three rounds.
console.log(`${TOTAL} contacts…`);
let contactRows: ScopeRow[] = contacts(TOTAL);
const conditionRuns: number[] = [];
for (let r = 0; r < ROUNDS; r++) conditionRuns.push(await sandboxRate(condition, contactRows));
const conditionEvalsPerSec = median(conditionRuns);
console.log(`condition in the sandbox: ${round(conditionEvalsPerSec)} /s`);
const plainConditionEvalsPerSec = median(Array.from({ length: ROUNDS }, () => plainRate(plain(condition), contactRows)));
console.log(`condition as plain JS:    ${round(plainConditionEvalsPerSec)} /s`);
const singleRows = contactRows.slice(0, 2000);
contactRows = [];

console.log(`${TOTAL} agent periods…`);
const agentRows = agents(TOTAL);
const formulaRuns: number[] = [];
for (let r = 0; r < ROUNDS; r++) formulaRuns.push(await sandboxRate(formula, agentRows));
const formulaEvalsPerSec = median(formulaRuns);
console.log(`formula in the sandbox:   ${round(formulaEvalsPerSec)} /s`);
const plainFormulaEvalsPerSec = median(Array.from({ length: ROUNDS }, () => plainRate(plain(formula), agentRows)));
console.log(`formula as plain JS:      ${round(plainFormulaEvalsPerSec)} /s`);

const latencies: number[] = [];
for (let i = 0; i < 2000; i++) {
  const start = performance.now();
  const out = await evaluate(condition, singleRows[i]!);
  latencies.push(performance.now() - start);
  if (!out.ok) throw new Error('single evaluation failed');
}
latencies.sort((a, b) => a - b);
closeSandboxPool();

console.log(
  JSON.stringify({
    bench: 'rules',
    conditionEvalsPerSec: round(conditionEvalsPerSec),
    formulaEvalsPerSec: round(formulaEvalsPerSec),
    plainConditionEvalsPerSec: round(plainConditionEvalsPerSec),
    plainFormulaEvalsPerSec: round(plainFormulaEvalsPerSec),
    ratioToPlain: round(plainConditionEvalsPerSec / conditionEvalsPerSec, 2),
    formulaRatioToPlain: round(plainFormulaEvalsPerSec / formulaEvalsPerSec, 2),
    singleP50Ms: round(percentile(latencies, 50), 3),
    singleP99Ms: round(percentile(latencies, 99), 3),
  }),
);
