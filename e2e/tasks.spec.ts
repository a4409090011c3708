import { expect, type Locator, type Page, test } from '@playwright/test';
import { loginAs } from './fixtures';
import { choose, setRule, valueInput } from './rule-builder';

const INSURANCE = '安康人寿 · 新契约回访';

/** The Select inside a form item, found by its label. */
const field = (page: Page, label: string) =>
  page.locator('.ant-form-item').filter({ hasText: label }).locator('.ant-select').first();

/** A multiple select stays open after a choice: pick, then close it. */
async function chooseMany(page: Page, select: Locator, option: string) {
  await select.click();
  await page.keyboard.type(option);
  const dropdown = page.locator('.ant-select-dropdown:visible');
  await dropdown.getByTitle(option, { exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(dropdown).toHaveCount(0);
}

async function newTask(page: Page, name: string, project = INSURANCE) {
  await page.goto('/tasks');
  await page.getByTestId('new-task').click();
  await expect(page).toHaveURL(/\/tasks\/new/);
  await choose(page, page.getByTestId('task-project').locator('.ant-select'), project);
  await page.getByTestId('task-name').fill(name);
}

test('a supervisor creates a predictive task with a contact condition, runs, pauses with a reason and resumes it', async ({
  page,
}) => {
  await loginAs(page, 'supervisor');
  const name = `E2E 预测 ${Date.now()}`;
  await newTask(page, name);

  const builder = page.getByTestId('condition-builder');
  await builder.locator('.ruleGroup-addRule').first().click();
  await setRule(page, builder.locator('.rule').first(), 'Annual premium', 'at least');
  await valueInput(page, '0').fill('40000');
  await page.getByTestId('count-contacts').click();
  await expect(page.getByTestId('matching-count')).toHaveText(/^\d+ matching, \d+ open and callable$/);
  const matching = Number((await page.getByTestId('matching-count').textContent())!.split(' ')[0]);
  expect(matching).toBeGreaterThan(0);

  await choose(page, field(page, 'Dial mode'), 'Predictive');
  // Predictive without a team: the guidance warns about abandons.
  await expect(page.getByTestId('guidance-predictiveSmallTeam')).toBeVisible();
  await chooseMany(page, field(page, 'Skill groups'), '回访组 (6)');
  await expect(page.getByTestId('agent-count')).toHaveText('6');
  await expect(page.getByTestId('guidance-predictiveSmallTeam')).toHaveCount(0);
  await page.getByTestId('save-task').click();

  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByTestId('task-status')).toHaveText('Draft');
  await expect(page.getByTestId('progress')).toContainText(String(matching));
  await page.getByTestId('task-start').click();
  await expect(page.getByTestId('task-status')).toHaveText('Running');
  // The task pins the project's current rules: v2, since the demo made its projects callable around the clock.
  await expect(page.getByTestId('rules-version')).toHaveText('v2');

  await page.getByTestId('task-pause').click();
  await page.getByTestId('transition-reason').fill('投诉率升高，暂停核查');
  await page.getByTestId('confirm-transition').click();
  await expect(page.getByTestId('task-status')).toHaveText('Paused');
  await expect(page.getByTestId('status-reason')).toHaveText('投诉率升高，暂停核查');
  await expect(page.getByTestId('task-history')).toContainText('投诉率升高，暂停核查');

  await page.getByTestId('task-resume').click();
  await expect(page.getByTestId('task-status')).toHaveText('Running');
  await expect(page.getByTestId('task-history').locator('tbody tr').first()).toContainText('Resumed');

  // Stopped again (with its reason): a running test task would ring the demo agents in later tests.
  await page.getByTestId('task-stop').click();
  await page.getByTestId('transition-reason').fill('测试结束');
  await page.getByTestId('confirm-transition').click();
  await expect(page.getByTestId('task-status')).toHaveText('Stopped');
});

test('a supervisor assigns 50 contacts of a preview task by hand, then rebalances the rest evenly', async ({ page }) => {
  await loginAs(page, 'supervisor');
  const name = `E2E 预览 ${Date.now()}`;
  await newTask(page, name);
  await chooseMany(page, field(page, 'Skill groups'), '回访组 (6)');
  await expect(field(page, 'Assignment rule')).toContainText('Even automatic');
  await page.getByTestId('save-task').click();
  await expect(page.getByRole('heading', { name })).toBeVisible();

  await page.getByRole('tab', { name: 'Assignment' }).click();
  const contacts = page.getByTestId('task-contacts');
  await expect(contacts.locator('tbody tr')).toHaveCount(50);
  await contacts.locator('thead .ant-checkbox-input').check();
  await expect(page.getByTestId('assign-bar')).toContainText('50 selected');
  await choose(page, page.getByTestId('assign-bar').locator('.ant-select'), '李娜 (坐席)');
  await page.getByTestId('assign-selected').click();
  const summary = page.getByTestId('assignment-summary');
  await expect(summary.locator('tbody tr')).toHaveCount(1);
  await expect(summary.locator('tbody tr').first()).toContainText(/李娜 \(坐席\)\s*50\s*50/);

  // A preview changes nothing; the rebalance then spreads the rest and keeps the manual fifty.
  await page.getByTestId('preview-rebalance').click();
  await expect(page.getByTestId('run-result')).toContainText('Preview (nothing changed)');
  await expect(page.getByTestId('run-result')).toContainText('50 manual kept');
  await expect(summary.locator('tbody tr')).toHaveCount(1);
  await page.getByTestId('rebalance').click();
  await expect(page.getByTestId('run-result')).toContainText('Done');
  await expect(summary.locator('tbody tr')).toHaveCount(6);
  const lina = summary.locator('tbody tr').filter({ hasText: '李娜 (坐席)' });
  await expect(lina.locator('td').nth(2)).toHaveText('50');
  await choose(page, page.getByTestId('holder-filter').locator('.ant-select'), 'Unassigned');
  await expect(page.getByText('0 contacts', { exact: true })).toBeVisible();
});

test('choosing the robot channel for a sales project warns that robots convert poorly for sales', async ({ page }) => {
  await loginAs(page, 'supervisor');
  const name = `E2E 机器人 ${Date.now()}`;
  await newTask(page, name, '幸福里 · 二手房营销');
  await choose(page, field(page, 'Channel'), 'Robot (AI/IVR)');
  await expect(page.getByTestId('guidance-robotSales')).toContainText('Robots convert poorly for sales');
  await page.getByLabel('Prompt for yes/no').fill('请回答“是”或“否”。');
  await page.getByTestId('save-task').click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByLabel('Prompt for yes/no')).toHaveValue('请回答“是”或“否”。');
});
