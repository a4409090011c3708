/** The softswitch contract on the embedded switch, on a virtual clock (runs in every `npm test`). */
import { VirtualClock } from '../clock';
import { SimSwitch } from '../sim/sim-switch';
import { onlyFate, settle } from '../sim/testing';
import { type Callee, CONTRACT_DIGIT, CONTRACT_KEY, softswitchContract } from './softswitch-contract';

const FATE = { answers: 'answer', busy: 'busy', noAnswer: 'noAnswer', invalid: 'invalid' } as const;

softswitchContract({
  name: 'embedded sim switch',
  hasConnection: false,
  async create(callee: Callee) {
    const clock = new VirtualClock();
    const sw = new SimSwitch({
      profile: onlyFate(FATE[callee], { ring: 4, talk: 120 }),
      trunks: [{ id: 'trunk-a', capacity: 30 }],
      seed: 'contract',
      clock,
      // A customer left waiting hangs up after ~20 s; once a prompt or an agent engages them they stay.
      timings: { patienceMeanSec: 20 },
      customer: { answers: { [CONTRACT_KEY]: { digits: { [CONTRACT_DIGIT]: 1 } } } },
    });
    const agent = 'agent/contract-1';
    sw.registerAgent(agent);
    sw.onAgentEvent((e) => {
      if (e.type === 'ringing') sw.agentAnswer(e.endpoint);
    });
    let n = 0;
    const waitFor = async (done: () => boolean, maxSec: number, what: string) => {
      for (let t = 0; t < maxSec * 1000 && !done(); t += 100) {
        clock.advance(100);
        await settle();
      }
      await settle();
      if (!done()) throw new Error(`sim: ${what} did not happen within ${maxSec} s`);
    };
    return {
      sw,
      request: () => ({
        callId: `contract-${++n}`,
        to: `+8613800000${String(n).padStart(3, '0')}`,
        callerId: '057188880001',
        trunk: 'trunk-a',
        timeoutSec: 25,
        variables: { attemptId: `att-${n}` },
        amd: false,
      }),
      agentEndpoint: agent,
      offlineAgentEndpoint: 'agent/nobody',
      prompt: { recording: 'question.wav', language: 'zh-CN' },
      // The sim's customer is scripted to press CONTRACT_DIGIT for CONTRACT_KEY.
      pressDuringPrompt: async () => {},
      // Nobody talks to an answered sim customer, so they hang up (patience).
      remoteHangup: async () => {},
      waitFor,
      close: () => sw.close(),
    };
  },
});
