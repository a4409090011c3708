import { type CallerId, definePlugin, type OutcomeProfile, type Trunk } from '../../app/plugins/sdk';

export interface SimCarrierConfig {
  trunks?: { id: string; name: string; capacity: number; dialPrefix?: string; regions?: string[] }[];
  callerIds?: { number: string; areaCode?: string; dailyCap?: number; trunkId?: string }[];
  outcomeProfile?: Partial<OutcomeProfile>;
}

export const DEFAULT_PROFILE: OutcomeProfile = {
  answer: 0.45,
  busy: 0.1,
  noAnswer: 0.3,
  machine: 0.1,
  invalid: 0.05,
  ringMeanSec: 12,
  talkMeanSec: 90,
};

const DEFAULT_TRUNKS: Trunk[] = [
  { id: 'sim-e1-a', name: 'SIM E1 A', capacity: 30, regions: ['CN'] },
  { id: 'sim-e1-b', name: 'SIM E1 B', capacity: 30, regions: ['CN'] },
];

const DEFAULT_CALLER_IDS: CallerId[] = [
  { number: '057188880001', areaCode: '0571', dailyCap: 300 },
  { number: '057188880002', areaCode: '0571', dailyCap: 300 },
  { number: '02166660001', areaCode: '021', dailyCap: 300 },
  { number: '01088880001', areaCode: '010', dailyCap: 300 },
];

/** The profile from config with defaults, rates normalised to sum to 1. */
export function outcomeProfile(config: SimCarrierConfig): OutcomeProfile {
  const p = { ...DEFAULT_PROFILE, ...config.outcomeProfile };
  const rates = ['answer', 'busy', 'noAnswer', 'machine', 'invalid'] as const;
  const sum = rates.reduce((s, k) => s + Math.max(0, p[k]), 0) || 1;
  const out = { ...p };
  for (const k of rates) out[k] = Math.max(0, p[k]) / sum;
  return out;
}

const rate = (title: string, value: number) => ({ type: 'number', title, minimum: 0, maximum: 1, default: value });

export default definePlugin<'carrier', SimCarrierConfig>({
  id: 'sim-carrier',
  name: 'Simulated carrier',
  version: '1.0.0',
  kind: 'carrier',
  capabilities: { fetch: [] },
  configSchema: {
    type: 'object',
    properties: {
      trunks: {
        type: 'array',
        title: 'Trunks',
        default: DEFAULT_TRUNKS,
        items: {
          type: 'object',
          required: ['id', 'name', 'capacity'],
          properties: {
            id: { type: 'string', title: 'ID' },
            name: { type: 'string', title: 'Name' },
            capacity: { type: 'integer', title: 'Channels', minimum: 1, maximum: 10000 },
            dialPrefix: { type: 'string', title: 'Dial prefix' },
          },
        },
      },
      callerIds: {
        type: 'array',
        title: 'Caller IDs',
        default: DEFAULT_CALLER_IDS,
        items: {
          type: 'object',
          required: ['number'],
          properties: {
            number: { type: 'string', title: 'Number', pattern: '^[0-9+]{5,20}$' },
            areaCode: { type: 'string', title: 'Area code' },
            dailyCap: { type: 'integer', title: 'Daily cap', minimum: 0 },
          },
        },
      },
      outcomeProfile: {
        type: 'object',
        title: 'Call outcome profile',
        properties: {
          answer: rate('Answer rate', DEFAULT_PROFILE.answer),
          busy: rate('Busy rate', DEFAULT_PROFILE.busy),
          noAnswer: rate('No-answer rate', DEFAULT_PROFILE.noAnswer),
          machine: rate('Answering-machine rate', DEFAULT_PROFILE.machine),
          invalid: rate('Invalid-number rate', DEFAULT_PROFILE.invalid),
          ringMeanSec: { type: 'number', title: 'Mean ring time (s)', minimum: 0, default: DEFAULT_PROFILE.ringMeanSec },
          talkMeanSec: { type: 'number', title: 'Mean talk time (s)', minimum: 0, default: DEFAULT_PROFILE.talkMeanSec },
        },
      },
    },
  },
  hooks: {
    async trunks(config) {
      const trunks = config.trunks?.length ? config.trunks : DEFAULT_TRUNKS;
      return trunks.map((t) => ({ ...t, regions: t.regions ?? ['CN'] }));
    },
    async callerIds(config) {
      return config.callerIds?.length ? config.callerIds : DEFAULT_CALLER_IDS;
    },
    async gatewayConfig(config) {
      // The embedded simulator needs no registration; one loopback gateway per trunk.
      const trunks = config.trunks?.length ? config.trunks : DEFAULT_TRUNKS;
      return trunks.map((t) => ({
        name: t.id,
        params: { proxy: '127.0.0.1', register: 'false', 'max-calls': String(t.capacity) },
      }));
    },
    async healthCheck(ctx) {
      const profile = outcomeProfile(ctx.config);
      ctx.log.info(
        `outcome profile: answer ${profile.answer.toFixed(2)}, ring ${profile.ringMeanSec}s, talk ${profile.talkMeanSec}s`,
      );
      return { ok: true, message: 'simulated' };
    },
    async outcomeProfile(config) {
      return outcomeProfile(config);
    },
  },
});
