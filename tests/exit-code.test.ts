import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the test harness', () => {
  it('a failing test makes the run exit non-zero (CI must see failures)', () => {
    const run = spawnSync('node_modules/.bin/vitest', ['run', '--config', 'tests/fixtures/failing-run/vitest.config.ts'], {
      encoding: 'utf8',
      env: { ...process.env, VITEST: undefined, DATABASE_URL: undefined },
    });
    expect(run.stdout + run.stderr).toMatch(/1 failed/);
    expect(run.status).toBe(1);
  }, 120_000);
});
