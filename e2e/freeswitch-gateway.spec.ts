import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { loginAs } from './fixtures';

test('admin configures a FreeSWITCH carrier: rule errors by field, gateway XML masked on the page and complete in the audited download', async ({
  page,
}) => {
  const name = `FS carrier ${Date.now().toString(36)}`;
  const password = `Sip-Secret-${Date.now().toString(36)}&<x>`;
  await loginAs(page, 'admin');
  await page.goto('/config/plugins');
  await page.getByTestId('install-freeswitch-gateway').click();
  await page.getByTestId('installation-name').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Install' }).click();
  await expect(page).toHaveURL(/\/config\/plugins\/[0-9a-f-]{36}$/);

  const form = page.getByTestId('config-form');
  await form.locator('#root_username').fill('05718888');
  await form.locator('#root_password').fill(password);
  if (!(await form.locator('#root_gateways_0_name').count())) await form.getByRole('button', { name: /add/i }).first().click();
  await form.locator('#root_gateways_0_name').fill('e2e-gw');
  await form.locator('#root_gateways_0_proxy').fill('sip.carrier.example:5060');
  // A replacement that uses a group the pattern does not have: the plugin's own check names the field.
  await form.locator('#root_rewrite_0_replace').fill('0$2');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('the replacement uses $2 but the pattern has 0 group(s)')).toBeVisible();

  await form.locator('#root_rewrite_0_replace').fill('');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved').first()).toBeVisible();

  await page.getByTestId('gateway-xml-preview').click();
  const xml = page.getByTestId('gateway-xml');
  await expect(xml).toContainText('<gateway name="e2e-gw">');
  await expect(xml).toContainText('<param name="password" value="••••••••"/>');
  expect(await page.content()).not.toContain('Sip-Secret-');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('gateway-xml-download').click()]);
  expect(download.suggestedFilename()).toBe('waihu-e2e-gw.xml');
  const file = fs.readFileSync((await download.path()) as string, 'utf8');
  expect(file).toContain(
    `<param name="password" value="${password.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}"/>`,
  );
  expect(file).toContain('<param name="proxy" value="sip.carrier.example:5060"/>');

  await page.goto('/audit');
  await expect(page.getByText('plugins.downloadGatewayXml').first()).toBeVisible();

  // Clean up our own data.
  await page.goBack();
  await page.getByRole('button', { name: 'Uninstall' }).click();
  const confirm = page.locator('.ant-popconfirm:visible');
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: /^(OK|Yes)$/ }).click();
  await expect(page).toHaveURL(/\/config\/plugins$/);
});
