import { expect, test } from '@playwright/test';
import { loginAs } from './fixtures';

const OPTION = '.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option';
const MINE = '安康人寿 · 新契约回访';
const OTHER = '幸福里 · 二手房营销';
/** Unique per run: users are never deleted, so a rerun on the same demo data needs a new login. */
const LOGIN = `e2e.scoped.${Date.now().toString(36)}`;

// ADR 106: an admin gives a new supervisor one project on the users page; the supervisor sees
// only that project, and the other project's page is "not found". The user is deactivated after.
test('a supervisor given one project sees only it; another project is not found', async ({ page, browser }) => {
  await loginAs(page, 'admin');
  await page.goto('/projects');
  const otherPath = await page.getByRole('link', { name: OTHER }).getAttribute('href');

  await page.goto('/config/users');
  await page.getByTestId('new-user').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Login').fill(LOGIN);
  await dialog.getByLabel('Display name').fill('E2E 项目主管');
  await dialog.getByLabel('Role').click();
  await page.locator(OPTION).filter({ hasText: 'Supervisor' }).click();
  await dialog.getByTestId('user-projects').click();
  await page.locator(OPTION).filter({ hasText: MINE }).click();
  await dialog.getByLabel('Display name').click(); // closes the picker
  await dialog.getByRole('button', { name: 'Save' }).click();
  const password = (await page.getByTestId('shown-password').textContent())?.trim() ?? '';
  await page.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('row', { name: LOGIN }).getByText(MINE)).toBeVisible();

  const scoped = await browser.newPage();
  await scoped.goto('/login');
  await scoped.locator('#login').fill(LOGIN);
  await scoped.locator('#password').fill(password);
  await scoped.getByRole('button', { name: 'Sign in' }).click();
  await expect(scoped).toHaveURL(/\/dashboard$/);
  await scoped.goto('/projects');
  await expect(scoped.getByRole('link', { name: MINE })).toBeVisible();
  await expect(scoped.getByRole('link', { name: OTHER })).toHaveCount(0);
  const denied = await scoped.goto(otherPath ?? '/projects/x');
  expect(denied?.status()).toBe(404);
  await scoped.close();

  // Clean up: the user is deactivated (users are never deleted).
  await page.getByRole('row', { name: LOGIN }).getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog').getByRole('switch').last().click();
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('row', { name: LOGIN }).getByText('Deactivated')).toBeVisible();
});
