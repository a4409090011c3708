import { expect, test } from '@playwright/test';
import { type FakeCrm, startFakeCrm } from '../plugins/webhook-crm/fake-crm';
import { loginAs } from './fixtures';

const SECRET = 'e2e-hmac-secret-0123456789';
let crm: FakeCrm;

test.beforeAll(async () => {
  crm = await startFakeCrm(SECRET);
});
test.afterAll(async () => {
  await crm?.close();
});

test('admin installs webhook-crm, configures it, the secret stays hidden but kept, health check is logged', async ({ page }) => {
  const name = `CRM e2e ${Date.now().toString(36)}`;
  await loginAs(page, 'admin');
  await page.goto('/config/plugins');
  await page.getByTestId('install-webhook-crm').click();
  await page.getByTestId('installation-name').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Install' }).click();
  await expect(page).toHaveURL(/\/config\/plugins\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('installation-title')).toContainText(name);

  // The form generated from the plugin's configSchema.
  const form = page.getByTestId('config-form');
  await form.locator('#root_baseUrl').fill(crm.url);
  await form.locator('#root_hmacSecret').fill(SECRET);
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved').first()).toBeVisible();

  await page.reload();
  await expect(form.locator('#root_baseUrl')).toHaveValue(crm.url);
  await expect(form.locator('#root_hmacSecret')).toHaveValue('');
  await expect(form.locator('#root_hmacSecret')).toHaveAttribute('placeholder', 'Stored — leave empty to keep');
  expect(await page.content()).not.toContain(SECRET);

  // Save again with the secret left empty: it must be kept (the health check signs with it).
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved').first()).toBeVisible();

  await page.getByTestId('health-check').click();
  await expect(page.getByText(/Healthy: HTTP 200/).first()).toBeVisible();
  const health = crm.requests.filter((r) => r.path === '/health');
  expect(health.length).toBeGreaterThan(0);
  expect(health.every((r) => r.verified)).toBe(true);

  const log = page.getByTestId('call-log');
  await expect(log.getByRole('cell', { name: 'healthCheck' }).first()).toBeVisible();
  await expect(log.getByText('OK').first()).toBeVisible();
  await expect(page.getByTestId('health-status')).toContainText('Healthy');

  await page.getByTestId('enabled-switch').click();
  await expect(page.getByTestId('installation-title')).toContainText('Enabled');

  // Clean up our own data.
  await page.getByRole('button', { name: 'Uninstall' }).click();
  await page.getByRole('button', { name: /^(OK|Yes)$/ }).click();
  await expect(page).toHaveURL(/\/config\/plugins$/);
  await expect(page.getByTestId('installations')).not.toContainText(name);
});

test('a wrong config shows field errors from the schema', async ({ page }) => {
  await loginAs(page, 'developer');
  await page.goto('/config/plugins');
  await page.getByTestId('install-webhook-crm').click();
  await page.getByTestId('installation-name').fill(`CRM bad ${Date.now().toString(36)}`);
  await page.getByRole('dialog').getByRole('button', { name: 'Install' }).click();
  await expect(page).toHaveURL(/\/config\/plugins\/[0-9a-f-]{36}$/);
  const form = page.getByTestId('config-form');
  await form.locator('#root_baseUrl').fill('ftp://nope');
  await form.locator('#root_hmacSecret').fill('short');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText(/must match pattern|must NOT have fewer/).first()).toBeVisible();
  await page.getByRole('button', { name: 'Uninstall' }).click();
  // Confirm inside the popover itself, once it has finished opening.
  const confirm = page.locator('.ant-popconfirm:visible');
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: /^(OK|Yes)$/ }).click();
  await expect(page).toHaveURL(/\/config\/plugins$/);
});
