import { expect, test } from '@playwright/test';
import type { Role } from '../app/modules/auth/permissions';
import { loginAs, logout } from './fixtures';

const NAV: Record<Role, { sees: string[]; doesNotSee: string[] }> = {
  admin: { sees: ['Dashboard', 'Projects', 'Lists', 'Reports', 'Configuration', 'Audit log'], doesNotSee: ['Workstation'] },
  supervisor: { sees: ['Dashboard', 'Projects', 'Tasks', 'Monitoring', 'Reports'], doesNotSee: ['Audit log', 'Workstation'] },
  agent: { sees: ['Workstation', 'Performance'], doesNotSee: ['Dashboard', 'Projects', 'Configuration', 'Audit log'] },
  developer: { sees: ['Dashboard', 'Configuration'], doesNotSee: ['Projects', 'Lists', 'Audit log', 'Workstation'] },
  auditor: { sees: ['Dashboard', 'Reports', 'Audit log'], doesNotSee: ['Projects', 'Configuration', 'Workstation'] },
};

for (const [role, nav] of Object.entries(NAV) as [Role, (typeof NAV)[Role]][]) {
  test(`${role} signs in and sees the navigation of the role`, async ({ page }) => {
    await loginAs(page, role);
    const menu = page.getByTestId('side-nav');
    for (const item of nav.sees) await expect(menu.getByText(item, { exact: true }).first()).toBeVisible();
    for (const item of nav.doesNotSee) await expect(menu.getByText(item, { exact: true })).toHaveCount(0);
    await logout(page);
  });
}

test('a wrong password shows an error and keeps the user on the sign-in page', async ({ page }) => {
  await page.goto('/login');
  await page.locator('#login').fill('supervisor');
  await page.locator('#password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toContainText('Wrong login or password');
  await expect(page).toHaveURL(/\/login/);
});

test('an agent opening an admin page gets a 403 page inside the shell, not a crash', async ({ page }) => {
  await loginAs(page, 'agent');
  const response = await page.goto('/config/users');
  expect(response?.status()).toBe(403);
  await expect(page.getByText('No access')).toBeVisible();
  await expect(page.getByText('users.manage')).toBeVisible();
  await expect(page.getByTestId('side-nav').getByText('Workstation')).toBeVisible();
});

test('every module in the navigation opens its page; an unknown module is not found', async ({ page }) => {
  await loginAs(page, 'supervisor');
  const nav = page.getByTestId('side-nav');
  // Monitoring opens a submenu: the wallboard, alerts and alert rules.
  await nav.getByText('Monitoring', { exact: true }).click();
  await nav.getByRole('link', { name: 'Monitoring', exact: true }).click();
  await expect(page).toHaveURL(/\/monitoring$/);
  for (const [label, path] of [
    ['Performance', '/performance'],
    ['Reports', '/reports'],
  ] as const) {
    await nav.getByText(label, { exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path}(\\?|$)`));
  }
  await expect(page.getByTestId('not-available')).toHaveCount(0);
  const response = await page.goto('/no-such-module');
  expect(response?.status()).toBe(404);
});

test('switching to Chinese shows Chinese labels and is remembered for the user', async ({ page }) => {
  await loginAs(page, 'auditor');
  await page.getByTestId('language-switch').getByText('中文').click();
  const menu = page.getByTestId('side-nav');
  await expect(menu.getByText('审计日志')).toBeVisible();
  await expect(menu.getByText('报表')).toBeVisible();
  await page.reload();
  await expect(menu.getByText('审计日志')).toBeVisible();
  await page.getByTestId('language-switch').getByText('EN').click();
  await expect(menu.getByText('Audit log')).toBeVisible();
});

test('the health page shows the worker heartbeat', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/config/health');
  await expect(page.getByText('Ready', { exact: true })).toBeVisible();
  await expect(page.getByTestId('heartbeat')).toContainText('Runs');
  const ready = await page.request.get('/readyz');
  expect(await ready.json()).toMatchObject({ status: 'ready', database: { ok: true }, queue: { ok: true } });
  expect((await page.request.get('/healthz')).ok()).toBe(true);
});

test('an admin creates a user, who can sign in; the audit log shows it', async ({ page, browser }) => {
  await loginAs(page, 'admin');
  await page.goto('/config/users');
  await page.getByTestId('new-user').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Login').fill('e2e.agent');
  await dialog.getByLabel('Display name').fill('E2E 坐席');
  await dialog.getByRole('button', { name: 'Save' }).click();
  const password = (await page.getByTestId('shown-password').textContent())?.trim() ?? '';
  expect(password.length).toBeGreaterThanOrEqual(10);
  await page.getByRole('button', { name: 'OK' }).click();
  await expect(page.getByRole('cell', { name: 'e2e.agent' })).toBeVisible();

  const other = await browser.newPage();
  await other.goto('/login');
  await other.locator('#login').fill('e2e.agent');
  await other.locator('#password').fill(password);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/agent$/);
  await other.close();

  await page.goto('/audit?action=user.create');
  await expect(page.getByTestId('audit-table').getByText('e2e.agent')).toBeVisible();
});

test('ten failed sign-ins in a row are refused with a clear message and audited', async ({ page }) => {
  for (let i = 0; i < 10; i++) {
    await page.goto('/login');
    await page.locator('#login').fill('mallory');
    await page.locator('#password').fill(`guess-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('login-error')).toBeVisible();
  }
  await expect(page.getByTestId('login-error')).toContainText('Too many failed attempts');
  await loginAs(page, 'auditor');
  await page.goto('/audit?action=auth.login.throttled');
  await expect(page.getByTestId('audit-table').getByText('mallory').first()).toBeVisible();
});
