import type { ConfigFile, GatewayConfig } from '../../app/plugins/sdk';
import { type FreeswitchGatewayConfig, proxyHost } from './config';

// The sofia gateway definitions FreeSWITCH loads from sip_profiles/external/*.xml. Secrets are in
// the rendered file on purpose: it is what the operator installs. The host shows it masked and
// audits every download; nothing here logs it.

/** sofia refuses a gateway without username and password even when it does not register. */
const IP_AUTH_PLACEHOLDER = 'not-used';

export function xmlEscape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

/** Gateway parameters per gateway, in the order they are written. */
export function gatewayParams(config: FreeswitchGatewayConfig): GatewayConfig[] {
  const register = (config.auth ?? 'register') === 'register';
  return (config.gateways ?? []).map((g) => {
    const host = proxyHost(g.proxy);
    const params: Record<string, string> = {
      username: register ? (config.username ?? '') : config.username || IP_AUTH_PLACEHOLDER,
      password: register ? (config.password ?? '') : IP_AUTH_PLACEHOLDER,
      realm: g.realm || host,
      proxy: g.proxy,
      'from-domain': config.fromDomain || g.realm || host,
      register: String(register),
    };
    if (register) {
      params['expire-seconds'] = String(config.expireSeconds ?? 600);
      params['retry-seconds'] = '30';
    }
    if (config.transport && config.transport !== 'udp') {
      params['register-transport'] = config.transport;
      params['contact-params'] = `transport=${config.transport}`;
    }
    // Our origination_caller_id_number goes into From: the carrier shows the pool number we chose.
    params['caller-id-in-from'] = 'true';
    if (config.pingSeconds) params.ping = String(config.pingSeconds);
    return { name: g.name, params };
  });
}

function codecVariables(config: FreeswitchGatewayConfig): string[] {
  if (!config.codecs?.length) return [];
  return [
    '    <variables>',
    `      <variable name="absolute_codec_string" value="${xmlEscape(config.codecs.join(','))}" direction="outbound"/>`,
    '    </variables>',
  ];
}

/** One file per gateway: `<include><gateway name=…><param …/>…</gateway></include>`. */
export function renderGatewayXml(config: FreeswitchGatewayConfig): ConfigFile[] {
  return gatewayParams(config).map((g) => {
    const entry = config.gateways?.find((e) => e.name === g.name);
    const lines = [
      '<include>',
      `  <!-- Waihu carrier gateway, ${entry?.capacity ?? '?'} channels. Load with: sofia profile external rescan -->`,
      `  <gateway name="${xmlEscape(g.name)}">`,
      ...Object.entries(g.params).map(([name, value]) => `    <param name="${xmlEscape(name)}" value="${xmlEscape(value)}"/>`),
      ...codecVariables(config),
      '  </gateway>',
      '</include>',
      '',
    ];
    return { fileName: `waihu-${g.name}.xml`, content: lines.join('\n') };
  });
}
