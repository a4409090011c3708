import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { drift, scenarios } from '../../../bench/pacing/scenarios';
import { type CallCentre, PACING_OPTIONS, type SimResult, simulate } from '../../../bench/pacing/sim';
import {
  createPacer,
  createProgressivePacer,
  createRatioPacer,
  explainPacing,
  type Pacer,
  type PacingEvent,
  type PacingState,
} from './pacing';
import { BusyModel, RingModel } from './pacing-model';

// The bench's call centres, run so the whole file takes seconds: large teams scaled down to 1-hour
// shifts; small teams are cheap and keep their 4 hours (5 agents answer only ~100 calls an hour,
// so one or two abandons more or less would swing a shorter run's rate by a whole point). Every
// run is seeded, so these are exact, repeatable outcomes.
const centres: CallCentre[] = [
  ...scenarios(1).filter((c) => c.agents < 50),
  ...scenarios(0.25).filter((c) => c.agents >= 50),
  {
    ...scenarios(0.25).find((c) => c.name === 'large-150-answer-30')!,
    name: 'large-150-jump-10-50',
    humanRate: drift([
      [0, 0.1],
      [1800, 0.1],
      [1801, 0.5],
    ]),
  },
];

describe.each(centres)('on $name', (centre) => {
  let predictive: SimResult;
  let progressive: SimResult;
  let ratio: SimResult;
  beforeAll(() => {
    predictive = simulate(centre, () => createPacer(PACING_OPTIONS));
    progressive = simulate(centre, () => createProgressivePacer(PACING_OPTIONS));
    ratio = simulate(centre, () => createRatioPacer(2, PACING_OPTIONS));
  });

  it('the predictive pacer keeps abandons at or under 3 % overall and under 5 % in every hour', () => {
    expect(predictive.humanAnswers).toBeGreaterThan(50);
    expect(predictive.abandonRate).toBeLessThanOrEqual(0.03);
    expect(predictive.worstHourAbandonRate).toBeLessThan(0.05);
  });

  it('and beats progressive on occupancy and idle wait (connects per agent-hour at least equal)', () => {
    expect(predictive.occupancy).toBeGreaterThan(progressive.occupancy);
    expect(predictive.connectsPerAgentHour).toBeGreaterThanOrEqual(progressive.connectsPerAgentHour);
    expect(predictive.idleWaitSec).toBeLessThan(progressive.idleWaitSec);
  });

  it('no pacer exceeds the line cap or returns anything but an integer >= 0', () => {
    for (const r of [predictive, progressive, ratio]) {
      expect(r.lineCapViolations).toBe(0);
      expect(r.invalidDecisions).toBe(0);
      expect(r.launchesWithoutAgents).toBe(0);
    }
  });

  it('progressive never launches more calls than ready agents and never abandons for lack of agents', () => {
    expect(progressive.overReadySeconds).toBe(0);
    if (!centre.pauses) expect(progressive.abandons).toBe(0);
  });

  it('a cold start does not burst: about one answer per agent in the first minute, few abandons', () => {
    const firstMinuteAnswers = predictive.answersPerMinute[0]!;
    const rate = centre.humanRate(0);
    expect(predictive.launchesPerMinute[0]!).toBeLessThanOrEqual((1.5 * centre.agents) / rate);
    expect(firstMinuteAnswers).toBeLessThanOrEqual(1.2 * centre.agents + 2);
    const answers10 = predictive.answersPerMinute.slice(0, 10).reduce((a, b) => a + b, 0);
    const abandons10 = predictive.abandonsPerMinute.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(abandons10).toBeLessThanOrEqual(Math.max(1, 0.03 * answers10));
  });
});

describe('the first decision', () => {
  it('launches about one call per agent, not a burst, before any outcome is known', () => {
    for (const agents of [1, 5, 150]) {
      const pacer = createPacer(PACING_OPTIONS);
      for (let i = 0; i < agents; i++) pacer.observe({ type: 'agentReady', at: 0, agentId: `a${i}` });
      const n = pacer.decide({ now: 0, readyAgents: agents, busyAgents: 0, callsRinging: 0 });
      expect(n).toBeGreaterThanOrEqual(agents);
      expect(n).toBeLessThanOrEqual(Math.ceil(1.25 * agents) + 1);
      expect(explainPacing(pacer)?.reason).toBe('cold-start');
    }
  });

  it('launches nothing without agents, and says why', () => {
    for (const pacer of [
      createPacer(PACING_OPTIONS),
      createProgressivePacer(PACING_OPTIONS),
      createRatioPacer(2, PACING_OPTIONS),
    ]) {
      expect(pacer.decide({ now: 0, readyAgents: 0, busyAgents: 0, callsRinging: 3 })).toBe(0);
      expect(explainPacing(pacer)?.reason).toBe('no-agents');
    }
  });
});

// Any sequence of events and states, including inconsistent ones (a missed event, a restart).
const eventArb: fc.Arbitrary<PacingEvent> = fc.oneof(
  fc.record({ type: fc.constant('dialed' as const), at: fc.nat(1e7), callId: fc.stringMatching(/^c[0-9]$/) }),
  fc.record({
    type: fc.constant('answered' as const),
    at: fc.nat(1e7),
    callId: fc.stringMatching(/^c[0-9]$/),
    human: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('failed' as const),
    at: fc.nat(1e7),
    callId: fc.stringMatching(/^c[0-9]$/),
    cause: fc.constant('NO_ANSWER'),
  }),
  fc.record({ type: fc.constant('connected' as const), at: fc.nat(1e7), callId: fc.stringMatching(/^c[0-9]$/) }),
  fc.record({ type: fc.constant('abandoned' as const), at: fc.nat(1e7), callId: fc.stringMatching(/^c[0-9]$/) }),
  fc.record({ type: fc.constant('agentReady' as const), at: fc.nat(1e7), agentId: fc.stringMatching(/^a[0-9]$/) }),
  fc.record({ type: fc.constant('agentBusy' as const), at: fc.nat(1e7), agentId: fc.stringMatching(/^a[0-9]$/) }),
  fc.record({ type: fc.constant('agentLeft' as const), at: fc.nat(1e7), agentId: fc.stringMatching(/^a[0-9]$/) }),
);
const stateArb: fc.Arbitrary<PacingState> = fc.record({
  now: fc.nat(1e7),
  readyAgents: fc.nat(200),
  busyAgents: fc.nat(200),
  callsRinging: fc.nat(1000),
});
const steps = fc.array(
  fc.oneof(
    eventArb.map((e) => ({ e })),
    stateArb.map((s) => ({ s })),
  ),
  { maxLength: 60 },
);

describe.each([
  ['predictive', () => createPacer(PACING_OPTIONS)],
  ['progressive', () => createProgressivePacer(PACING_OPTIONS)],
  ['ratio 2:1', () => createRatioPacer(2, PACING_OPTIONS)],
] as [string, () => Pacer][])('%s, for any events and states', (_, make) => {
  it('returns an integer >= 0 within the line cap, and 0 without agents', () => {
    fc.assert(
      fc.property(steps, (script) => {
        const pacer = make();
        for (const step of script) {
          if ('e' in step) {
            pacer.observe(step.e);
            continue;
          }
          const s = step.s;
          const n = pacer.decide(s);
          expect(Number.isInteger(n) && n >= 0).toBe(true);
          const agents = s.readyAgents + s.busyAgents;
          expect(s.callsRinging + n <= PACING_OPTIONS.maxLinesPerAgent * agents || n === 0).toBe(true);
          if (agents === 0) expect(n).toBe(0);
        }
      }),
      { seed: 8, numRuns: 150 },
    );
  });
});

describe('progressive', () => {
  it('tops ringing calls up to one per ready agent, never more', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const n = createProgressivePacer(PACING_OPTIONS).decide(s);
        expect(n).toBe(Math.max(0, s.readyAgents - s.callsRinging));
      }),
      { seed: 8 },
    );
  });
});

describe('the estimates', () => {
  it('the answer rate is not fooled by fast failures while the slow answers are still ringing', () => {
    const ring = new RingModel(600);
    for (let i = 0; i < 30; i++) ring.observe(2, false); // busy signals come back first
    const olderThan = new Float64Array(64);
    for (let a = 0; a < 3; a++) olderThan[a] = 70; // 70 calls still ringing after 3 s
    ring.refresh(olderThan);
    expect(ring.humanRate).toBeGreaterThan(0.3); // the prior still speaks for ages not yet seen
  });

  it('busy time is not fooled by the first calls to end being the short ones', () => {
    const busy = new BusyModel(400);
    for (let i = 0; i < 10; i++) busy.observe(30);
    busy.refresh(new Array(140).fill(35)); // 140 agents busy for 35 s and counting
    expect(busy.freeWithin(35, 15)).toBeLessThan(0.2);
    busy.refresh([]);
    expect(busy.freeWithin(20, 15)).toBeGreaterThan(0.5);
  });
});
