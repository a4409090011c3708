import { expect, type Locator, type Page } from '@playwright/test';

// Driving the ConditionBuilder (react-querybuilder with Ant Design selects) in browser tests.

export async function choose(page: Page, select: Locator, option: string): Promise<void> {
  await select.click();
  // Searchable selects filter as one types (long lists are virtual: off-screen options do not exist yet).
  await page.keyboard.type(option);
  const dropdown = page.locator('.ant-select-dropdown:visible');
  await dropdown.getByTitle(option, { exact: true }).click();
  await expect(dropdown).toHaveCount(0);
}

export async function setRule(page: Page, rule: Locator, field: string, operator: string): Promise<void> {
  await choose(page, rule.locator('.rule-fields'), field);
  await choose(page, rule.locator('.rule-operators'), operator);
}

export function valueInput(page: Page, path: string): Locator {
  return page.locator(`input[data-testid="rule-value-${path}"], [data-testid="rule-value-${path}"] input`).first();
}
