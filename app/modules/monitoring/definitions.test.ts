import { describe, expect, it } from 'vitest';
import {
  type AttemptFact,
  abandonRate,
  answerRate,
  asr,
  averageTalkSec,
  failedCalls,
  metricOfTally,
  occupancy,
  serviceLevel,
  startOfDay,
  tallyAttempts,
  windowStart,
} from './definitions';

// Each metric's definition on hand-built attempt histories (docs/monitoring.md).

const NOW = new Date('2026-03-10T12:00:00Z');
const ago = (min: number) => new Date(NOW.getTime() - min * 60_000);
let n = 0;
function call(result: string, over: Partial<AttemptFact> = {}): AttemptFact {
  n++;
  const endedAt = over.endedAt ?? ago(5);
  const answered = ['connected', 'abandoned', 'robot', 'machine'].includes(result);
  return {
    taskId: 't1',
    projectId: 'p1',
    trunk: 'e1-a',
    callerId: `0571000${n % 2}`,
    result,
    cause: answered ? 'NORMAL_CLEARING' : result === 'busy' ? 'USER_BUSY' : 'NO_ANSWER',
    talkSec: result === 'connected' ? 60 : null,
    answeredAt: answered ? new Date(endedAt.getTime() - 70_000) : null,
    connectedAt: result === 'connected' ? new Date(endedAt.getTime() - 69_000) : null,
    endedAt,
    ...over,
  };
}

describe('abandon rate (regulatory: abandoned / answered by a live person)', () => {
  it('counts abandons over human answers; machine answers and unanswered calls are not in it', () => {
    const history = [
      ...Array.from({ length: 6 }, () => call('connected')),
      call('abandoned'),
      call('abandoned'),
      call('machine'),
      call('machine'),
      call('busy'),
      call('noAnswer'),
    ];
    // 2 abandoned of 8 human answers (6 connected + 2 abandoned), not of 10 answers or 12 calls.
    expect(abandonRate(tallyAttempts(history, ago(60)))).toBe(0.25);
  });

  it('is unknown, not zero, when no one answered', () => {
    expect(abandonRate(tallyAttempts([call('busy'), call('machine')], ago(60)))).toBeNull();
  });

  it('takes only the calls that ended in the window', () => {
    const history = [call('abandoned', { endedAt: ago(90) }), call('connected', { endedAt: ago(10) })];
    expect(abandonRate(tallyAttempts(history, ago(60)))).toBe(0);
    expect(abandonRate(tallyAttempts(history, ago(120)))).toBe(0.5);
  });
});

describe('answer rate and ASR (answered / seizures)', () => {
  it('counts human and machine answers over calls placed; never-placed calls are not seizures', () => {
    const history = [call('connected'), call('machine'), call('busy'), call('noAnswer'), call('notPlaced'), call('invalid')];
    const t = tallyAttempts(history, ago(60));
    expect(answerRate(t)).toBe(2 / 5);
    expect(asr(t)).toBe(2 / 5);
    expect(failedCalls(t)).toBe(3);
    expect(t.causes).toEqual({ USER_BUSY: 1, NO_ANSWER: 3 });
  });

  it('is computed per trunk and per caller ID', () => {
    const history = [
      call('connected', { callerId: 'A' }),
      call('busy', { callerId: 'A' }),
      call('busy', { callerId: 'B' }),
      call('noAnswer', { callerId: 'B' }),
      call('connected', { trunk: 'e1-b', callerId: 'B' }),
    ];
    expect(asr(tallyAttempts(history, ago(60), (a) => a.callerId === 'A'))).toBe(0.5);
    expect(asr(tallyAttempts(history, ago(60), (a) => a.callerId === 'B'))).toBe(1 / 3);
    expect(asr(tallyAttempts(history, ago(60), (a) => a.trunk === 'e1-b'))).toBe(1);
  });
});

describe('average talk time, service level, occupancy', () => {
  it('averages talk seconds over connected calls only', () => {
    const history = [call('connected', { talkSec: 30 }), call('connected', { talkSec: 90 }), call('abandoned'), call('busy')];
    expect(averageTalkSec(tallyAttempts(history, ago(60)))).toBe(60);
  });

  it('service level: human answers connected to an agent within 2 s, abandons count against it', () => {
    const end = ago(5);
    const quick = call('connected', { endedAt: end, answeredAt: ago(7), connectedAt: new Date(ago(7).getTime() + 1500) });
    const slow = call('connected', { endedAt: end, answeredAt: ago(7), connectedAt: new Date(ago(7).getTime() + 4000) });
    expect(serviceLevel(tallyAttempts([quick, slow, call('abandoned'), call('machine')], ago(60)))).toBe(1 / 3);
  });

  it('occupancy: busy agents (reserved, talking, wrap-up) over staffed agents; paused agents are not staffed', () => {
    expect(occupancy(['talking', 'wrapUp', 'reserved', 'ready', 'paused', 'paused'])).toBe(3 / 4);
    expect(occupancy(['paused'])).toBeNull();
  });
});

describe('figures for alert conditions', () => {
  it('gives percentages as 0–100 with the sample behind them', () => {
    const history = [
      ...Array.from({ length: 97 }, () => call('connected')),
      call('abandoned'),
      call('abandoned'),
      call('abandoned'),
    ];
    expect(metricOfTally('abandonRate', tallyAttempts(history, ago(60)))).toEqual({ value: 3, sample: 100 });
    expect(metricOfTally('asr', tallyAttempts([call('busy'), call('connected')], ago(60)))).toEqual({ value: 50, sample: 2 });
  });
});

describe('windows', () => {
  it('today starts at local midnight of the time zone', () => {
    // 12:00 UTC is 20:00 in Shanghai (UTC+8): the day began at 16:00 UTC the day before.
    expect(startOfDay(NOW, 'Asia/Shanghai').toISOString()).toBe('2026-03-09T16:00:00.000Z');
    expect(startOfDay(NOW, 'UTC').toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(windowStart('15m', NOW, 'UTC').toISOString()).toBe('2026-03-10T11:45:00.000Z');
    expect(windowStart('30d', NOW, 'UTC').toISOString()).toBe('2026-02-08T12:00:00.000Z');
  });
});
