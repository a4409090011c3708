import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../../plugins/sim-carrier';
import type { HungUpEvent } from '../port';
import { startAutoAgents } from './auto-agents';
import type { AgentEvent } from './sim-switch';
import { onlyFate, simHarness } from './testing';

/** The dialer's reflex: bridge a human answer to this endpoint at once. */
function bridgeOnAnswer(h: ReturnType<typeof simHarness>, endpoint: string) {
  h.sw.onEvent((e) => {
    if (e.type === 'answered' && e.machine !== true) void h.sw.bridge(e.callId, endpoint);
  });
}

describe('sim switch: bridging to agents', () => {
  it('bridges to an auto-agent, which hangs up after the talk time, then wraps up and reports ready', async () => {
    const h = simHarness({ profile: onlyFate('answer', { ring: 8, talk: 90 }) });
    const ready: { endpoint: string; wrapUpSec: number; at: number }[] = [];
    const agents = startAutoAgents(h.sw, {
      endpoints: ['agent-1'],
      wrapUpMeanSec: 20,
      onReady: (endpoint, info) => ready.push({ endpoint, wrapUpSec: info.wrapUpSec, at: h.clock.now() }),
    });
    const agentEvents: AgentEvent[] = [];
    h.sw.onAgentEvent((e) => agentEvents.push(e));
    bridgeOnAnswer(h, 'agent-1');

    const req = h.request();
    await h.sw.originate(req);
    h.clock.advance(30_000);
    expect(h.types(req.callId)).toEqual(['progress', 'answered', 'bridged']);
    expect(agents.phase('agent-1')).toBe('talking');
    const planned = agentEvents.find((e) => e.type === 'ringing')!;
    expect(planned.type === 'ringing' && planned.plannedTalkSec).toBeGreaterThan(0);

    h.clock.advance(3_600_000);
    const end = h.last(req.callId, 'hungUp')!;
    const bridged = h.last(req.callId, 'bridged')!;
    expect(end).toMatchObject({ endedBy: 'agent', cause: 'NORMAL_CLEARING', agentEndpoint: 'agent-1', machine: false });
    expect(bridged.at).toBe(h.last(req.callId, 'answered')!.at); // auto-agents answer at once
    expect(end.talkSec).toBeCloseTo(planned.type === 'ringing' ? planned.plannedTalkSec : 0, 2);
    expect(end.billSec).toBeCloseTo(end.talkSec + (bridged.at - end.answeredAt!) / 1000, 2);
    expect(end.durationSec).toBeCloseTo(end.ringSec + end.billSec, 2);

    expect(ready).toHaveLength(1);
    expect(ready[0]!.at - end.at).toBe(Math.round(ready[0]!.wrapUpSec * 1000));
    expect(agents.phase('agent-1')).toBe('ready');
    expect(agentEvents.map((e) => e.type)).toEqual(['ringing', 'connected', 'ended']);
  });

  it('a workstation agent answers and hangs up through the switch', async () => {
    const h = simHarness({ profile: onlyFate('answer') });
    h.sw.registerAgent('agent-7');
    const rang: string[] = [];
    h.sw.onAgentEvent((e) => e.type === 'ringing' && rang.push(e.callId));
    bridgeOnAnswer(h, 'agent-7');
    const req = h.request({ amd: false });
    await h.sw.originate(req);
    h.advanceUntil(() => rang.length > 0);
    expect(rang).toEqual([req.callId]);
    expect(h.sw.agentState('agent-7')).toMatchObject({ registered: true, phase: 'ringing', callId: req.callId });
    expect(h.sw.agentHold('agent-7', true)).toBe(false); // nothing to hold before answering

    expect(h.sw.agentAnswer('agent-7')).toBe(true);
    expect(h.sw.agentHold('agent-7', true)).toBe(true);
    expect(h.sw.agentMute('agent-7', true)).toBe(true);
    expect(h.sw.agentDtmf('agent-7', '12#')).toBe(true);
    expect(h.sw.agentDtmf('agent-7', 'x')).toBe(false);
    expect(h.sw.agentState('agent-7')).toMatchObject({ phase: 'talking', held: true, muted: true, digitsSent: '12#' });
    h.clock.advance(10_000);
    expect(h.sw.agentHangup('agent-7')).toBe(true);
    h.clock.advance(0);
    const end = h.last(req.callId, 'hungUp')!;
    expect(end).toMatchObject({ endedBy: 'agent', talkSec: 10, agentEndpoint: 'agent-7' });
    expect(h.sw.agentState('agent-7')).toMatchObject({ phase: 'idle', held: false, muted: false, digitsSent: '' });
    expect(h.sw.agentHangup('agent-7')).toBe(false);
  });

  it('the simulated customer hangs up after its talk time when the agent does not', async () => {
    const h = simHarness({ profile: onlyFate('answer', { ring: 5, talk: 30 }) });
    h.sw.registerAgent('agent-7');
    h.sw.onAgentEvent((e) => e.type === 'ringing' && h.sw.agentAnswer(e.endpoint));
    bridgeOnAnswer(h, 'agent-7');
    const req = h.request();
    await h.sw.originate(req);
    h.clock.advance(3_600_000);
    expect(h.last(req.callId, 'hungUp')).toMatchObject({ endedBy: 'remote', agentEndpoint: 'agent-7' });
    expect(h.last(req.callId, 'hungUp')!.talkSec).toBeGreaterThanOrEqual(5);
  });

  it('bridge failures: not registered, busy, not answered in time, declined; the customer stays up', async () => {
    const h = simHarness({ profile: onlyFate('answer'), timings: { patienceMeanSec: 600 } });
    const answered: string[] = [];
    h.sw.onEvent((e) => e.type === 'answered' && answered.push(e.callId));
    h.sw.registerAgent('agent-1');
    const [a, b] = [h.request(), h.request()];
    await h.sw.originate(a);
    await h.sw.originate(b);
    h.clock.advance(60_000);
    expect(answered.sort()).toEqual([a.callId, b.callId].sort());

    await h.sw.bridge(a.callId, 'nobody');
    await h.sw.bridge(a.callId, 'agent-1');
    await h.sw.bridge(b.callId, 'agent-1');
    h.clock.advance(0);
    expect(h.last(a.callId, 'bridgeFailed')).toMatchObject({ cause: 'USER_NOT_REGISTERED', agentEndpoint: 'nobody' });
    expect(h.last(b.callId, 'bridgeFailed')).toMatchObject({ cause: 'USER_BUSY' });

    h.clock.advance(20_000); // the agent never picks up
    expect(h.last(a.callId, 'bridgeFailed')).toMatchObject({ cause: 'NO_ANSWER', agentEndpoint: 'agent-1' });

    await h.sw.bridge(b.callId, 'agent-1');
    expect(h.sw.agentHangup('agent-1')).toBe(true); // declines while ringing
    h.clock.advance(0);
    expect(h.last(b.callId, 'bridgeFailed')).toMatchObject({ cause: 'CALL_REJECTED' });
    expect(h.last(a.callId, 'hungUp')).toBeUndefined();
    expect((await h.sw.activeCalls()).map((c) => c.state)).toEqual(['answered', 'answered']);
  });

  it('refuses to bridge a call that is unknown or not answered yet', async () => {
    const h = simHarness({ profile: onlyFate('noAnswer') });
    h.sw.registerAgent('agent-1');
    await expect(h.sw.bridge('nope', 'agent-1')).rejects.toMatchObject({ reason: 'noSuchCall' });
    const req = h.request();
    await h.sw.originate(req);
    await expect(h.sw.bridge(req.callId, 'agent-1')).rejects.toMatchObject({ reason: 'notAnswered' });
  });

  it('a human left unbridged hangs up after a short wait; the switch only reports the timings', async () => {
    const h = simHarness({
      profile: onlyFate('answer'),
      timings: { patienceMeanSec: 4 },
      trunks: [{ id: 'trunk-a', capacity: 1000 }],
    });
    const waits: number[] = [];
    h.sw.onEvent((e) => e.type === 'hungUp' && waits.push(e.billSec));
    for (let i = 0; i < 200; i++) await h.sw.originate(h.request({ amd: false, timeoutSec: 60 }));
    h.clock.advance(120_000);
    expect(waits).toHaveLength(200);
    const mean = waits.reduce((s, w) => s + w, 0) / waits.length;
    expect(mean).toBeGreaterThan(3);
    expect(mean).toBeLessThan(5);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1);
  });

  it('a progressive demo with auto-agents lives on its own for an hour', async () => {
    const h = simHarness({ profile: DEFAULT_PROFILE, seed: 'demo' });
    const endpoints = Array.from({ length: 10 }, (_, i) => `auto-${i + 1}`);
    const ready = new Set(endpoints);
    startAutoAgents(h.sw, { endpoints, wrapUpMeanSec: 10, onReady: (ep) => ready.add(ep) });
    const ringing = new Set<string>();
    const ends: HungUpEvent[] = [];
    h.sw.onEvent((e) => {
      if (e.type === 'answered' || e.type === 'hungUp' || e.type === 'originateFailed') ringing.delete(e.callId);
      if (e.type === 'hungUp') ends.push(e);
      if (e.type !== 'answered') return;
      const agent = e.machine === false ? [...ready][0] : undefined;
      if (!agent) return void h.sw.hangup(e.callId);
      ready.delete(agent);
      void h.sw.bridge(e.callId, agent);
    });
    const tick = () => {
      while (ringing.size < ready.size) {
        const req = h.request();
        ringing.add(req.callId);
        void h.sw.originate(req);
      }
      h.clock.setTimer(1000, tick);
    };
    tick();
    h.clock.advance(3_600_000);
    const talked = ends.filter((e) => e.talkSec > 0);
    expect(talked.length).toBeGreaterThan(200);
    expect(ends.filter((e) => e.endedBy === 'agent')).toHaveLength(talked.length);
    const meanTalk = talked.reduce((s, e) => s + e.talkSec, 0) / talked.length;
    expect(meanTalk).toBeGreaterThan(DEFAULT_PROFILE.talkMeanSec * 0.8);
    expect(meanTalk).toBeLessThan(DEFAULT_PROFILE.talkMeanSec * 1.2);
    expect(ends.some((e) => e.cause === 'NORMAL_TEMPORARY_FAILURE')).toBe(false); // never over the trunk
  });
});
