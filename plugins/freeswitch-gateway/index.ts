import { definePlugin, type HookContext } from '../../app/plugins/sdk';
import { CODECS, type FreeswitchGatewayConfig } from './config';
import { gatewayParams, renderGatewayXml } from './gateway-xml';
import { type GatewayStatus, parseGatewayStatus } from './health';
import { validateGatewayConfig } from './validate';

const NAME = '^[A-Za-z0-9_.-]{1,64}$';

type Ctx = HookContext<FreeswitchGatewayConfig>;
/** The config argument, or the installation's config when a caller passed none (then the first argument is the ctx). */
const configOf = (config: FreeswitchGatewayConfig, ctx?: Ctx): FreeswitchGatewayConfig =>
  ctx ? config : ((config as unknown as Ctx).config ?? {});

export default definePlugin<'carrier', FreeswitchGatewayConfig>({
  id: 'freeswitch-gateway',
  name: 'FreeSWITCH SIP gateway',
  version: '1.0.0',
  kind: 'carrier',
  capabilities: { fetch: [], esl: true },
  configSchema: {
    type: 'object',
    required: ['auth', 'gateways'],
    properties: {
      auth: {
        type: 'string',
        title: 'Authentication',
        oneOf: [
          { const: 'register', title: 'Register (username/password)' },
          { const: 'ip', title: 'IP authentication (no registration)' },
        ],
        default: 'register',
      },
      username: { type: 'string', title: 'SIP username', maxLength: 128 },
      password: { type: 'string', title: 'SIP password', format: 'password', maxLength: 256 },
      fromDomain: { type: 'string', title: 'From domain (default: the realm)', maxLength: 255 },
      transport: { type: 'string', title: 'Transport', enum: ['udp', 'tcp', 'tls'], default: 'udp' },
      expireSeconds: { type: 'integer', title: 'Registration expiry (s)', minimum: 60, maximum: 86400, default: 600 },
      pingSeconds: { type: 'integer', title: 'OPTIONS ping every (s), 0 = off', minimum: 0, maximum: 3600, default: 30 },
      gateways: {
        type: 'array',
        title: 'Gateways',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'proxy', 'capacity'],
          properties: {
            name: { type: 'string', title: 'Gateway name', pattern: NAME },
            proxy: {
              type: 'string',
              title: 'Proxy (host[:port])',
              pattern: '^(?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\])(?::\\d{1,5})?$',
            },
            realm: { type: 'string', title: 'Realm (default: proxy host)', maxLength: 255 },
            capacity: { type: 'integer', title: 'Channels', minimum: 1, maximum: 10000, default: 30 },
          },
        },
      },
      codecs: {
        type: 'array',
        title: 'Codec preference (first = preferred)',
        items: { type: 'string', enum: [...CODECS] },
        uniqueItems: true,
        default: ['PCMA', 'PCMU'],
      },
      dialPrefix: { type: 'string', title: 'Dial prefix', pattern: '^[0-9*#]{0,16}$' },
      rewrite: {
        type: 'array',
        title: 'Number rewrite rules (applied in order)',
        items: {
          type: 'object',
          // An empty replacement (strip what matched) arrives as a missing field from the form.
          required: ['match'],
          properties: {
            match: { type: 'string', title: 'Pattern (regular expression)', minLength: 1, maxLength: 200 },
            replace: { type: 'string', title: 'Replacement ($1 = first group; empty = remove)', maxLength: 64 },
          },
        },
        default: [{ match: '^\\+86', replace: '' }],
      },
      callerIds: {
        type: 'array',
        title: 'Caller-ID pool',
        items: {
          type: 'object',
          required: ['number'],
          properties: {
            number: { type: 'string', title: 'Number', pattern: '^\\+?[0-9]{5,20}$' },
            areaCode: { type: 'string', title: 'Area code', pattern: '^0[0-9]{2,3}$' },
            dailyCap: { type: 'integer', title: 'Daily cap', minimum: 0 },
            gateway: { type: 'string', title: 'Only on gateway' },
          },
        },
      },
    },
  },
  uiSchema: {
    'ui:order': [
      'auth',
      'username',
      'password',
      'fromDomain',
      'transport',
      'expireSeconds',
      'pingSeconds',
      'gateways',
      'codecs',
      'dialPrefix',
      'rewrite',
      'callerIds',
    ],
    gateways: { items: { proxy: { 'ui:placeholder': 'sip.carrier.example:5060' } } },
    rewrite: { items: { match: { 'ui:placeholder': '^\\+86' } } },
  },
  hooks: {
    async trunks(arg, ctx) {
      const config = configOf(arg, ctx);
      return (config.gateways ?? []).map((g) => ({
        id: g.name,
        name: g.name,
        capacity: g.capacity,
        gateway: g.name,
        dialPrefix: config.dialPrefix || undefined,
        rewrite: (config.rewrite ?? []).map((r) => ({ match: r.match, replace: r.replace ?? '' })),
        regions: ['CN'],
      }));
    },
    async callerIds(arg, ctx) {
      const config = configOf(arg, ctx);
      return (config.callerIds ?? []).map((c) => ({
        number: c.number,
        ...(c.areaCode ? { areaCode: c.areaCode } : {}),
        ...(c.dailyCap !== undefined ? { dailyCap: c.dailyCap } : {}),
        ...(c.gateway ? { trunkId: c.gateway } : {}),
      }));
    },
    async gatewayConfig(arg, ctx) {
      const config = configOf(arg, ctx);
      return gatewayParams(config);
    },
    async gatewayXml(arg, ctx) {
      const config = configOf(arg, ctx);
      return renderGatewayXml(config);
    },
    async validateConfig(arg, ctx) {
      const config = configOf(arg, ctx);
      return validateGatewayConfig(config);
    },
    async healthCheck(ctx) {
      const gateways = ctx.config.gateways ?? [];
      if (!gateways.length) return { ok: false, message: 'no gateway configured' };
      if (!ctx.esl) return { ok: false, message: 'the host gave no Event Socket access' };
      const statuses: GatewayStatus[] = [];
      for (const g of gateways) {
        statuses.push(parseGatewayStatus(g.name, await ctx.esl.api(`sofia status gateway ${g.name}`)));
      }
      for (const s of statuses) ctx.log.info(`gateway ${s.name}: state ${s.state}, status ${s.status}`);
      const message = statuses.map((s) => `${s.name} ${s.state}/${s.status}`).join(', ');
      return { ok: statuses.every((s) => s.ok), message };
    },
  },
});
