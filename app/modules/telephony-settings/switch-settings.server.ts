import { prisma } from '../../db/prisma.server';
import { type FreeswitchTestResult, testFreeswitchConnection } from '../../telephony/freeswitch/test-connection.server';
import { decryptString, encryptString } from '../../utils/data-key.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { readSetting, writeSetting } from '../system/settings.server';
import {
  checkConnection,
  checkSwitchForm,
  DEFAULT_SWITCH,
  type FreeswitchSettings,
  formOf,
  SWITCH_SETTING,
  type SwitchSettings,
} from './switch-settings';

// Reading, saving and testing the switch settings. Secrets (the ESL password and the xml_curl
// directory key) are sealed with the data key, never sent to the browser, never audited.

/** The stored settings (the simulator when nothing is stored). Sealed fields stay sealed. */
export async function readSwitchSettings(): Promise<SwitchSettings> {
  return (await readSetting<SwitchSettings>(SWITCH_SETTING)) ?? DEFAULT_SWITCH;
}

/** The unsealed secrets, for server code only (the dialer's ESL client, the directory route). */
export async function switchSecrets(): Promise<{ eslPassword?: string }> {
  const fs = (await readSwitchSettings()).freeswitch;
  return {
    ...(fs?.eslPasswordSealed ? { eslPassword: decryptString(fs.eslPasswordSealed) } : {}),
  };
}

/** What the settings page shows. */
export async function switchView() {
  return formOf(await readSwitchSettings());
}

export type SaveResult = { ok: true } | { ok: false; errors: Record<string, string> };

export async function saveSwitchSettings(actor: AuditActor, input: unknown): Promise<SaveResult> {
  const checked = checkSwitchForm(input);
  if (!checked.ok) return checked;
  const stored = await readSwitchSettings();
  const form = checked.value;
  if (!('eslHost' in form)) {
    await writeSetting(SWITCH_SETTING, { ...stored, kind: 'sim' } as never);
    await audit(actor, 'telephony.switch.save', SWITCH_SETTING, { kind: 'sim' });
    return { ok: true };
  }
  const old = stored.freeswitch;
  const eslPasswordSealed = form.eslPassword ? encryptString(form.eslPassword) : old?.eslPasswordSealed;
  if (!eslPasswordSealed) return { ok: false, errors: { eslPassword: 'telephony.errors.required' } };
  const freeswitch: FreeswitchSettings = {
    eslHost: form.eslHost,
    eslPort: form.eslPort,
    eslPasswordSealed,
    vertoUrl: form.vertoUrl,
    vertoDomain: form.vertoDomain,
    amd: form.amd,
    ...(form.recordingPath ? { recordingPath: form.recordingPath } : {}),
    tts: { engine: form.ttsEngine, voice: form.ttsVoice },
  };
  await writeSetting(SWITCH_SETTING, { kind: form.kind, freeswitch } as never);
  const { eslPasswordSealed: _p, ...visible } = freeswitch;
  await audit(actor, 'telephony.switch.save', SWITCH_SETTING, {
    kind: form.kind,
    ...visible,
    secretsChanged: form.eslPassword ? ['eslPassword'] : [],
  } as never);
  return { ok: true };
}

export type TestResult = { ok: false; errors: Record<string, string> } | { ok: true; result: FreeswitchTestResult };

/** Tests the ESL address of the form, with the typed password or else the stored one. */
export async function testSwitchConnection(actor: AuditActor, input: unknown): Promise<TestResult> {
  const checked = checkConnection(input);
  if (!checked.ok) return checked;
  const { eslHost, eslPort } = checked.value;
  const eslPassword = checked.value.eslPassword || (await switchSecrets()).eslPassword;
  if (!eslPassword) return { ok: false, errors: { eslPassword: 'telephony.errors.required' } };
  const result = await testFreeswitchConnection({ eslHost, eslPort, eslPassword });
  await audit(actor, 'telephony.switch.test', SWITCH_SETTING, {
    eslHost,
    eslPort,
    ok: result.ok,
    ...(result.version ? { version: result.version } : {}),
    ...(result.error ? { error: result.error.slice(0, 500) } : {}),
  });
  return { ok: true, result };
}

/**
 * Dialer processes that own running tasks, with when each started: the connection holding a task's
 * advisory lock is opened when its dialer starts (dialer.server.ts), so its backend start is the
 * dialer's start. A dialer that owns no task yet is not visible here.
 */
export async function runningDialers(): Promise<{ pid: number; startedAt: Date; tasks: number }[]> {
  const rows = await prisma.$queryRaw<{ pid: number; startedAt: Date; tasks: number }[]>`
    SELECT a.pid, a.backend_start AS "startedAt", count(t.id)::int AS tasks
    FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
    JOIN "Task" t ON l.objid::bigint = (hashtext('waihu:task:' || t.id::text)::bigint & 4294967295)
    WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
    GROUP BY a.pid, a.backend_start
    ORDER BY a.backend_start`;
  return rows;
}
