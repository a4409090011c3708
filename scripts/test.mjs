// `npm test`: lint, typecheck, unit + integration (Vitest), build, end-to-end (Playwright), then
// one closing line with the counts of both test runners. Runs every step even after a failure,
// so one run shows everything that is wrong; exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const RESULTS = '.cache/test-results';
fs.rmSync(RESULTS, { recursive: true, force: true });
fs.mkdirSync(RESULTS, { recursive: true });

const bin = (name) => `node_modules/.bin/${name}`;
const steps = [
  { name: 'lint', cmd: bin('biome'), args: ['check', '.'] },
  { name: 'typecheck', cmd: bin('tsc'), args: [] },
  {
    name: 'unit and integration tests',
    cmd: bin('vitest'),
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${RESULTS}/vitest.json`],
  },
  { name: 'build', cmd: bin('remix'), args: ['vite:build'] },
  {
    name: 'end-to-end tests',
    cmd: bin('playwright'),
    args: ['test'],
    needs: 'build',
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${RESULTS}/playwright.json` },
  },
];

const failed = new Set();
for (const step of steps) {
  if (step.needs && failed.has(step.needs)) {
    console.log(`\n▶ ${step.name}: skipped, ${step.needs} failed`);
    failed.add(step.name);
    continue;
  }
  console.log(`\n▶ ${step.name}`);
  const result = spawnSync(step.cmd, step.args, { stdio: 'inherit', env: { ...process.env, ...step.env } });
  if (result.status !== 0) failed.add(step.name);
}

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
const vitest = read(`${RESULTS}/vitest.json`);
const e2e = read(`${RESULTS}/playwright.json`);
const passed = (vitest?.numPassedTests ?? 0) + (e2e?.stats?.expected ?? 0) + (e2e?.stats?.flaky ?? 0);
const failures = (vitest?.numFailedTests ?? 0) + (e2e?.stats?.unexpected ?? 0);
const skipped = (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0) + (e2e?.stats?.skipped ?? 0);

console.log(`\nVitest: ${vitest ? `${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed` : 'no results'}`);
console.log(
  `Playwright: ${e2e ? `${e2e.stats.expected + e2e.stats.flaky} passed, ${e2e.stats.unexpected} failed` : 'no results'}`,
);
if (failed.size) console.log(`Failed steps: ${[...failed].join(', ')}`);
console.log(`Tests: ${passed} passed, ${failures} failed, ${skipped} skipped`);
process.exit(failed.size ? 1 : 0);
