import { expect, type Page } from '@playwright/test';
import type { Role } from '../app/modules/auth/permissions';
import { E2E_PASSWORD } from '../playwright.config';

/** Signs in as the seeded demo user of a role (login = role name) and waits for the landing page. */
export async function loginAs(page: Page, role: Role, password = E2E_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.locator('#login').fill(role);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: /sign in|登录/i }).click();
  await expect(page).toHaveURL(role === 'agent' ? /\/agent$/ : /\/dashboard$/);
}

export async function logout(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: /sign out|退出登录/i }).click();
  await expect(page).toHaveURL(/\/login$/);
}
