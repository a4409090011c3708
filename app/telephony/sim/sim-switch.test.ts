import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../../plugins/sim-carrier';
import { VirtualClock } from '../clock';
import { SoftswitchError } from '../port';
import { SimSwitch } from './sim-switch';
import { onlyFate, simHarness } from './testing';

describe('sim switch: outcomes', () => {
  it('human answer: progress, answered (AMD says human), then the customer hangs up when nobody comes', async () => {
    const h = simHarness({ profile: onlyFate('answer') });
    const req = h.request();
    await expect(h.sw.originate(req)).resolves.toEqual({ callId: req.callId, jobId: `${req.callId}:job` });
    h.clock.advance(120_000);
    expect(h.types(req.callId)).toEqual(['progress', 'answered', 'hungUp']);
    const answered = h.last(req.callId, 'answered')!;
    expect(answered.machine).toBe(false);
    expect(answered.at - answered.answeredAt).toBe(2500); // AMD listening time
    const end = h.last(req.callId, 'hungUp')!;
    expect(end).toMatchObject({ cause: 'NORMAL_CLEARING', q850: 16, outcome: 'normal', endedBy: 'remote', machine: false });
    expect(end.talkSec).toBe(0);
    expect(end.billSec).toBeGreaterThan(0);
    expect(end.answeredAt! - end.createdAt).toBe(end.ringSec * 1000);
    expect(end.variables).toEqual({ attemptId: 'att-1' });
  });

  it('answering machine: the AMD verdict says machine and our hangup ends the call', async () => {
    const h = simHarness({ profile: onlyFate('machine') });
    const req = h.request();
    h.sw.onEvent((e) => {
      if (e.type === 'answered' && e.machine) void h.sw.hangup(e.callId);
    });
    await h.sw.originate(req);
    h.clock.advance(60_000);
    expect(h.types(req.callId)).toEqual(['progress', 'answered', 'hungUp']);
    expect(h.last(req.callId, 'answered')?.machine).toBe(true);
    const end = h.last(req.callId, 'hungUp')!;
    expect(end).toMatchObject({ endedBy: 'local', machine: true, cause: 'NORMAL_CLEARING' });
    expect(end.billSec).toBe(2.5);
  });

  it('without AMD the verdict is null', async () => {
    const h = simHarness({ profile: onlyFate('machine') });
    const req = h.request({ amd: false });
    await h.sw.originate(req);
    h.clock.advance(120_000);
    expect(h.last(req.callId, 'answered')?.machine).toBeNull();
    expect(h.last(req.callId, 'hungUp')).toMatchObject({ machine: null, endedBy: 'remote' });
  });

  it('busy: USER_BUSY (Q.850 17) within seconds, never answered', async () => {
    const h = simHarness({ profile: onlyFate('busy') });
    const req = h.request();
    await h.sw.originate(req);
    h.clock.advance(10_000);
    expect(h.types(req.callId)).toEqual(['hungUp']);
    const end = h.last(req.callId, 'hungUp')!;
    expect(end).toMatchObject({ cause: 'USER_BUSY', q850: 17, outcome: 'busy', endedBy: 'remote', billSec: 0 });
    expect(end.ringSec).toBeLessThanOrEqual(4);
  });

  it('no answer: rings exactly timeoutSec, then NO_ANSWER (Q.850 19)', async () => {
    const h = simHarness({ profile: onlyFate('noAnswer') });
    const req = h.request({ timeoutSec: 20 });
    await h.sw.originate(req);
    h.clock.advance(19_999);
    expect(h.types(req.callId)).toEqual(['progress']);
    h.clock.advance(1);
    const end = h.last(req.callId, 'hungUp')!;
    expect(end).toMatchObject({ cause: 'NO_ANSWER', q850: 19, outcome: 'noAnswer', endedBy: 'local', ringSec: 20, billSec: 0 });
    expect(end.at - end.createdAt).toBe(20_000);
  });

  it('an answer that would come after the timeout never comes', async () => {
    const h = simHarness({ profile: onlyFate('answer', { ring: 40, talk: 60 }), timings: { ringSigma: 0.01 } });
    const req = h.request({ timeoutSec: 15 });
    await h.sw.originate(req);
    h.clock.advance(60_000);
    expect(h.types(req.callId)).toEqual(['progress', 'hungUp']);
    expect(h.last(req.callId, 'hungUp')).toMatchObject({ cause: 'NO_ANSWER', ringSec: 15 });
  });

  it('invalid number: UNALLOCATED_NUMBER, and the same number stays invalid on a retry', async () => {
    const h = simHarness({ profile: onlyFate('invalid') });
    const first = h.request();
    await h.sw.originate(first);
    h.clock.advance(5_000);
    expect(h.types(first.callId)).toEqual(['hungUp']);
    expect(h.last(first.callId, 'hungUp')).toMatchObject({ cause: 'UNALLOCATED_NUMBER', q850: 1, outcome: 'invalid' });

    const mixed = simHarness({ profile: { ...DEFAULT_PROFILE, invalid: 0.5 } });
    const dead: string[] = [];
    for (let i = 0; i < 20; i++) {
      const req = mixed.request();
      await mixed.sw.originate(req);
      mixed.clock.advance(200_000);
      if (mixed.last(req.callId, 'hungUp')?.cause === 'UNALLOCATED_NUMBER') dead.push(req.to);
    }
    expect(dead.length).toBeGreaterThan(0);
    for (const to of dead) {
      const retry = mixed.request({ to });
      await mixed.sw.originate(retry);
      mixed.clock.advance(200_000);
      expect(mixed.last(retry.callId, 'hungUp')?.cause).toBe('UNALLOCATED_NUMBER');
    }
  });

  it('refuses a number that is not E.164, a duplicate call id and an empty timeout; nothing happens', async () => {
    const h = simHarness({ profile: onlyFate('answer') });
    const bad = h.sw.originate(h.request({ to: '13800138000' }));
    await expect(bad).rejects.toMatchObject({ reason: 'invalidRequest', hangupCause: 'INVALID_NUMBER_FORMAT' });
    await expect(bad).rejects.toBeInstanceOf(SoftswitchError);
    await expect(h.sw.originate(h.request({ timeoutSec: 0 }))).rejects.toMatchObject({ reason: 'invalidRequest' });
    const req = h.request();
    await h.sw.originate(req);
    await expect(h.sw.originate({ ...req })).rejects.toMatchObject({ reason: 'duplicateCall' });
    h.clock.advance(0);
    expect(h.events.filter((e) => e.callId !== req.callId)).toEqual([]);
  });

  it('hanging up an unknown or finished call is harmless', async () => {
    const h = simHarness({ profile: onlyFate('busy') });
    await expect(h.sw.hangup('no-such-call')).resolves.toBe(false);
    const req = h.request();
    await h.sw.originate(req);
    h.clock.advance(10_000);
    await expect(h.sw.hangup(req.callId)).resolves.toBe(false);
    h.clock.advance(1_000);
    expect(h.events.filter((e) => e.type === 'hungUp')).toHaveLength(1);
  });

  it('our hangup before answer ends the call with our cause; the event follows the command', async () => {
    const h = simHarness({ profile: onlyFate('noAnswer') });
    const req = h.request();
    await h.sw.originate(req);
    h.clock.advance(5_000);
    await expect(h.sw.hangup(req.callId, 'ORIGINATOR_CANCEL')).resolves.toBe(true);
    expect(h.last(req.callId, 'hungUp')).toBeUndefined(); // delivered asynchronously, like ESL
    h.clock.advance(0);
    expect(h.last(req.callId, 'hungUp')).toMatchObject({ cause: 'ORIGINATOR_CANCEL', q850: 16, endedBy: 'local', ringSec: 5 });
  });
});

describe('sim switch: trunk channel limits', () => {
  it('an originate over capacity fails at once with the gateway cause; hang-ups free channels', async () => {
    const h = simHarness({ profile: onlyFate('noAnswer'), trunks: [{ id: 'trunk-a', capacity: 3 }] });
    const reqs = [h.request(), h.request(), h.request(), h.request()];
    for (const r of reqs) await h.sw.originate(r);
    h.clock.advance(0);
    const over = h.last(reqs[3]!.callId, 'originateFailed')!;
    expect(over).toMatchObject({ cause: 'NORMAL_TEMPORARY_FAILURE', q850: 41, variables: { attemptId: 'att-4' } });
    expect(over.at).toBe(h.clock.now());
    expect((await h.sw.health()).trunks['trunk-a']).toEqual({ used: 3, capacity: 3 });
    expect(h.types(reqs[3]!.callId)).toEqual(['originateFailed']);

    await h.sw.hangup(reqs[0]!.callId);
    const next = h.request();
    await h.sw.originate(next);
    h.clock.advance(1_000);
    expect(h.last(next.callId, 'originateFailed')).toBeUndefined();
    expect((await h.sw.activeCalls()).map((c) => c.callId).sort()).toEqual(
      [reqs[1]!.callId, reqs[2]!.callId, next.callId].sort(),
    );

    h.clock.advance(60_000); // all ring out
    expect((await h.sw.health()).trunks['trunk-a']).toEqual({ used: 0, capacity: 3 });
  });

  it('the capacity cause is configurable and an unknown trunk is INVALID_GATEWAY', async () => {
    const h = simHarness({
      profile: onlyFate('noAnswer'),
      trunks: [{ id: 'trunk-a', capacity: 1 }],
      capacityCause: 'SWITCH_CONGESTION',
    });
    await h.sw.originate(h.request());
    const over = h.request();
    await h.sw.originate(over);
    const nowhere = h.request({ trunk: 'nowhere' });
    await h.sw.originate(nowhere);
    h.clock.advance(0);
    expect(h.last(over.callId, 'originateFailed')).toMatchObject({ cause: 'SWITCH_CONGESTION', q850: 42 });
    expect(h.last(nowhere.callId, 'originateFailed')).toMatchObject({ cause: 'INVALID_GATEWAY', q850: 16 });
  });
});

describe('sim switch: seed and time', () => {
  const run = async (seed: string) => {
    const h = simHarness({ profile: DEFAULT_PROFILE, seed, trunks: [{ id: 'trunk-a', capacity: 100 }] });
    for (let i = 0; i < 50; i++) await h.sw.originate(h.request());
    h.clock.advance(600_000);
    return h.events.map((e) => ({ ...e, at: e.at - h.clock.now() }));
  };

  it('the same seed gives the same outcomes and timings; another seed does not', async () => {
    const a = await run('seed-1');
    expect(await run('seed-1')).toEqual(a);
    expect(await run('seed-2')).not.toEqual(a);
  });

  it('a time scale of 10 runs ten times faster than the clock it is given, durations in switch time', async () => {
    const base = new VirtualClock();
    const sw = new SimSwitch({ profile: onlyFate('noAnswer'), trunks: [{ id: 't', capacity: 1 }], clock: base, timeScale: 10 });
    const ends: number[] = [];
    sw.onEvent((e) => e.type === 'hungUp' && ends.push(e.ringSec));
    await sw.originate({ callId: 'c', to: '+8613800000001', callerId: '1', trunk: 't', timeoutSec: 30, amd: false });
    base.advance(2_999);
    expect(ends).toEqual([]);
    base.advance(1);
    expect(ends).toEqual([30]);
    expect(sw.clock.now() - base.now()).toBe(27_000); // the switch clock ran 30 s while the base ran 3 s
  });

  it('drops every call on close and refuses later commands', async () => {
    const h = simHarness({ profile: onlyFate('noAnswer') });
    await h.sw.originate(h.request());
    await h.sw.close();
    h.clock.advance(60_000);
    expect(h.events).toEqual([]);
    expect(await h.sw.health()).toMatchObject({ ok: false, activeCalls: 0 });
    await expect(h.sw.originate(h.request())).rejects.toMatchObject({ reason: 'closed' });
    await expect(h.sw.hangup('call-1')).resolves.toBe(false);
  });

  it('a throwing listener does not break the switch', async () => {
    const errors: unknown[] = [];
    const h = simHarness({ profile: onlyFate('busy'), onListenerError: (e) => errors.push(e) });
    h.sw.onEvent(() => {
      throw new Error('boom');
    });
    const req = h.request();
    await h.sw.originate(req);
    h.clock.advance(10_000);
    expect(h.types(req.callId)).toEqual(['hungUp']);
    expect(errors).toHaveLength(1);
  });
});
