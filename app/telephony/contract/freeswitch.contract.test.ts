/**
 * The softswitch contract on a real FreeSWITCH, when FREESWITCH_ESL_URL is set (else skipped, with
 * the reason printed): `FREESWITCH_ESL_URL=esl://:ClueCon@127.0.0.1:8021 npm run test:freeswitch`.
 * Destinations default to the recorded test server's dialplan (tests/fixtures/freeswitch/README.md);
 * override them with the FREESWITCH_DEST_* variables (docs/telephony.md).
 */
import { randomUUID } from 'node:crypto';
import { parseEslUrl } from '../freeswitch/config';
import { FreeswitchSoftswitch } from '../freeswitch/freeswitch-switch';
import { type Callee, softswitchContract } from './softswitch-contract';

const env = process.env;
const url = env.FREESWITCH_ESL_URL;
let skip: string | undefined;
let esl: ReturnType<typeof parseEslUrl> | undefined;
if (!url) skip = 'FREESWITCH_ESL_URL is not set (e.g. esl://:ClueCon@127.0.0.1:8021)';
else {
  try {
    esl = parseEslUrl(url);
  } catch (error) {
    skip = (error as Error).message;
  }
}

const DESTINATIONS: Record<Callee, string> = {
  answers: env.FREESWITCH_DEST_ANSWER ?? 'loopback/9100',
  busy: env.FREESWITCH_DEST_BUSY ?? 'loopback/9486',
  noAnswer: env.FREESWITCH_DEST_NOANSWER ?? 'loopback/9408',
  invalid: env.FREESWITCH_DEST_INVALID ?? 'loopback/9999/no_such_context',
};
const domain = env.FREESWITCH_VERTO_DOMAIN ?? esl?.eslHost ?? '127.0.0.1';

softswitchContract({
  name: `FreeSWITCH at ${esl ? `${esl.eslHost}:${esl.eslPort}` : '(not configured)'}`,
  skip,
  hasConnection: true,
  async create() {
    const sw = new FreeswitchSoftswitch(
      { ...esl!, amd: 'off', tts: { engine: env.FREESWITCH_TTS_ENGINE ?? 'flite', voice: env.FREESWITCH_TTS_VOICE ?? 'kal' } },
      // The trunk names the kind of callee; its dial string is the destination.
      { dialString: (trunk) => DESTINATIONS[trunk as Callee] ?? trunk, reconnect: { initialMs: 100, maxMs: 2000 } },
    );
    await sw.start();
    const waitFor = async (done: () => boolean, maxSec: number, what: string) => {
      const deadline = Date.now() + maxSec * 1000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`FreeSWITCH: ${what} did not happen within ${maxSec} s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return {
      sw,
      request: (callee: Callee) => ({
        callId: randomUUID(),
        to: '+862150000000',
        callerId: '02150000000',
        trunk: callee,
        timeoutSec: callee === 'noAnswer' ? 5 : 20,
        variables: { attemptId: `contract-${callee}` },
        amd: false,
      }),
      agentEndpoint: env.FREESWITCH_AGENT_ENDPOINT ?? 'loopback/9100',
      offlineAgentEndpoint: env.FREESWITCH_AGENT_OFFLINE ?? `user/1019@${domain}`,
      prompt: { recording: 'tone_stream://%(2000,0,440)', language: 'en' },
      // The customer's key press, injected on our leg as if received from the far end.
      pressDuringPrompt: async (callId, digits) => {
        await new Promise((r) => setTimeout(r, 500));
        await sw.client.api(`uuid_recv_dtmf ${callId} ${digits}`);
      },
      // The far end of a loopback call is its -b leg, which carries other_loopback_leg_uuid = our leg.
      remoteHangup: async (callId) => {
        await sw.client.api(`hupall NORMAL_CLEARING other_loopback_leg_uuid ${callId}`);
      },
      waitFor,
      dropConnection: async () => {
        const back = new Promise<void>((resolve) => sw.client.once('ready', () => resolve()));
        sw.client.dropConnection();
        await back;
        await sw.settled();
      },
      close: () => sw.close(),
    };
  },
});
