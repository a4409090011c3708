import { eslApiSession } from '../../telephony/freeswitch/esl-oneshot.server';
import { readSwitchSettings, switchSecrets } from './switch-settings.server';

// `ctx.esl.api` for plugins with `capabilities.esl`: read-only status commands on the configured
// FreeSWITCH, run by the host (the plugin sandbox opens no sockets). Anything else is refused.

const ALLOWED = /^(?:status|sofia status|sofia status gateway [A-Za-z0-9_.-]{1,64})$/;

export async function pluginEslApi(command: string): Promise<string> {
  if (!ALLOWED.test(command)) {
    throw new Error(
      `esl command not allowed for plugins: ${JSON.stringify(command.slice(0, 80))} (only status, sofia status, sofia status gateway <name>)`,
    );
  }
  const settings = await readSwitchSettings();
  if (settings.kind !== 'freeswitch' || !settings.freeswitch) {
    throw new Error('the switch is the embedded simulator: choose FreeSWITCH under 配置 → 交换机 / Configuration → Switch');
  }
  const { eslPassword } = await switchSecrets();
  const [body = ''] = await eslApiSession(
    { host: settings.freeswitch.eslHost, port: settings.freeswitch.eslPort, password: eslPassword ?? '' },
    [command],
  );
  return body;
}
