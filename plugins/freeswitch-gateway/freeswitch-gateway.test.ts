import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../app/plugins/config-validation';
import { loadPlugin } from '../../app/plugins/sdk/testing.server';
import type { FreeswitchGatewayConfig } from './config';
import { renderGatewayXml, xmlEscape } from './gateway-xml';
import { parseGatewayStatus } from './health';

const registered: FreeswitchGatewayConfig = {
  auth: 'register',
  username: 'acme&co',
  password: 'p<a>ss"w\'&rd',
  gateways: [
    { name: 'ct-hz-1', proxy: 'sip.carrier.example:5060', capacity: 30 },
    { name: 'ct-hz-2', proxy: '203.0.113.7', realm: 'ims.carrier.example', capacity: 60 },
  ],
  codecs: ['PCMA', 'G729'],
  rewrite: [{ match: '^\\+86', replace: '' }],
  dialPrefix: '9',
  callerIds: [
    { number: '057188880001', areaCode: '0571', dailyCap: 300 },
    { number: '02166660001', areaCode: '021', gateway: 'ct-hz-2' },
  ],
};

const ipAuth: FreeswitchGatewayConfig = {
  auth: 'ip',
  gateways: [{ name: 'cu-sh', proxy: '198.51.100.20:5080', capacity: 120 }],
  pingSeconds: 20,
};

function params(xml: string): Record<string, string> {
  return Object.fromEntries([...xml.matchAll(/<param name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]));
}

describe('freeswitch-gateway: gateway XML', () => {
  it('writes one escaped include file per gateway with the credentials of a registering account', () => {
    const files = renderGatewayXml(registered);
    expect(files.map((f) => f.fileName)).toEqual(['waihu-ct-hz-1.xml', 'waihu-ct-hz-2.xml']);
    const [first, second] = files.map((f) => f.content);
    expect(first).toMatch(/^<include>\n[\s\S]*<gateway name="ct-hz-1">[\s\S]*<\/gateway>\n<\/include>\n$/);
    // Quotes, ampersands and angle brackets never break out of an attribute.
    expect(first).toContain('<param name="password" value="p&lt;a&gt;ss&quot;w&apos;&amp;rd"/>');
    expect(first).toContain('<param name="username" value="acme&amp;co"/>');
    expect(params(first ?? '')).toMatchObject({
      register: 'true',
      realm: 'sip.carrier.example',
      proxy: 'sip.carrier.example:5060',
      'expire-seconds': '600',
    });
    expect(params(second ?? '')).toMatchObject({ realm: 'ims.carrier.example', 'from-domain': 'ims.carrier.example' });
    expect(xmlEscape(`<a b="c" d='e'>&`)).toBe('&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;');
  });

  it('IP authentication does not register and carries no secret, but still gives sofia the parameters it requires', () => {
    const [file] = renderGatewayXml(ipAuth);
    const p = params(file?.content ?? '');
    expect(p).toMatchObject({
      register: 'false',
      username: 'not-used',
      password: 'not-used',
      ping: '20',
      proxy: '198.51.100.20:5080',
      realm: '198.51.100.20',
    });
    expect(p['expire-seconds']).toBeUndefined();
  });

  it('writes the codec preference as an outbound absolute_codec_string, in the chosen order', () => {
    const [file] = renderGatewayXml(registered);
    expect(file?.content).toContain('<variable name="absolute_codec_string" value="PCMA,G729" direction="outbound"/>');
    expect(renderGatewayXml(ipAuth)[0]?.content).not.toContain('absolute_codec_string');
  });
});

describe('freeswitch-gateway: gateway status', () => {
  it('reads state and status from sofia status gateway and judges whether the gateway can carry calls', () => {
    const ruler = '='.repeat(97);
    const body = (state: string, status: string) =>
      `${ruler}\nName    \tct-hz-1\nProfile \texternal\nPassword\tyes\nState   \t${state}\nStatus  \t${status}\nUptime  \t12s\n${ruler}\n`;
    expect(parseGatewayStatus('ct-hz-1', body('REGED', 'UP'))).toEqual({
      name: 'ct-hz-1',
      state: 'REGED',
      status: 'UP',
      ok: true,
    });
    expect(parseGatewayStatus('cu-sh', body('NOREG', 'UP (ping)')).ok).toBe(true);
    expect(parseGatewayStatus('ct-hz-1', body('FAIL_WAIT', 'DOWN')).ok).toBe(false);
    expect(parseGatewayStatus('nope', 'Invalid Gateway!\n')).toEqual({
      name: 'nope',
      state: 'MISSING',
      status: 'DOWN',
      ok: false,
    });
  });
});

describe('freeswitch-gateway in the sandbox', () => {
  it('provides trunks named after the gateways with the rewrite rules, and the caller-ID pool', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    const trunks = await plugin.invoke<{ id: string; capacity: number; gateway: string; dialPrefix?: string }[]>('trunks', [
      registered,
    ]);
    expect(trunks.map((t) => [t.id, t.gateway, t.capacity, t.dialPrefix])).toEqual([
      ['ct-hz-1', 'ct-hz-1', 30, '9'],
      ['ct-hz-2', 'ct-hz-2', 60, '9'],
    ]);
    expect(await plugin.invoke('callerIds', [registered])).toEqual([
      { number: '057188880001', areaCode: '0571', dailyCap: 300 },
      { number: '02166660001', areaCode: '021', trunkId: 'ct-hz-2' },
    ]);
    const files = await plugin.invoke<{ fileName: string; content: string }[]>('gatewayXml', [registered]);
    expect(files).toHaveLength(2);
  });

  it('reports configuration mistakes by field path', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    const bad: FreeswitchGatewayConfig = {
      auth: 'register',
      username: 'u',
      gateways: [
        { name: 'gw', proxy: 'a.example', capacity: 30 },
        { name: 'gw', proxy: 'b.example', capacity: 30 },
      ],
      rewrite: [
        { match: '^(86', replace: '' },
        { match: '^0(\\d+)$', replace: '$2' },
      ],
      callerIds: [{ number: '0571888', gateway: 'other' }, { number: '0571888' }],
    };
    expect(await plugin.invoke('validateConfig', [bad])).toEqual({
      password: 'required when the gateway registers',
      'gateways.1.name': 'the same name as gateway 1',
      'rewrite.0.match': expect.stringContaining('not a valid regular expression'),
      'rewrite.1.replace': 'the replacement uses $2 but the pattern has 1 group(s)',
      'callerIds.0.gateway': 'no gateway named other',
      'callerIds.1.number': 'already in the pool (row 1)',
    });
    expect(await plugin.invoke('validateConfig', [registered])).toEqual({});
    expect(await plugin.invoke('validateConfig', [ipAuth])).toEqual({});
  });

  it('its JSON Schema rejects malformed fields with their paths', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    const errors = validateConfig(plugin.description.configSchema, {
      auth: 'ip',
      gateways: [{ name: 'bad name', proxy: 'sip.example:5060', capacity: 0 }],
      callerIds: [{ number: 'abc', areaCode: '571' }],
      codecs: ['PCMA', 'AMR'],
    });
    expect(Object.keys(errors ?? {}).sort()).toEqual([
      'callerIds.0.areaCode',
      'callerIds.0.number',
      'codecs.1',
      'gateways.0.capacity',
      'gateways.0.name',
    ]);
  });

  it('checks every gateway over the host Event Socket bridge without logging the password', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    const asked: string[] = [];
    const esl = async (command: string) => {
      asked.push(command);
      return command.endsWith('ct-hz-1') ? 'Name    \tct-hz-1\nState   \tREGED\nStatus  \tUP\n' : 'Invalid Gateway!\n';
    };
    const out = await plugin.call('healthCheck', [], { config: registered as Record<string, unknown>, esl });
    expect(asked).toEqual(['sofia status gateway ct-hz-1', 'sofia status gateway ct-hz-2']);
    expect(out.value).toEqual({ ok: false, message: 'ct-hz-1 REGED/UP, ct-hz-2 MISSING/DOWN' });
    expect(JSON.stringify(out.logs)).not.toContain('p<a>ss');
    expect(plugin.manifest.capabilities).toEqual({ fetch: [], esl: true });
  });

  it('fails its health check clearly when the host cannot reach the switch', async () => {
    const plugin = await loadPlugin(import.meta.dirname);
    const esl = async () => {
      throw new Error('the switch is the embedded simulator');
    };
    const out = await plugin.call('healthCheck', [], { config: ipAuth as Record<string, unknown>, esl });
    expect(out.ok).toBe(false);
    expect(out.error).toContain('the switch is the embedded simulator');
  });
});
