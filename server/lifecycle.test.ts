import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../app/db/embedded-postgres.server';

// `npm start` as a user runs it: its own data folder, then Ctrl-C, then start again.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-lifecycle-'));
const children: ChildProcess[] = [];

function start(port: number): { child: ChildProcess; output: () => string } {
  let output = '';
  // The test runner points DATABASE_URL at its own server; `npm start` must use the embedded one.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/waihu.js', 'start'], {
    env: { ...env, PORT: String(port), WAIHU_DATA_DIR: dataDir, WAIHU_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  children.push(child);
  return { child, output: () => output };
}

async function waitReady(port: number, output: () => string, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server did not become ready:\n${output()}`);
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );
}

function postgresRunning(): boolean {
  return fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'));
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('seeds once, stops PostgreSQL cleanly on Ctrl-C, and a restart finds the data intact', async () => {
    const port = await freePort();
    const first = start(port);
    await waitReady(port, first.output);
    expect(first.output()).toMatch(/Demo users created/);
    const password = /admin\s+login: admin\s+password: (\S+)/.exec(first.output())?.[1];
    expect(password).toBeTruthy();
    expect(postgresRunning()).toBe(true);

    first.child.kill('SIGINT');
    expect(await exited(first.child)).toBe(0);
    expect(first.output()).toMatch(/stopped cleanly/);
    // PostgreSQL removes its pid file only on a clean shutdown.
    expect(postgresRunning()).toBe(false);

    const second = start(port);
    await waitReady(port, second.output);
    expect(second.output()).not.toMatch(/Demo users created/);
    const login = await fetch(`http://127.0.0.1:${port}/login`, {
      method: 'POST',
      body: new URLSearchParams({ login: 'admin', password: password! }),
      redirect: 'manual',
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('set-cookie')).toMatch(/waihu_session=/);

    const pgPort = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
    const secret = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
    const client = new pg.Client({ connectionString: `postgresql://waihu:${secret}@127.0.0.1:${pgPort}/waihu` });
    await client.connect();
    const users = await client.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE "login" IN ('admin', 'supervisor', 'agent', 'developer', 'auditor'))::int AS demo FROM "User"`,
    );
    await client.end();
    // Seeded once: the five demo logins and six more agents of the task demo, not twice as many.
    expect(users.rows[0]).toEqual({ n: 11, demo: 5 });

    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    expect(postgresRunning()).toBe(false);
  }, 240_000);
});
