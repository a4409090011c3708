import { z } from 'zod';
import { readSetting } from '../system/settings.server';

// Which switch the workstation talks to. The Setting `telephony.switch` is edited on the switch's
// settings page (issue 10, item 5); here it is only read. Missing or unreadable means the
// embedded sim switch, as before FreeSWITCH existed.

export const SWITCH_SETTING_KEY = 'telephony.switch';

const FreeswitchSchema = z.object({
  eslHost: z.string(),
  eslPort: z.number(),
  eslPasswordSealed: z.string().optional(),
  vertoUrl: z.string(),
  vertoDomain: z.string(),
  amd: z.enum(['off', 'avmd', 'amd']),
  recordingPath: z.string().optional(),
  tts: z.object({ engine: z.string(), voice: z.string() }),
});

const SwitchSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sim') }),
  z.object({ kind: z.literal('freeswitch'), freeswitch: FreeswitchSchema.partial().optional() }),
]);

export type SwitchSetting = z.infer<typeof SwitchSchema>;

export async function readSwitchSetting(): Promise<SwitchSetting> {
  const parsed = SwitchSchema.safeParse(await readSetting(SWITCH_SETTING_KEY));
  return parsed.success ? parsed.data : { kind: 'sim' };
}

/** What the agent's softphone needs: the sim line, or a Verto endpoint (null when not filled in yet). */
export type SoftphoneMode = { kind: 'sim' } | { kind: 'verto'; url: string; domain: string } | { kind: 'vertoUnconfigured' };

export async function softphoneMode(): Promise<SoftphoneMode> {
  const setting = await readSwitchSetting();
  if (setting.kind === 'sim') return { kind: 'sim' };
  const url = setting.freeswitch?.vertoUrl?.trim() ?? '';
  const domain = setting.freeswitch?.vertoDomain?.trim() ?? '';
  if (!/^wss?:\/\/./.test(url) || !domain) return { kind: 'vertoUnconfigured' };
  return { kind: 'verto', url, domain };
}
