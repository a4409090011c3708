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

test('a supervisor sees a dead-letter write-back with its error, retries it, then corrects the wrap-up', async ({ page }) => {
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

  // The wrap-up itself, reviewed and corrected: a new revision, written back again under a new key.
  await page.getByTestId('reviews-link').click();
  await page.getByRole('row').filter({ hasText: projectName }).getByTestId('open-wrapup').click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText('Success / Completed');
  await drawer.getByTestId('correction-form').locator('textarea').fill('Supervisor: customer asked for a call later');
  await drawer.getByTestId('correct').click();
  await expect(drawer).toContainText('Corrected and queued for write-back');
  await expect(async () => {
    expect(crm?.results.size).toBe(2);
  }).toPass({ timeout: 30_000 });
  expect([...(crm?.results.keys() ?? [])].map((k) => k.split(':').slice(1).join(':')).sort()).toEqual(['result:1', 'result:2']);
});
