import type { Softswitch } from '../../telephony/port';
import type { SimSwitch } from '../../telephony/sim/sim-switch';
import { logger } from '../../utils/logger.server';
import { agentEndpoint, agentOfEndpoint } from './engine.server';
import { type DialerCommand, publishLive } from './live.server';

// The workstation's line on the embedded switch. A browser cannot be a sim endpoint, so the dialer
// holds one for each human agent: registered when a call is first bridged to them, answered at
// once (the workstation works in auto-answer, as predictive dialers do: the agent hears a tone and
// the customer), and driven by the agent's buttons, which reach this process as dialer commands.
// With FreeSWITCH the agent's Verto softphone is the endpoint and these commands become ESL calls.

export interface AgentLine {
  /** Before a bridge: make sure the agent's endpoint exists (auto-agents registered their own). */
  prepare(endpoint: string): void | Promise<void>;
  /** A call command from the workstation; ignored unless this switch has the agent's call. */
  command(command: Extract<DialerCommand, { type: 'call' }>): void;
  stop(): void;
}

export function humanAgentLine(sw: SimSwitch): AgentLine {
  const log = logger.child({ role: 'dialer', part: 'agent-line' });
  const unsubscribe = sw.onAgentEvent((e) => {
    if (e.type === 'ringing' && !sw.agentState(e.endpoint).auto) sw.agentAnswer(e.endpoint);
  });
  return {
    prepare(endpoint) {
      if (!sw.agentState(endpoint).registered) sw.registerAgent(endpoint);
    },
    command(c) {
      const endpoint = agentEndpoint(c.agentId);
      const state = sw.agentState(endpoint);
      if (state.callId !== c.attemptId) return;
      let done = false;
      if (c.action === 'hangup') done = sw.agentHangup(endpoint);
      else if (c.action === 'hold' || c.action === 'unhold') done = sw.agentHold(endpoint, c.action === 'hold');
      else if (c.action === 'mute' || c.action === 'unmute') done = sw.agentMute(endpoint, c.action === 'mute');
      else if (c.action === 'dtmf') done = sw.agentDtmf(endpoint, c.digits ?? '');
      const after = sw.agentState(endpoint);
      // The agent's own screen learns the new call state (hold, mute) from this event.
      void publishLive({
        topic: 'call',
        to: c.agentId,
        data: { attemptId: c.attemptId, action: c.action, done, held: after.held, muted: after.muted },
      }).catch((error) => log.warn({ err: error }, 'call state event'));
    },
    stop: unsubscribe,
  };
}

/**
 * The workstation's line on FreeSWITCH: the agent's browser is a Verto softphone, so hold, mute and
 * DTMF happen there (verto.modify, verto.info); the dialer only looks up the agent's endpoint before
 * a bridge and hangs up the customer's leg when the agent ends the call from the workstation.
 */
export function freeswitchAgentLine(sw: Softswitch, lookUp: (userId: string) => Promise<void>): AgentLine {
  const log = logger.child({ role: 'dialer', part: 'agent-line' });
  return {
    prepare: async (endpoint) => {
      const userId = agentOfEndpoint(endpoint);
      if (userId) await lookUp(userId);
    },
    command(c) {
      if (c.action !== 'hangup') return;
      void sw.hangup(c.attemptId).catch((error) => log.warn({ err: error, attemptId: c.attemptId }, 'hang up'));
    },
    stop: () => {},
  };
}
