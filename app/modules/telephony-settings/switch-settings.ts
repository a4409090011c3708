import { z } from 'zod';

// 配置 → 交换机: which switch the dialer drives, and how Waihu reaches FreeSWITCH. The stored shape
// (`telephony.switch`) is read by the dialer, the Verto softphone and the directory route.

export const SWITCH_SETTING = 'telephony.switch';
export const AMD_MODES = ['off', 'avmd', 'amd'] as const;
export type AmdMode = (typeof AMD_MODES)[number];

export interface FreeswitchSettings {
  eslHost: string;
  eslPort: number;
  eslPasswordSealed?: string;
  vertoUrl: string;
  vertoDomain: string;
  amd: AmdMode;
  recordingPath?: string;
  tts: { engine: string; voice: string };
}

export interface SwitchSettings {
  kind: 'sim' | 'freeswitch';
  freeswitch?: FreeswitchSettings;
}

export const DEFAULT_SWITCH: SwitchSettings = { kind: 'sim' };

/** What the browser sends. Secrets left empty keep the stored ones. */
export interface SwitchForm {
  kind: 'sim' | 'freeswitch';
  eslHost: string;
  eslPort: number;
  eslPassword?: string;
  vertoUrl: string;
  vertoDomain: string;
  amd: AmdMode;
  recordingPath?: string;
  ttsEngine: string;
  ttsVoice: string;
}

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:]+\]?)$/;
/** Engine and voice go into `speak <engine>|<voice>|<text>`: no separators. */
const TTS_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

// Messages are translation keys under telephony.errors.
const Connection = z.object({
  eslHost: z.string().trim().min(1, 'telephony.errors.required').regex(HOST, 'telephony.errors.host'),
  // A number or digits typed as text; not z.coerce, which reads `true` as port 1.
  eslPort: z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ message: 'telephony.errors.port' })
      .int('telephony.errors.port')
      .min(1, 'telephony.errors.port')
      .max(65535, 'telephony.errors.port'),
  ),
  // One line: the password is sent as `auth <password>` and a line break would start a new command.
  eslPassword: z
    .string()
    .max(256, 'telephony.errors.tooLong')
    .regex(/^[^\r\n]*$/, 'telephony.errors.oneLine')
    .optional(),
});

const Freeswitch = Connection.extend({
  vertoUrl: z
    .string()
    .trim()
    .min(1, 'telephony.errors.required')
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'telephony.errors.vertoUrl' });
        return;
      }
      if (url.protocol === 'wss:') return;
      if (url.protocol === 'ws:' && LOOPBACK.has(url.hostname)) return;
      ctx.addIssue({
        code: 'custom',
        message: url.protocol === 'ws:' ? 'telephony.errors.wssRequired' : 'telephony.errors.vertoUrl',
      });
    }),
  vertoDomain: z.string().trim().min(1, 'telephony.errors.required').regex(HOST, 'telephony.errors.host'),
  amd: z.enum(AMD_MODES, { message: 'telephony.errors.amd' }),
  recordingPath: z
    .string()
    .trim()
    .max(500, 'telephony.errors.tooLong')
    .refine(
      (p) => p === '' || ((p.startsWith('/') || p.startsWith('$${')) && !p.split('/').includes('..')),
      'telephony.errors.path',
    )
    .optional(),
  ttsEngine: z.string().trim().regex(TTS_NAME, 'telephony.errors.ttsName'),
  ttsVoice: z.string().trim().regex(TTS_NAME, 'telephony.errors.ttsName'),
});

export type ValidForm = z.infer<typeof Freeswitch> & { kind: 'sim' | 'freeswitch' };

function errorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[issue.path.join('.') || '_form'] ??= issue.message;
  return out;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/**
 * The form checked field by field. Choosing the simulator needs nothing and leaves the stored
 * FreeSWITCH block as it was, for switching back later.
 */
export function checkSwitchForm(input: unknown): Checked<ValidForm | { kind: 'sim' }> {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (kind !== 'sim' && kind !== 'freeswitch') return { ok: false, errors: { kind: 'telephony.errors.kind' } };
  if (kind === 'sim') return { ok: true, value: { kind } };
  const parsed = Freeswitch.safeParse(input);
  if (!parsed.success) return { ok: false, errors: errorsOf(parsed.error) };
  return { ok: true, value: { ...parsed.data, kind } };
}

/** Only what "test connection" needs. */
export function checkConnection(input: unknown): Checked<z.infer<typeof Connection>> {
  const parsed = Connection.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: errorsOf(parsed.error) };
}

/** The stored settings as the form shows them (no secrets, only whether they are stored). */
export function formOf(settings: SwitchSettings): SwitchForm & { eslPasswordStored: boolean } {
  const fs = settings.freeswitch;
  return {
    kind: settings.kind,
    eslHost: fs?.eslHost ?? '127.0.0.1',
    eslPort: fs?.eslPort ?? 8021,
    vertoUrl: fs?.vertoUrl ?? '',
    vertoDomain: fs?.vertoDomain ?? '',
    amd: fs?.amd ?? 'off',
    recordingPath: fs?.recordingPath ?? '',
    ttsEngine: fs?.tts.engine ?? 'flite',
    ttsVoice: fs?.tts.voice ?? 'slt',
    eslPasswordStored: !!fs?.eslPasswordSealed,
  };
}
