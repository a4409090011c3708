/**
 * Auto-agents keep a demo alive without people: registered endpoints on the sim switch that
 * answer a bridged call at once, hang up after the talk time the simulated customer was given
 * (drawn from the outcome profile), then stay in wrap-up for a sampled time. `onReady` tells the
 * dialer's presence module when an agent can take the next call.
 */
import type { Timer } from '../clock';
import type { CallId } from '../port';
import { logNormal, streamFor } from './random';
import type { AgentEvent, SimSwitch } from './sim-switch';

export type AutoAgentPhase = 'ready' | 'ringing' | 'talking' | 'wrapUp';

export interface AutoAgentsOptions {
  endpoints: string[];
  /** Mean wrap-up after a call, seconds (log-normal). */
  wrapUpMeanSec?: number;
  /** Seconds between the endpoint ringing and answering (0: at once). */
  answerDelaySec?: number;
  seed?: string | number;
  /** The agent finished wrap-up (or a call never reached it) and can take a call again. */
  onReady?: (endpoint: string, info: { callId: CallId; wrapUpSec: number }) => void;
  /** The agent was connected to a call. */
  onTalking?: (endpoint: string, info: { callId: CallId }) => void;
}

export interface AutoAgents {
  phase(endpoint: string): AutoAgentPhase | undefined;
  add(endpoint: string): void;
  remove(endpoint: string): void;
  stop(): void;
}

export function startAutoAgents(sw: SimSwitch, options: AutoAgentsOptions): AutoAgents {
  const phases = new Map<string, AutoAgentPhase>();
  const timers = new Map<string, Timer>();
  const wrapMean = options.wrapUpMeanSec ?? 15;
  const seed = options.seed ?? 'auto-agents';

  const later = (endpoint: string, delaySec: number, fn: () => void) => {
    timers.get(endpoint)?.cancel();
    timers.set(
      endpoint,
      sw.clock.setTimer(Math.round(delaySec * 1000), () => {
        timers.delete(endpoint);
        fn();
      }),
    );
  };

  // The ringing event carries the customer's planned talk time; kept until the call connects.
  const plannedTalk = new Map<CallId, number>();

  const onEvent = (e: AgentEvent) => {
    if (!phases.has(e.endpoint)) return;
    if (e.type === 'ringing') {
      phases.set(e.endpoint, 'ringing');
      plannedTalk.set(e.callId, e.plannedTalkSec);
      const answer = () => sw.agentAnswer(e.endpoint);
      if (options.answerDelaySec) later(e.endpoint, options.answerDelaySec, answer);
      else answer();
    } else if (e.type === 'connected') {
      phases.set(e.endpoint, 'talking');
      options.onTalking?.(e.endpoint, { callId: e.callId });
      const plannedTalkSec = plannedTalk.get(e.callId) ?? 0;
      plannedTalk.delete(e.callId);
      later(e.endpoint, plannedTalkSec, () => sw.agentHangup(e.endpoint));
    } else if (e.type === 'ended') {
      timers.get(e.endpoint)?.cancel();
      plannedTalk.delete(e.callId);
      const talked = phases.get(e.endpoint) === 'talking';
      // A call that never connected costs no wrap-up.
      const wrapUpSec = talked ? Math.max(1, logNormal(streamFor(seed, 'wrap', e.endpoint, e.callId), wrapMean, 0.5)) : 0;
      phases.set(e.endpoint, 'wrapUp');
      later(e.endpoint, wrapUpSec, () => {
        phases.set(e.endpoint, 'ready');
        options.onReady?.(e.endpoint, { callId: e.callId, wrapUpSec });
      });
    }
  };

  const unsubscribe = sw.onAgentEvent(onEvent);

  const add = (endpoint: string) => {
    sw.registerAgent(endpoint, { auto: true });
    phases.set(endpoint, 'ready');
  };
  for (const endpoint of options.endpoints) add(endpoint);

  return {
    phase: (endpoint) => phases.get(endpoint),
    add,
    remove(endpoint) {
      timers.get(endpoint)?.cancel();
      timers.delete(endpoint);
      phases.delete(endpoint);
      sw.unregisterAgent(endpoint);
    },
    stop() {
      unsubscribe();
      for (const t of timers.values()) t.cancel();
      timers.clear();
      for (const endpoint of [...phases.keys()]) sw.unregisterAgent(endpoint);
      phases.clear();
    },
  };
}
