import { describe, expect, it } from 'vitest';
import type { CollectRequest, CollectResult } from '../port';
import { promptSec } from './customer';
import { onlyFate, settle, simHarness } from './testing';

const question: CollectRequest = {
  key: 'q1',
  prompt: { text: '满意请按1，不满意请按2', language: 'zh-CN' },
  maxDigits: 1,
  timeoutSec: 5,
  validDigits: '12',
};

async function answeredCall(h: ReturnType<typeof simHarness>) {
  const req = h.request({ amd: false });
  await h.sw.originate(req);
  h.advanceUntil(() => h.last(req.callId, 'answered') !== undefined);
  return req.callId;
}

describe('sim switch: robot channel', () => {
  it('play lasts in proportion to the text, per language', async () => {
    const zh = promptSec({ text: '您好，这里是安康人寿回访中心。', language: 'zh-CN' });
    expect(zh).toBeCloseTo(0.3 + 15 / 4, 5);
    expect(promptSec({ text: 'a'.repeat(140), language: 'en' })).toBeCloseTo(10.3, 5);
    expect(promptSec({ recording: 'welcome.wav', language: 'zh-CN' })).toBe(5);

    const h = simHarness({ profile: onlyFate('answer'), timings: { patienceMeanSec: 600 } });
    const callId = await answeredCall(h);
    let done: boolean | undefined;
    void h.sw.play(callId, { text: '您好，这里是安康人寿回访中心。', language: 'zh-CN' }).then((r) => {
      done = r.completed;
    });
    h.clock.advance(Math.round(zh * 1000) - 1);
    await settle();
    expect(done).toBeUndefined();
    h.clock.advance(1);
    await settle();
    expect(done).toBe(true);
  });

  it('play-and-collect: key presses then the collected result, from the per-question distribution', async () => {
    const h = simHarness({
      profile: onlyFate('answer', { ring: 5, talk: 600 }),
      customer: { answers: { q1: { digits: { '1': 1 } } }, responseSec: [2, 2] },
    });
    const callId = await answeredCall(h);
    const result = h.sw.playAndCollect(callId, question);
    h.clock.advance(30_000);
    await expect(result).resolves.toEqual({ kind: 'digits', digits: '1' });
    const types = h.types(callId);
    expect(types.indexOf('dtmf')).toBeGreaterThan(types.indexOf('answered'));
    expect(types.indexOf('collected')).toBeGreaterThan(types.indexOf('dtmf'));
    const dtmf = h.last(callId, 'dtmf')!;
    expect(dtmf.digit).toBe('1');
    const collected = h.last(callId, 'collected')!;
    expect(collected).toMatchObject({ key: 'q1', result: { kind: 'digits', digits: '1' } });
  });

  it('no input resolves after the prompt plus the timeout; keys outside validDigits are invalid', async () => {
    const h = simHarness({
      profile: onlyFate('answer', { ring: 5, talk: 600 }),
      customer: { answers: { silent: { noInput: 1 }, wrong: { digits: { '9': 1 } } } },
      timings: { patienceMeanSec: 600 },
    });
    const callId = await answeredCall(h);
    const start = h.clock.now();
    const silent = h.sw.playAndCollect(callId, { ...question, key: 'silent' });
    h.clock.advance(60_000);
    await expect(silent).resolves.toEqual({ kind: 'noInput' });
    expect(h.last(callId, 'collected')!.at - start).toBe(Math.round((promptSec(question.prompt) + 5) * 1000));

    const wrong = h.sw.playAndCollect(callId, { ...question, key: 'wrong' });
    h.clock.advance(60_000);
    await expect(wrong).resolves.toEqual({ kind: 'invalid', digits: '9' });
  });

  it('answers over many calls follow the configured distribution', async () => {
    const h = simHarness({
      profile: onlyFate('answer', { ring: 5, talk: 600 }),
      trunks: [{ id: 'trunk-a', capacity: 10_000 }],
      customer: { answers: { q1: { digits: { '1': 0.6, '2': 0.3 }, noInput: 0.1 } } },
    });
    const results: Promise<CollectResult>[] = [];
    h.sw.onEvent((e) => {
      if (e.type === 'answered') results.push(h.sw.playAndCollect(e.callId, question));
    });
    const n = 3000;
    for (let i = 0; i < n; i++) await h.sw.originate(h.request({ amd: false, timeoutSec: 60 }));
    h.clock.advance(120_000);
    const all = await Promise.all(results);
    expect(all).toHaveLength(n);
    const share = (pred: (r: CollectResult) => boolean) => all.filter(pred).length / n;
    expect(share((r) => r.kind === 'digits' && r.digits === '1')).toBeCloseTo(0.6, 1);
    expect(share((r) => r.kind === 'digits' && r.digits === '2')).toBeCloseTo(0.3, 1);
    expect(share((r) => r.kind === 'noInput')).toBeCloseTo(0.1, 1);
    expect(Math.abs(share((r) => r.kind === 'digits' && r.digits === '1') - 0.6)).toBeLessThan(0.03);
  });

  it('a question without a distribution gets every valid key alike; speech when asked for', async () => {
    const h = simHarness({
      profile: onlyFate('answer', { ring: 5, talk: 600 }),
      customer: { answers: { spoken: { speech: { 满意: 1 } } } },
      timings: { patienceMeanSec: 600 },
    });
    const callId = await answeredCall(h);
    const r = h.sw.playAndCollect(callId, { ...question, key: 'unknown-node' });
    h.clock.advance(60_000);
    expect(['digits', 'noInput']).toContain((await r).kind);
    const s = h.sw.playAndCollect(callId, { ...question, key: 'spoken', speech: true });
    h.clock.advance(60_000);
    await expect(s).resolves.toEqual({ kind: 'speech', text: '满意', confidence: 0.9 });
  });

  it('the customer hanging up mid-question resolves hungUp; a machine never presses keys', async () => {
    const h = simHarness({
      profile: onlyFate('answer', { ring: 5, talk: 5 }),
      timings: { talkSigma: 0.01 },
      customer: { answers: { q1: { noInput: 1 } } },
    });
    const callId = await answeredCall(h);
    const long = h.sw.playAndCollect(callId, { ...question, timeoutSec: 30 });
    h.clock.advance(60_000);
    await expect(long).resolves.toEqual({ kind: 'hungUp' });
    expect(h.last(callId, 'hungUp')).toMatchObject({ endedBy: 'remote' });
    expect(h.last(callId, 'collected')).toBeUndefined();

    const m = simHarness({ profile: onlyFate('machine') });
    const mc = await answeredCall(m);
    const r = m.sw.playAndCollect(mc, question);
    m.clock.advance(60_000);
    await expect(r).resolves.toEqual({ kind: 'noInput' });
  });

  it('refuses media on an unknown call or one that is not answered', async () => {
    const h = simHarness({ profile: onlyFate('noAnswer') });
    await expect(h.sw.play('nope', { text: 'hi', language: 'en' })).rejects.toMatchObject({ reason: 'noSuchCall' });
    const req = h.request();
    await h.sw.originate(req);
    await expect(h.sw.playAndCollect(req.callId, question)).rejects.toMatchObject({ reason: 'notAnswered' });
  });
});
