import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../../../tests/helpers';
import { prisma } from '../../db/prisma.server';
import { resetEnvCache } from '../../env.server';
import { closeLive } from '../dialing/live.server';
import { dialableTask } from '../dialing/testing.server';
import { abandonRate, asr, averageTalkSec, serviceLevel, tallyAttempts } from './definitions';
import { metricsAccess, metricsText } from './exposition.server';
import { attemptTallies, tallyOf, wallboardSnapshot } from './metrics.server';

// The SQL that groups attempts for the wallboard, alerts and /metrics gives the same figures as
// the pure definitions over the same attempts; /metrics speaks Prometheus text to operators only.

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 12).toString('base64');
let projectId = '';
let taskId = '';

beforeAll(async () => {
  ({ projectId, taskId } = await dialableTask(6, '1391177'));
  const contact = await prisma.contact.findFirstOrThrow({ where: { projectId } });
  const now = Date.now();
  const results = ['connected', 'connected', 'connected', 'abandoned', 'machine', 'busy', 'noAnswer', 'notPlaced', 'robot'];
  const rows = Array.from({ length: 60 }, (_, i) => {
    const result = results[i % results.length] as string;
    const endedAt = new Date(now - i * 4 * 60_000); // spread over 4 hours
    const answered = ['connected', 'abandoned', 'machine', 'robot'].includes(result);
    const answeredAt = answered ? new Date(endedAt.getTime() - 60_000) : null;
    return {
      taskId,
      projectId,
      contactId: contact.id,
      rulesVersion: 1,
      mode: 'predictive',
      state: 'ended',
      result,
      cause: answered ? null : result === 'busy' ? 'USER_BUSY' : 'NO_ANSWER',
      trunk: i % 2 ? 'sim-e1-a' : 'sim-e1-b',
      callerId: i % 3 ? '057188880001' : '057188880002',
      talkSec: result === 'connected' ? 20 + i : null,
      answeredAt,
      connectedAt: result === 'connected' && answeredAt ? new Date(answeredAt.getTime() + (i % 2 ? 1000 : 5000)) : null,
      endedAt,
    };
  });
  await prisma.callAttempt.createMany({ data: rows });
});
afterAll(closeLive);

describe('metrics from attempts', () => {
  it('groups in SQL exactly as the definitions count, per window and subject', async () => {
    const now = new Date();
    const tallies = await attemptTallies(now);
    const facts = (await prisma.callAttempt.findMany({ where: { taskId } })).map((a) => ({
      ...a,
      endedAt: a.endedAt as Date,
    }));
    for (const [window, minutes] of [
      ['15m', 15],
      ['1h', 60],
      ['30d', 30 * 1440],
    ] as const) {
      const since = new Date(now.getTime() - minutes * 60_000);
      const pure = tallyAttempts(facts, since);
      const sql = tallyOf(tallies, window, `task:${taskId}`);
      expect(sql.results).toEqual(pure.results);
      expect(abandonRate(sql)).toBe(abandonRate(pure));
      expect(serviceLevel(sql)).toBe(serviceLevel(pure));
      expect(averageTalkSec(sql)).toBe(averageTalkSec(pure));
      const byCaller = tallyAttempts(facts, since, (a) => a.callerId === '057188880002');
      expect(asr(tallyOf(tallies, window, 'callerId:057188880002'))).toBe(asr(byCaller));
    }
  });

  it('shows each running task with its windows, remaining contacts and the trunks', async () => {
    const s = await wallboardSnapshot();
    const task = s.tasks.find((t) => t.id === taskId);
    expect(task?.remaining).toBe(4); // 6 contacts, 2 on the do-not-call list
    expect(task?.windows['1h']?.placed).toBeGreaterThan(0);
    expect(s.trunks.map((t) => t.id)).toEqual(['sim-e1-a', 'sim-e1-b']);
    expect(s.callerIds.map((c) => c.id)).toEqual(['057188880001', '057188880002']);
  });
});

describe('/metrics', () => {
  it('answers loopback in Prometheus text with HELP, TYPE and labels', async () => {
    expect(metricsAccess(request('/metrics', { ip: '127.0.0.1' }))).toBeNull();
    // Through a reverse proxy on the same host the socket is loopback, but the scraper is not.
    expect(metricsAccess(request('/metrics', { ip: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.9' } }))?.status).toBe(
      403,
    );
    const text = await metricsText();
    expect(text).toContain('# HELP waihu_abandon_rate ');
    expect(text).toContain('# TYPE waihu_abandon_rate gauge');
    expect(text).toMatch(/waihu_asr\{caller_id="057188880002",window="1h"\} [0-9.]+/);
    expect(text).toMatch(/waihu_task_remaining_contacts\{task="预测式",task_id="[0-9a-f-]+"\} 4/);
    expect(text).toMatch(/^waihu_live_subscriptions \d+$/m);
  });

  it('refuses other hosts without the bearer token, and accepts it', async () => {
    expect(metricsAccess(request('/metrics', { ip: '10.1.2.3' }))?.status).toBe(403);
    process.env.WAIHU_METRICS_TOKEN = 'metrics-token-0123456789';
    resetEnvCache();
    const wrong = metricsAccess(request('/metrics', { ip: '10.1.2.3', headers: { authorization: 'Bearer nope' } }));
    expect(wrong?.status).toBe(401);
    const right = metricsAccess(
      request('/metrics', { ip: '10.1.2.3', headers: { authorization: 'Bearer metrics-token-0123456789' } }),
    );
    expect(right).toBeNull();
    delete process.env.WAIHU_METRICS_TOKEN;
    resetEnvCache();
  });
});
