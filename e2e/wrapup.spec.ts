import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { type FakeCrm, startFakeCrm } from '../plugins/webhook-crm/fake-crm';
import { loginAs } from './fixtures';

const SECRET = 'e2e-wrapup-secret-0123456';
const PORT = Number(process.env.E2E_PORT ?? 3311);
let crm: FakeCrm | null = null;

test.afterAll(async () => {
  await crm?.close();
});

test('a supervisor sees a dead-letter write-back with its error and retries it', async ({ page }) => {
  // The business system is down while the wrap-up's write-back is tried MAX_TRIES times.
  const down = await startFakeCrm(SECRET);
  const port = Number(new URL(down.url).port);
  await down.close();
  const env: NodeJS.ProcessEnv = { ...process.env, WAIHU_DATA_DIR: `.data-e2e-${PORT}`, WAIHU_LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'e2e/support/dead-letter.ts', down.url, SECRET],
    { env, timeout: 45_000 },
  );
  const { projectName } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { projectName: string };

  await loginAs(page, 'supervisor');
  await page.getByTestId('side-nav').getByText('Wrap-up', { exact: true }).click();
  await expect(page).toHaveURL(/\/wrapup$/);
  await page
    .getByTestId('state-tabs')
    .getByText(/Failed \(dead letters\)/)
    .click();
  const row = page.getByRole('row').filter({ hasText: projectName });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('state-dead')).toHaveText('Dead letter');
  await expect(row).toContainText('8');
  await expect(row).toContainText('POST /results failed');

  // The business system is back; the supervisor retries, the worker delivers once.
  crm = await startFakeCrm(SECRET, {}, port);
  await row.getByTestId('retry').click();
  await expect(row).toHaveCount(0);
  await expect(async () => {
    expect(crm?.results.size).toBe(1);
  }).toPass({ timeout: 30_000 });
  await page
    .getByTestId('state-tabs')
    .getByText(/^Delivered/)
    .click();
  await expect(page.getByRole('row').filter({ hasText: projectName }).getByTestId('state-delivered')).toBeVisible();
});
