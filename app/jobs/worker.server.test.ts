import { describe, expect, it } from 'vitest';
import { healthReport } from '../modules/system/health.server';
import { readSetting } from '../modules/system/settings.server';
import { sendJob } from './boss.server';
import { HEARTBEAT_SETTING, type Heartbeat } from './handlers/heartbeat.server';
import { startWorker } from './worker.server';

async function waitFor<T>(read: () => Promise<T | null>, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== null && done(value)) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('worker', () => {
  it('runs the heartbeat job through pg-boss and the health report shows it', async () => {
    await startWorker();
    const first = await waitFor(
      () => readSetting<Heartbeat>(HEARTBEAT_SETTING),
      (b) => b.runs >= 1,
    );
    expect(first.reason).toBe('startup');
    await sendJob('system.heartbeat', { reason: 'schedule' });
    const second = await waitFor(
      () => readSetting<Heartbeat>(HEARTBEAT_SETTING),
      (b) => b.runs >= 2,
    );
    expect(Date.parse(second.at)).toBeGreaterThanOrEqual(Date.parse(first.at));
    const report = await healthReport();
    expect(report.ok).toBe(true);
    expect(report.heartbeat?.runs).toBeGreaterThanOrEqual(2);
    expect(report.migrations.pending).toEqual([]);
    expect(report.queues.map((q) => q.name)).toContain('system.heartbeat');
  });
});
