import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { dialableTask, overlappingAttempts } from '../app/modules/dialing/testing.server';

// Two `waihu dialer` processes share a running predictive task; the one pacing it is killed with
// SIGKILL mid-flight. The other takes the task over within seconds, ends what the dead one left in
// flight, and no contact is ever dialled twice at once, none on the do-not-call list.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 14).toString('base64');
const children: ChildProcess[] = [];

function dialer(): Promise<{ child: ChildProcess; dialerId: string }> {
  const child = spawn(process.execPath, ['bin/waihu.js', 'dialer'], {
    env: {
      ...process.env,
      WAIHU_AUTO_AGENTS: 'true',
      WAIHU_SIM_TIME_SCALE: '40',
      WAIHU_LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(/"dialerId":"([^"]+)"[^\n]*dialer started/);
      if (match?.[1]) resolve({ child, dialerId: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`dialer exited early (${code}): ${buffer.slice(-500)}`)));
  });
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('dialer processes', () => {
  it('a killed dialer’s task is taken over; no double dial, no DNC dialled, nothing left in flight', async () => {
    const { taskId, projectId } = await dialableTask(60, '1391113');
    const [a, b] = await Promise.all([dialer(), dialer()]);
    await expect
      .poll(() => prisma.callAttempt.count({ where: { taskId } }), { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(3);
    const owner = (await prisma.callAttempt.findFirstOrThrow({ where: { taskId }, select: { dialerId: true } })).dialerId;
    const [victim, survivor] = owner === a.dialerId ? [a, b] : [b, a];
    victim.child.kill('SIGKILL');
    await expect
      .poll(() => prisma.callAttempt.count({ where: { taskId, dialerId: survivor.dialerId } }), {
        timeout: 30_000,
        interval: 500,
      })
      .toBeGreaterThan(0);
    survivor.child.kill('SIGTERM');
    await new Promise((r) => survivor.child.once('exit', r));

    const attempts = await prisma.callAttempt.findMany({ where: { taskId } });
    expect(overlappingAttempts(attempts)).toEqual([]);
    expect(attempts.filter((x) => x.endedAt === null)).toEqual([]);
    expect(await prisma.activeCall.count({ where: { taskId } })).toBe(0);
    const dnc = await prisma.contact.findMany({ where: { projectId, dnc: true }, select: { id: true } });
    expect(dnc.length).toBe(2);
    expect(attempts.filter((x) => dnc.some((c) => c.id === x.contactId))).toEqual([]);
  }, 90_000);
});
