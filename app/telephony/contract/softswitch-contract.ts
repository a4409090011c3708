/**
 * The contract every softswitch adapter keeps, as a Vitest suite: call `softswitchContract(subject)`
 * from a test file. It runs on the embedded switch in every `npm test` and on a real FreeSWITCH with
 * `npm run test:freeswitch` (see docs/telephony.md). A subject says how to reach each kind of callee
 * and how to let time pass: a virtual clock for the sim, the wall clock for FreeSWITCH.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CollectResult, HungUpEvent, OriginateRequest, Softswitch, SoftswitchEvent } from '../port';
import { SoftswitchError } from '../port';

export type Callee = 'answers' | 'busy' | 'noAnswer' | 'invalid';

export interface ContractHarness {
  sw: Softswitch;
  /** A request to a callee that behaves as named (a fresh call id each time). */
  request(callee: Callee): OriginateRequest;
  /** An agent endpoint that answers when rung. */
  agentEndpoint: string;
  /** An endpoint nobody is logged in at. */
  offlineAgentEndpoint: string;
  /** The prompt to play (a recording the switch has, or a tone). */
  prompt: { recording: string; language: string };
  /** During the running prompt on `callId`, the customer presses `digits` (the sim's customer is scripted to). */
  pressDuringPrompt(callId: string, digits: string): Promise<void>;
  /** The customer hangs up (the sim's customer does so when left waiting). */
  remoteHangup(callId: string): Promise<void>;
  /** Lets time pass until `done()` holds; fails after `maxSec` seconds of switch time. */
  waitFor(done: () => boolean, maxSec: number, what: string): Promise<void>;
  /** Drops the connection to the switch and resolves when it is back (switches that have one). */
  dropConnection?: () => Promise<void>;
  close(): Promise<void>;
}

export interface ContractSubject {
  name: string;
  /** Why this subject cannot run here (printed, and its tests are skipped). */
  skip?: string;
  /** Whether the switch has a connection that can drop (the sim has none). */
  hasConnection: boolean;
  /** A harness whose `request(callee)` works for `callee` (the sim decides fates per switch). */
  create(callee: Callee): Promise<ContractHarness>;
}

/** The `collected` digit the contract expects the customer to press. */
export const CONTRACT_DIGIT = '2';
/** The question key the contract uses (the sim's scripted customer answers it with CONTRACT_DIGIT). */
export const CONTRACT_KEY = 'contract_q';

export function softswitchContract(subject: ContractSubject): void {
  if (subject.skip) console.info(`softswitch contract on ${subject.name} skipped: ${subject.skip}`);

  describe.skipIf(Boolean(subject.skip))(`softswitch contract: ${subject.name}`, () => {
    let h: ContractHarness | null = null;
    let events: SoftswitchEvent[] = [];
    afterEach(async () => {
      await h?.close();
      h = null;
    });

    async function open(callee: Callee) {
      h = await subject.create(callee);
      events = [];
      h.sw.onEvent((e) => events.push(e));
      return h;
    }
    const of = (callId: string) => events.filter((e) => e.callId === callId);
    const terminals = (callId: string) => of(callId).filter((e) => e.type === 'hungUp' || e.type === 'originateFailed');
    const has = (callId: string, type: SoftswitchEvent['type']) => () => of(callId).some((e) => e.type === type);
    const end = (callId: string) => of(callId).find((e): e is HungUpEvent => e.type === 'hungUp');

    async function answered(x: ContractHarness) {
      const req = x.request('answers');
      await x.sw.originate(req);
      await x.waitFor(has(req.callId, 'answered'), 60, 'the answer');
      return req.callId;
    }
    /** Waits past the end so a second terminal event would show. */
    async function ended(x: ContractHarness, callId: string) {
      await x.waitFor(() => terminals(callId).length > 0, 120, 'the end of the call');
      let extra = false;
      await x.waitFor(() => extra, 2, 'a quiet moment').catch(() => undefined);
      extra = true;
      expect(terminals(callId)).toHaveLength(1);
    }

    it('answered: answered, then our hangup → exactly one hungUp NORMAL_CLEARING ended by us', async () => {
      const x = await open('answers');
      const callId = await answered(x);
      expect(await x.sw.hangup(callId)).toBe(true);
      await ended(x, callId);
      expect(end(callId)).toMatchObject({ cause: 'NORMAL_CLEARING', q850: 16, outcome: 'normal', endedBy: 'local' });
      expect(end(callId)?.answeredAt).toBeDefined();
      const types = of(callId).map((e) => e.type);
      expect(types.indexOf('answered')).toBeLessThan(types.indexOf('hungUp'));
      expect(await x.sw.hangup(callId)).toBe(false);
    });

    it('busy: exactly one hungUp USER_BUSY (17), outcome busy', async () => {
      const x = await open('busy');
      const req = x.request('busy');
      await x.sw.originate(req);
      await ended(x, req.callId);
      expect(end(req.callId)).toMatchObject({ cause: 'USER_BUSY', q850: 17, outcome: 'busy', billSec: 0 });
    });

    it('no answer: exactly one hungUp NO_ANSWER (19) at the timeout, ended by us, nothing billed', async () => {
      const x = await open('noAnswer');
      const req = x.request('noAnswer');
      await x.sw.originate(req);
      await ended(x, req.callId);
      expect(end(req.callId)).toMatchObject({ cause: 'NO_ANSWER', q850: 19, outcome: 'noAnswer', endedBy: 'local', billSec: 0 });
      expect(of(req.callId).some((e) => e.type === 'answered')).toBe(false);
    });

    it('invalid number: exactly one terminal event, classed invalid', async () => {
      const x = await open('invalid');
      const req = x.request('invalid');
      await x.sw.originate(req);
      await ended(x, req.callId);
      expect(end(req.callId)?.outcome).toBe('invalid');
    });

    it('a request the switch cannot dial is refused, and no event follows', async () => {
      const x = await open('answers');
      const req = { ...x.request('answers'), to: '12345' };
      const error = await x.sw.originate(req).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SoftswitchError);
      expect(error).toMatchObject({ reason: 'invalidRequest', hangupCause: 'INVALID_NUMBER_FORMAT' });
      await x.waitFor(() => false, 2, 'nothing').catch(() => undefined);
      expect(of(req.callId)).toEqual([]);
    });

    it('bridge to an agent endpoint: bridged after the answer; the CDR names the agent', async () => {
      const x = await open('answers');
      const callId = await answered(x);
      await x.sw.bridge(callId, x.agentEndpoint);
      await x.waitFor(has(callId, 'bridged'), 60, 'the bridge');
      expect(of(callId).find((e) => e.type === 'bridged')).toMatchObject({ agentEndpoint: x.agentEndpoint });
      await x.sw.hangup(callId);
      await ended(x, callId);
      expect(end(callId)).toMatchObject({ agentEndpoint: x.agentEndpoint });
      expect(end(callId)?.bridgedAt).toBeDefined();
    });

    it('bridge to an endpoint nobody is logged in at: bridgeFailed, and the customer is still there', async () => {
      const x = await open('answers');
      const callId = await answered(x);
      await x.sw.bridge(callId, x.offlineAgentEndpoint);
      await x.waitFor(has(callId, 'bridgeFailed'), 60, 'the bridge failure');
      expect(of(callId).find((e) => e.type === 'bridgeFailed')).toMatchObject({ cause: 'USER_NOT_REGISTERED' });
      expect(terminals(callId)).toHaveLength(0);
      expect(await x.sw.hangup(callId)).toBe(true);
      await ended(x, callId);
    });

    it('play: resolves completed once the prompt has played; a second prompt meanwhile is refused (busy)', async () => {
      const x = await open('answers');
      const callId = await answered(x);
      let played: { completed: boolean } | undefined;
      void x.sw.play(callId, x.prompt).then((r) => {
        played = r;
      });
      await x.waitFor(() => false, 0.2, 'the prompt to start').catch(() => undefined);
      await expect(x.sw.play(callId, x.prompt)).rejects.toMatchObject({ reason: 'busy' });
      await x.waitFor(() => played !== undefined, 30, 'the end of the prompt');
      expect(played).toEqual({ completed: true });
      await x.sw.hangup(callId);
      await ended(x, callId);
    });

    it('play-and-collect: the key pressed comes as dtmf and as the collected digits', async () => {
      const x = await open('answers');
      const callId = await answered(x);
      let result: CollectResult | undefined;
      void x.sw
        .playAndCollect(callId, { prompt: x.prompt, key: CONTRACT_KEY, maxDigits: 1, timeoutSec: 5, validDigits: '0123456789' })
        .then((r) => {
          result = r;
        });
      await x.pressDuringPrompt(callId, CONTRACT_DIGIT);
      await x.waitFor(() => result !== undefined, 30, 'the collected answer');
      expect(result).toEqual({ kind: 'digits', digits: CONTRACT_DIGIT });
      expect(of(callId).find((e) => e.type === 'dtmf')).toMatchObject({ digit: CONTRACT_DIGIT });
      expect(of(callId).find((e) => e.type === 'collected')).toMatchObject({ key: CONTRACT_KEY, result });
      await x.sw.hangup(callId);
      await ended(x, callId);
    });

    it('hangup from the far end: exactly one hungUp, ended remotely', async () => {
      const x = await open('answers');
      const callId = await answered(x);
      await x.remoteHangup(callId);
      await ended(x, callId);
      expect(end(callId)).toMatchObject({ endedBy: 'remote' });
      expect(await x.sw.hangup(callId)).toBe(false);
    });

    // The embedded switch runs in-process: it has no connection that could drop.
    it.skipIf(!subject.hasConnection)(
      'reconnect mid-call: the call survives the drop and ends with exactly one hungUp',
      async () => {
        const x = await open('answers');
        const callId = await answered(x);
        await x.dropConnection?.();
        expect(terminals(callId)).toHaveLength(0);
        expect(await x.sw.hangup(callId)).toBe(true);
        await ended(x, callId);
        expect(end(callId)).toMatchObject({ cause: 'NORMAL_CLEARING', endedBy: 'local' });
      },
    );
  });
}
