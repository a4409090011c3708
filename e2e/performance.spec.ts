import { expect, type Page, test } from '@playwright/test';
import { loginAs } from './fixtures';

// The performance leaderboard on the living demo: the seeded schemes rank the demo agents, whose
// auto-agent colleagues are taking calls while the test runs. Read-only: nothing to clean up.

async function chooseScheme(page: Page, name: string) {
  await page.getByTestId('scheme-select').click();
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: name })
    .click();
  await expect(page.getByTestId('scheme-select')).toContainText(name);
}

const agentCells = (page: Page) => page.getByTestId('leaderboard').getByTestId('leaderboard-agent');

test('a supervisor sees today’s leaderboard of the demo agents, with each one’s breakdown and the trend', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.getByTestId('side-nav').getByText('Performance', { exact: true }).click();
  await expect(page).toHaveURL(/\/performance$/);
  await chooseScheme(page, '回访绩效（综合）');
  await expect(page.getByTestId('period')).toContainText('Day');

  // The project's agents are all listed, ranked by score (the auto-agents' calls make scores move).
  for (const login of ['agent', 'agent01', 'agent02', 'agent03']) {
    await expect(agentCells(page).filter({ hasText: new RegExp(`\\b${login}$`) })).toHaveCount(1);
  }
  await expect(async () => {
    await page.reload();
    const scores = await page.getByTestId('leaderboard-score').allTextContents();
    expect(scores.some((s) => Number(s.replaceAll(',', '')) > 0)).toBe(true);
  }).toPass({ timeout: 90_000, intervals: [5_000] });

  // The leader's breakdown: each term's value × weight, and the score it adds up to.
  const leader = page.getByTestId('leaderboard').locator('tbody tr.ant-table-row').first();
  const leaderScore = (await leader.getByTestId('leaderboard-score').textContent()) ?? '';
  await leader.click();
  const breakdown = page.getByTestId('breakdown').first();
  await expect(breakdown).toBeVisible();
  for (const term of ['成功', '接通率', '通话小时']) await expect(breakdown).toContainText(term);
  await expect(breakdown).toContainText('× 10');
  await expect(breakdown.getByTestId('breakdown-score')).toHaveText(leaderScore);
  await expect(page.getByTestId('trend-chart').locator('canvas')).toBeVisible();

  // The sales scheme shows its commission bands; the export is a download.
  await chooseScheme(page, '营销提成（阶梯）');
  await expect(agentCells(page).filter({ hasText: /\bagent06$/ })).toHaveCount(1);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-xlsx').click();
  expect((await download).suggestedFilename()).toMatch(/^performance-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
});

test('the demo agent sees only their own figures, and their rank only where the scheme allows it', async ({ page }) => {
  await loginAs(page, 'agent');
  await page.getByTestId('side-nav').getByText('Performance', { exact: true }).click();
  await expect(page).toHaveURL(/\/performance$/);
  await expect(page.getByTestId('manage-schemes')).toHaveCount(0);

  await chooseScheme(page, '回访绩效（综合）');
  await expect(agentCells(page)).toHaveCount(1);
  await expect(agentCells(page)).toContainText(/\bagent$/);
  await expect(page.getByTestId('own-figures-note')).toContainText(/Your rank: \d+ of \d+/);
  await expect(page.getByText('agent01')).toHaveCount(0);
  await agentCells(page).click();
  await expect(page.getByTestId('breakdown')).toBeVisible();
  // Only their own line in the trend.
  await expect(page.getByTestId('trend-chart').locator('canvas')).toBeVisible();

  await chooseScheme(page, '回访外呼组 · 通话时长');
  await expect(agentCells(page)).toHaveCount(1);
  await expect(page.getByTestId('own-figures-note')).toHaveText(/You see your own figures\. This scheme does not show ranks\./);
  await expect(page.getByRole('columnheader', { name: 'Rank' })).toHaveCount(0);
  await expect(page.getByText('agent02')).toHaveCount(0);
});

test('a supervisor tries a commission scheme on sample agents and is told where its tiers have a gap', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/performance/schemes');
  await page.getByTestId('schemes').locator('tbody tr').filter({ hasText: '营销提成（阶梯）' }).click();
  const editor = page.getByTestId('scheme-editor');
  await expect(editor.getByTestId('scheme-name')).toHaveValue('营销提成（阶梯）');

  // Sample 2 sold 36 000: 10 000 × 2 % + 26 000 × 3 % (marginal).
  await page.getByTestId('scheme-test-run').click();
  await expect(page.getByTestId('scheme-test-panel')).toContainText('Sample 2: score 980');
  await editor.getByText('Whole amount (rate of the band reached)').click();
  await expect(page.getByTestId('scheme-test-stale')).toBeVisible();
  await page.getByTestId('scheme-test-run').click();
  await expect(page.getByTestId('scheme-test-panel')).toContainText('Sample 2: score 1,080');

  // A gap between the first two bands is named, and saving is refused (nothing is changed).
  await editor.getByTestId('tiers').locator('tbody tr.ant-table-row').nth(1).locator('input').first().fill('12000');
  await expect(editor.getByTestId('scheme-problems')).toContainText(
    'Gap between tier 1 and tier 2: nothing covers 10000 to 12000.',
  );
  await page.getByTestId('save-scheme').click();
  await expect(editor.getByTestId('scheme-problems')).toContainText('Gap between tier 1 and tier 2');
  await page.reload();
  await expect(page.getByTestId('schemes').locator('tbody tr').filter({ hasText: '营销提成（阶梯）' })).toContainText('v1');
});
