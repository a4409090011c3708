/** Lets promise callbacks settle (microtasks and I/O callbacks; no timers involved). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Helpers for tests of the sim switch (and of the dialer on it): a virtual clock and an event log. */
import type { OutcomeProfile } from '../../plugins/sdk';
import { VirtualClock } from '../clock';
import type { OriginateRequest, SoftswitchEvent } from '../port';
import { SimSwitch, type SimSwitchOptions } from './sim-switch';

/** A profile where every valid number has the given fate (invalid numbers: none). */
export function onlyFate(
  fate: 'answer' | 'busy' | 'noAnswer' | 'machine' | 'invalid',
  means = { ring: 10, talk: 60 },
): OutcomeProfile {
  return {
    answer: 0,
    busy: 0,
    noAnswer: 0,
    machine: 0,
    invalid: 0,
    [fate]: 1,
    ringMeanSec: means.ring,
    talkMeanSec: means.talk,
  };
}

export function simHarness(options: Partial<SimSwitchOptions> & Pick<SimSwitchOptions, 'profile'>) {
  const clock = new VirtualClock();
  const sw = new SimSwitch({ trunks: [{ id: 'trunk-a', capacity: 30 }], seed: 'test', clock, ...options });
  const events: SoftswitchEvent[] = [];
  sw.onEvent((e) => events.push(e));
  let n = 0;
  const request = (overrides: Partial<OriginateRequest> = {}): OriginateRequest => {
    n++;
    return {
      callId: `call-${n}`,
      to: `+86138000${String(n).padStart(5, '0')}`,
      callerId: '057188880001',
      trunk: 'trunk-a',
      timeoutSec: 25,
      variables: { attemptId: `att-${n}` },
      amd: true,
      ...overrides,
    };
  };
  const of = (callId: string) => events.filter((e) => e.callId === callId);
  const types = (callId: string) => of(callId).map((e) => e.type);
  const last = <T extends SoftswitchEvent['type']>(callId: string, type: T) =>
    of(callId).findLast((e): e is Extract<SoftswitchEvent, { type: T }> => e.type === type);
  /** Advances in small steps until `done()` holds (or gives up after `maxMs`). */
  const advanceUntil = (done: () => boolean, maxMs = 3_600_000, stepMs = 100) => {
    for (let t = 0; t < maxMs && !done(); t += stepMs) clock.advance(stepMs);
    if (!done()) throw new Error('condition not reached');
  };
  return { clock, sw, events, request, of, types, last, advanceUntil };
}
