import { expect, type Page, test } from '@playwright/test';
import { loginAs } from './fixtures';

// The living demo: the seeded predictive task dials on the embedded switch with auto-agents, and
// the dialing page follows calls and agents live (server-sent events), without reloading.

const value = async (page: Page, testId: string) =>
  Number((await page.getByTestId(testId).locator('.ant-statistic-content-value').textContent())?.replace(/\D/g, '') || 0);

test('the dialing page shows the demo task dialing, with calls and agents changing live', async ({ page }) => {
  test.setTimeout(120_000);
  await loginAs(page, 'supervisor');
  await page.goto('/dialing');
  await expect(page.getByRole('cell', { name: '二手房营销 · 预测外呼' })).toBeVisible();
  let navigations = 0;
  page.on('framenavigated', () => navigations++);
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        for (const id of [
          'calls-dialing',
          'calls-ringing',
          'calls-answered',
          'calls-connected',
          'agents-talking',
          'agents-wrapUp',
        ]) {
          if ((await value(page, id)) > 0) seen.add(id);
        }
        return seen.size;
      },
      { timeout: 90_000, intervals: [1000] },
    )
    .toBeGreaterThanOrEqual(3);
  expect(navigations).toBe(0);
  // The task says what drives or limits it right now.
  await expect(page.locator('[data-testid^="why-"]').first()).toContainText(/Level|No dialer/);
});
