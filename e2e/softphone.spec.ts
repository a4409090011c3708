import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import config from '../playwright.config';
import { loginAs } from './fixtures';
import { startTestVerto, type TestVerto } from './test-verto';

// The FreeSWITCH softphone in the workstation, with e2e/test-verto.ts speaking FreeSWITCH's recorded
// Verto frames in its place: the agent's browser signs in with its own short-lived secret (checked
// through Waihu's mod_xml_curl directory), receives the bridged call and answers it with real
// WebRTC (Chromium's fake microphone), hangs up; a refused login shows as "login failed". The
// switch setting is put back to the sim switch afterwards.

const PORT = Number(process.env.E2E_PORT ?? 3311);
const VERTO_PORT = PORT + 2;
const CALL_ID = 'ca11ab1e-0011-4000-8000-000000000001';

// This spec's browser only: the config's Chromium with a fake microphone that needs no prompt.
const base = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...base,
    args: [...(base.args ?? []), '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  },
});
test.describe.configure({ mode: 'serial' });

async function switchSetting(...args: string[]): Promise<{ directoryKey?: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, WAIHU_DATA_DIR: `.data-e2e-${PORT}`, WAIHU_LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'e2e/support/switch-setting.ts', ...args], {
    env,
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

let verto: TestVerto;

test.beforeAll(async () => {
  const { directoryKey = '' } = await switchSetting('freeswitch', `ws://127.0.0.1:${VERTO_PORT}`);
  verto = await startTestVerto({ port: VERTO_PORT, waihuUrl: `http://127.0.0.1:${PORT}`, directoryKey });
});

test.afterAll(async () => {
  await switchSetting('sim');
  await verto?.close();
});

test('the softphone registers over Verto, answers the bridged call with WebRTC and hangs up', async ({ page }) => {
  await loginAs(page, 'agent');
  const state = page.getByTestId('verto-state');
  await expect(state).toHaveAttribute('data-state', 'registered');
  await expect(state).toHaveText('Registered');
  // FreeSWITCH checked the agent's own extension and secret through Waihu's directory.
  expect(verto.logins).toHaveLength(1);
  expect(verto.logins[0]).toEqual({ login: expect.stringMatching(/^1\d{3}@127\.0\.0\.1$/), ok: true });
  await expect(page.getByTestId('mic-problem')).toHaveCount(0);

  // The recorded invite arrives; the workstation answers at once (auto-answer) with its SDP.
  const call = page.getByTestId('verto-call');
  await expect(call).toHaveAttribute('data-state', 'active', { timeout: 15_000 });
  const ack = verto.received.find((m) => (m.result as { method?: string } | undefined)?.method === 'verto.invite');
  expect(ack).toEqual({ jsonrpc: '2.0', id: expect.any(Number), result: { method: 'verto.invite' } });
  const answer = verto.received.find((m) => m.method === 'verto.answer');
  expect(answer?.params).toMatchObject({
    sdp: expect.stringMatching(/^v=0\r\n[\s\S]*m=audio [\s\S]*a=fingerprint:sha-256 /),
    dialogParams: { callID: CALL_ID, verto_h_waihu_attempt_id: 'att-11' },
  });
  await expect(page.getByTestId('mic-level')).toBeVisible();

  // The softphone's own buttons drive the Verto call: hold and resume, mute, DTMF, hang up.
  const softphone = page.getByTestId('softphone');
  await expect(page.getByTestId('call-state')).toHaveText('Connected');
  await softphone.getByRole('button', { name: 'Hold' }).click();
  await expect(softphone.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
  await softphone.getByRole('button', { name: 'Resume' }).click();
  await expect(softphone.getByRole('button', { name: 'Hold' })).toHaveAttribute('aria-pressed', 'false');
  expect(verto.received.filter((m) => m.method === 'verto.modify').map((m) => m.params?.action)).toEqual(['hold', 'unhold']);
  await softphone.getByRole('button', { name: 'Mute' }).click();
  await expect(softphone.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
  await softphone.getByRole('button', { name: 'Keypad' }).click();
  await softphone.getByRole('button', { name: '5', exact: true }).click();
  await expect.poll(() => verto.received.find((m) => m.method === 'verto.info')?.params?.dtmf).toBe('5');

  await page.getByTestId('hang-up').click();
  await expect(call).toHaveAttribute('data-state', 'ended');
  await expect(page.getByTestId('call-state')).toHaveText('Ended');
  const bye = verto.received.find((m) => m.method === 'verto.bye');
  expect(bye?.params).toMatchObject({ dialogParams: { callID: CALL_ID } });
  await expect(state).toHaveAttribute('data-state', 'registered');
});

test('a login FreeSWITCH refuses shows "login failed" with a way to try again', async ({ page }) => {
  const key = verto.directoryKey;
  // FreeSWITCH cannot read Waihu's directory (a wrong key): every login is refused with -32001.
  verto.directoryKey = 'not-the-directory-key';
  await loginAs(page, 'agent');
  const state = page.getByTestId('verto-state');
  await expect(state).toHaveAttribute('data-state', 'loginFailed');
  await expect(state).toHaveText('Login failed');
  await expect(page.getByTestId('verto-help')).toContainText('Authentication Failure');
  expect(verto.logins.at(-1)?.ok).toBe(false);

  verto.directoryKey = key;
  await page.getByTestId('verto-help').getByRole('button', { name: 'Try again' }).click();
  await expect(state).toHaveAttribute('data-state', 'registered');
});

test('an admin sees every agent extension and secret on 配置 → 软电话 and can revoke it (audited)', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/config/softphones');
  const row = page.getByRole('row', { name: /\(agent\)/ });
  await expect(row.getByRole('cell').first()).toHaveText(/^1\d{3}$/);
  await expect(row).toContainText('valid until');
  await expect(page.getByText('A key is set.')).toBeVisible();
  await expect(page.locator('pre')).toContainText('/freeswitch/directory" bindings="directory"');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  await page.goto('/audit?action=telephony.verto.revoke');
  await expect(page.getByText('telephony.verto.revoke').first()).toBeVisible();
});

test('back on the sim switch the workstation shows no FreeSWITCH line', async ({ page }) => {
  await switchSetting('sim');
  await loginAs(page, 'agent');
  await expect(page.getByTestId('softphone')).toBeVisible();
  await expect(page.getByTestId('verto-line')).toHaveCount(0);
});
