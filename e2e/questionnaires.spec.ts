import { expect, type Locator, type Page, test } from '@playwright/test';
import { loginAs } from './fixtures';
import { setRule, valueInput } from './rule-builder';

// The questionnaire editor end to end: a five-question flow is drawn by dragging from the palette
// and connecting handles, a missing default edge shows as a problem and is fixed, the flow is
// published and previewed for contacts tagged 上海 and 成都; then a customer completes an online
// link on a phone-sized screen.

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

async function dragFromPalette(page: Page, item: Locator, x: number, y: number) {
  const canvas = await page.getByTestId('flow-canvas').boundingBox();
  if (!canvas) throw new Error('no canvas');
  await item.dragTo(page.getByTestId('flow-canvas'), { targetPosition: { x, y } });
}

async function connect(page: Page, from: string, to: string) {
  // Wait until both nodes stand still (fit-view animations move them).
  await node(page, from).click({ trial: true });
  await node(page, to).click({ trial: true });
  const source = await node(page, from).locator('.react-flow__handle.source').boundingBox();
  const target = await node(page, to).locator('.react-flow__handle.target').boundingBox();
  if (!source || !target) throw new Error(`handles of ${from} → ${to} not found`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 12 });
  await page.mouse.up();
  await expect(page.locator(`.react-flow__edge.edge-${from}-${to}`)).toHaveCount(1);
}

test('draw a flow with a display condition and a jump rule, fix a missing default edge, publish and preview two paths', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1600, height: 1300 });
  await loginAs(page, 'supervisor');
  await page.goto('/questionnaires');
  await page.getByTestId('new-questionnaire').click();
  const name = `E2E 问卷 ${Date.now()}`;
  await page.getByTestId('questionnaire-name').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { name: new RegExp(name) })).toBeVisible();
  await expect(node(page, 'start')).toBeVisible();

  // Start from a clean slate: remove the starter's start → end edge.
  await page.locator('.react-flow__edge.edge-start-end1').click({ force: true });
  await page.keyboard.press('Delete');
  await expect(page.locator('.react-flow__edge')).toHaveCount(0);
  // Put the end out of the way, then drop five questions in a column.
  const types = ['script', 'single', 'yesNo', 'text', 'rating'];
  for (const [i, type] of types.entries()) await dragFromPalette(page, page.getByTestId(`palette-${type}`), 380, 40 + i * 140);
  for (const id of ['q1', 'q2', 'q3', 'q4', 'q5']) await expect(node(page, id)).toBeVisible();

  await connect(page, 'start', 'q1');
  await connect(page, 'q1', 'q2');
  await connect(page, 'q2', 'q3');
  await connect(page, 'q3', 'q4');
  await connect(page, 'q4', 'q5');
  // q5 has no way out yet: the canvas says so and publishing is not possible.
  await expect(page.getByTestId('problem-noDefaultEdge')).toContainText('Question q5 has no default edge');
  await expect(node(page, 'q5').getByTestId('node-problem')).toBeVisible();
  await connect(page, 'q5', 'end1');
  await page.getByRole('button', { name: 'Auto-layout' }).click();
  await expect(page.getByTestId('no-problems')).toBeVisible();

  // Jump rule: q3 answered "no" skips q4. The second edge from q3 is conditional and opens in the panel.
  await connect(page, 'q3', 'q5');
  const edgePanel = page.getByTestId('edge-panel');
  await expect(edgePanel).toBeVisible();
  await edgePanel.locator('.ruleGroup-addRule').first().click();
  await setRule(page, edgePanel.locator('.rule').first(), 'q3 · New question', 'is no');

  // Display condition: q2 only for contacts tagged 上海.
  await node(page, 'q2').click();
  await page.getByTestId('display-toggle').click();
  const display = page.getByTestId('display-builder');
  await display.locator('.ruleGroup-addRule').first().click();
  await setRule(page, display.locator('.rule').first(), 'Tags', 'has tag');
  await valueInput(page, '0').fill('上海');
  await expect(node(page, 'q2').getByTestId('display-condition')).toBeVisible();
  await expect(page.getByTestId('no-problems')).toBeVisible();

  await page.getByTestId('save-draft').click();
  await expect(page.getByText('Draft saved')).toBeVisible();
  await page.getByTestId('publish').click();
  await page.getByTestId('confirm-publish').click();
  await expect(page.getByText('Version 1 published')).toBeVisible();

  // Preview: 上海 sees q2; 成都 skips it, and q3 = no jumps past q4.
  await page.getByTestId('open-preview').click();
  const preview = page.getByTestId('flow-preview');
  const tags = preview.getByTestId('preview-tags');
  await tags.click();
  await page.keyboard.type('上海');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await preview.getByRole('button', { name: 'Read, continue' }).click();
  await expect(preview.getByTestId('question-step')).toHaveAttribute('data-node', 'q2');
  await preview.getByText('Option A').click();
  await preview.getByTestId('answer-next').click();
  await expect(preview.getByTestId('question-step')).toHaveAttribute('data-node', 'q3');
  await expect(preview.getByTestId('path-q2')).toBeVisible();

  await tags.click();
  await page.keyboard.press('Backspace');
  await page.keyboard.type('成都');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await preview.getByRole('button', { name: 'Read, continue' }).click();
  await expect(preview.getByTestId('question-step')).toHaveAttribute('data-node', 'q3');
  await expect(preview.getByTestId('skipped-q2')).toBeVisible();
  await preview.getByRole('button', { name: 'No', exact: true }).click();
  await expect(preview.getByTestId('question-step')).toHaveAttribute('data-node', 'q5');
  await expect(preview.getByTestId('path-q4')).toHaveCount(0);
  await preview.getByRole('button', { name: '8', exact: true }).click();
  await preview.getByTestId('answer-next').click();
  await expect(preview.getByTestId('preview-end')).toContainText('Completed');
});

test('a customer completes an online link on a phone; the used link says so', async ({ page, browser }) => {
  test.setTimeout(90_000);
  await loginAs(page, 'supervisor');
  await page.goto('/questionnaires');
  await page.getByRole('link', { name: '幸福里销售话术' }).click();
  await expect(page).toHaveURL(/\/questionnaires\/[0-9a-f-]{36}$/);
  const editorUrl = page.url();
  // A contact of the sales project, by the id its detail drawer loads.
  await page.goto('/projects');
  await page.getByRole('link', { name: /幸福里/ }).click();
  await page.getByRole('tab', { name: 'Contacts' }).click();
  const detail = page.waitForRequest(/\/contacts\/\d+\.json$/);
  await page.getByTestId('contacts').locator('.ant-table-row').first().getByRole('button').first().click();
  const contactId = new URL((await detail).url()).pathname.match(/contacts\/(\d+)\.json$/)?.[1];
  expect(contactId).toMatch(/^[1-9]\d*$/);

  await page.goto(`${editorUrl}/stats`);
  await page.getByTestId('link-contact').fill(String(contactId));
  await page.getByTestId('create-link').click();
  const url = (await page.getByTestId('link-url').textContent())?.trim() ?? '';
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{20,}$/);

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  });
  const mobile = await phone.newPage();
  await mobile.goto(url);
  for (let i = 0; i < 10; i++) {
    const step = mobile.getByTestId('question-step');
    if (await mobile.getByTestId('survey-done').isVisible()) break;
    await expect(step).toBeVisible();
    const id = await step.getAttribute('data-node');
    if (id === 'opening') await step.getByRole('button', { name: '已读，继续' }).click();
    else if (id === 'interest') {
      await step.getByText('近期有').click();
      await step.getByTestId('answer-next').click();
    } else if (id === 'budget') {
      await step.getByText('300–600 万').click();
      await step.getByTestId('answer-next').click();
    } else if (id === 'works' || id === 'visit') await step.getByRole('button', { name: '是', exact: true }).click();
    else if (id === 'visitDate') {
      await step.locator('input[type=date]').fill('2026-12-05');
      await step.getByTestId('answer-next').click();
    }
    await expect(step.or(mobile.getByTestId('survey-done'))).toBeVisible();
    if (id) await expect(mobile.locator(`[data-testid="question-step"][data-node="${id}"]`)).toHaveCount(0);
  }
  await expect(mobile.getByTestId('survey-done')).toBeVisible();
  // Nothing about the customer beyond the questionnaire reached the phone.
  expect(await mobile.content()).not.toMatch(/(?<![\d.])1[3-9]\d{9}(?!\d)/);
  await mobile.reload();
  await expect(mobile.getByTestId('survey-status')).toContainText('已完成');
  await phone.close();

  await page.reload();
  await expect(page.getByTestId('stat-responses')).toContainText('1');
});
