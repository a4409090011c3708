import { expect, test } from '@playwright/test';
import { loginAs } from './fixtures';
import { choose, setRule, valueInput } from './rule-builder';

// The rules playground (配置 → 规则试验台): the condition builder and the formula editor, each
// run on sample rows through the server's sandbox.

test('a condition with two groups matches the right sample rows', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/config/rules');
  await expect(page.getByRole('heading', { name: 'Rules playground' })).toBeVisible();
  const builder = page.getByTestId('condition-builder');
  const root = builder.locator('.ruleGroup').first();
  await root.locator('.ruleGroup-addGroup').first().click();
  await root.locator('.ruleGroup-addGroup').first().click();
  const groups = root.locator('.ruleGroup');
  await expect(groups).toHaveCount(2);

  // Group 1: age at least 60 OR has tag VIP.
  const first = groups.nth(0);
  await first.locator('.ruleGroup-addRule').click();
  await choose(page, first.locator('.ruleGroup-combinators').first(), 'OR');
  await setRule(page, first.locator('.rule').nth(0), 'Age', 'at least');
  await valueInput(page, '0-0').fill('60');
  await setRule(page, first.locator('.rule').nth(1), 'Tags', 'has tag');
  await valueInput(page, '0-1').fill('VIP');

  // Group 2: city is 上海 OR 广州.
  const second = groups.nth(1);
  await second.locator('.ruleGroup-addRule').click();
  await choose(page, second.locator('.ruleGroup-combinators').first(), 'OR');
  await setRule(page, second.locator('.rule').nth(0), 'City', 'equals');
  await valueInput(page, '1-0').fill('上海');
  await setRule(page, second.locator('.rule').nth(1), 'City', 'equals');
  await valueInput(page, '1-1').fill('广州');

  await expect(page.getByTestId('condition-errors')).toHaveCount(0);
  await expect(page.getByTestId('condition-sql')).toContainText('$1::numeric');

  await builder.getByTestId('rule-run').click();
  await expect(builder.getByTestId('rule-match-count')).toHaveText('2 of 5 rows match');
  // 张伟 (65, VIP, 上海) and Chen Jie (VIP, 广州) match; 李娜 (北京), 王芳 (58, no VIP) and the empty row do not.
  const expected = [true, false, false, true, false];
  for (const [i, match] of expected.entries()) {
    await expect(builder.getByTestId(`rule-result-${i}`)).toHaveAttribute('data-match', String(match));
  }
});

test('a formula with a typo shows the inline error with its position, and runs once fixed', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/config/rules');
  await page.getByRole('tab', { name: 'Formula' }).click();
  const editor = page.locator('.cm-content');
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('success * 10 + talkMinute * 0.5', { delay: 10 });
  await page.keyboard.press('Escape');

  await expect(page.getByTestId('formula-errors')).toContainText(
    'unknown variable `talkMinute` — did you mean `talkMinutes`? (line 1, column 16)',
  );
  // The same error is marked in the editor, under the misspelt name.
  const mark = page.locator('.cm-lintRange-error');
  await expect(mark).toHaveCount(1);
  await expect(mark).toHaveText('talkMinute');
  const panel = page.getByTestId('formula-editor');
  await expect(panel.getByTestId('rule-run')).toBeDisabled();

  // Fix the typo: type the missing "s" right after the marked name.
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('success * 10 + talkMinutes * 0.5', { delay: 5 });
  await page.keyboard.press('Escape');
  await expect(panel.getByTestId('formula-ok')).toBeVisible();
  await expect(page.locator('.cm-lintRange-error')).toHaveCount(0);
  await panel.getByTestId('rule-run').click();
  await expect(panel.getByTestId('rule-result-0')).toHaveText('275.25');
  await expect(panel.getByTestId('rule-result-1')).toHaveText('152.5');
  await expect(panel.getByTestId('rule-result-2')).toHaveText('0');
});
