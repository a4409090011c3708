import { randomUUID } from 'node:crypto';
import { env } from '../../env.server';
import { callHook, enabledInstallations } from '../../plugins/installations.server';
import { dialString, type OutcomeProfile, type RewriteRule } from '../../plugins/sdk';
import type { Clock } from '../../telephony/clock';
import { createFreeswitchSwitch } from '../../telephony/freeswitch/freeswitch-switch';
import type { Softswitch } from '../../telephony/port';
import { createSimSwitch, type SimSwitch } from '../../telephony/sim/sim-switch';
import { logger } from '../../utils/logger.server';
import { readSwitchSettings, switchSecrets } from '../telephony-settings/switch-settings.server';
import type { AgentLine } from './agent-line.server';
import { freeswitchAgentLine, humanAgentLine } from './agent-line.server';
import { agentOfEndpoint } from './engine.server';

// The switch a dialer drives, chosen by the switch settings (配置 → 交换机) when the dialer starts:
// the embedded simulator (default) or FreeSWITCH over the Event Socket. A changed setting takes
// effect at the dialer's next start, so a running call never changes switch under its feet.

export type DialerSwitch = Softswitch & { readonly clock: Clock };

export interface SwitchChoice {
  kind: 'sim' | 'freeswitch';
  sw: DialerSwitch;
  /** The simulator, for what only it has (auto-agents, the agents' line held by the dialer). */
  sim: SimSwitch | null;
  line: AgentLine;
  /** Called every dialer round: refreshes what the switch looks up without waiting (agents' endpoints). */
  refresh(): Promise<void>;
}

// Used when no sim-carrier installation exists. They mirror the plugin's defaults on purpose: app code
// never imports plugin code (plugins run in the sandbox), so the dialer keeps its own copy.
const SIM_PROFILE: OutcomeProfile = {
  answer: 0.45,
  busy: 0.1,
  noAnswer: 0.3,
  machine: 0.1,
  invalid: 0.05,
  ringMeanSec: 12,
  talkMeanSec: 90,
};
export const SIM_TRUNKS = [
  { id: 'sim-e1-a', capacity: 30 },
  { id: 'sim-e1-b', capacity: 30 },
];
export const SIM_CALLER_IDS = ['057188880001', '057188880002', '02166660001', '01088880001'];

/** The sim switch with the trunks and outcome profile of the installed sim carrier, if any. */
async function simSwitch(): Promise<SimSwitch> {
  const installations = await enabledInstallations(['sim-carrier']);
  let profile = SIM_PROFILE;
  let trunks = SIM_TRUNKS;
  const first = installations[0];
  if (first) {
    const [p, t] = await Promise.all([
      callHook(first.id, 'outcomeProfile', [], { withConfig: true }),
      callHook(first.id, 'trunks', [], { withConfig: true }),
    ]);
    if (p.ok && p.value) profile = p.value as OutcomeProfile;
    if (t.ok && Array.isArray(t.value)) trunks = [...SIM_TRUNKS, ...(t.value as { id: string; capacity: number }[])];
  }
  return createSimSwitch({ profile, trunks, timeScale: env().WAIHU_SIM_TIME_SCALE, seed: randomUUID() });
}

interface GatewayTrunk {
  id: string;
  capacity: number;
  gateway?: string;
  dialPrefix?: string;
  rewrite?: RewriteRule[];
}

/** The trunks of every enabled FreeSWITCH gateway installation: capacity and how numbers are dialled. */
async function gatewayTrunks(): Promise<GatewayTrunk[]> {
  const out: GatewayTrunk[] = [];
  for (const installation of await enabledInstallations(['freeswitch-gateway'])) {
    const trunks = await callHook(installation.id, 'trunks', [], { withConfig: true });
    if (trunks.ok && Array.isArray(trunks.value)) out.push(...(trunks.value as GatewayTrunk[]));
  }
  return out;
}

/**
 * FreeSWITCH from the switch settings. Agents are reached at their Verto endpoint (the dial string
 * the workstation's credentials give them); an agent without one gets `error/user_not_registered`,
 * which FreeSWITCH turns into the cause the dialer already handles (the customer is not lost).
 */
async function freeswitchChoice(
  settings: NonNullable<Awaited<ReturnType<typeof readSwitchSettings>>['freeswitch']>,
  agentDialString: (userId: string) => Promise<string | null>,
): Promise<SwitchChoice> {
  const { eslPassword } = await switchSecrets();
  if (!eslPassword) throw new Error('the switch is set to FreeSWITCH but no Event Socket password is stored (配置 → 交换机)');
  const trunks = await gatewayTrunks();
  const byId = new Map(trunks.map((t) => [t.id, t]));
  const endpoints = new Map<string, string>();
  const sw = createFreeswitchSwitch(
    {
      eslHost: settings.eslHost,
      eslPort: settings.eslPort,
      eslPassword,
      amd: settings.amd,
      recordingPath: settings.recordingPath || undefined,
      tts: settings.tts,
      agentDialString: (endpoint) => endpoints.get(agentOfEndpoint(endpoint) ?? '') ?? 'error/user_not_registered',
    },
    {
      dialString: (trunk, to) => dialString(byId.get(trunk) ?? { id: trunk }, to),
      trunks: trunks.map((t) => ({ id: t.id, capacity: t.capacity })),
    },
  );
  const refresh = async () => {
    for (const userId of endpoints.keys()) if (!(await agentDialString(userId))) endpoints.delete(userId);
  };
  return {
    kind: 'freeswitch',
    sw,
    sim: null,
    line: freeswitchAgentLine(sw, async (userId) => {
      const dial = await agentDialString(userId);
      if (dial) endpoints.set(userId, dial);
      else endpoints.delete(userId);
    }),
    refresh,
  };
}

export async function configuredSwitch(agentDialString: (userId: string) => Promise<string | null>): Promise<SwitchChoice> {
  const settings = await readSwitchSettings();
  if (settings.kind === 'freeswitch' && settings.freeswitch) {
    logger.info({ role: 'dialer', host: settings.freeswitch.eslHost }, 'dialing through FreeSWITCH');
    return freeswitchChoice(settings.freeswitch, agentDialString);
  }
  return simChoice(await simSwitch());
}

/** The embedded simulator: the dialer holds each human agent's line (docs/workstation.md). */
export function simChoice(sim: SimSwitch): SwitchChoice {
  return { kind: 'sim', sw: sim, sim, line: humanAgentLine(sim), refresh: async () => {} };
}
