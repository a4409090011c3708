import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { loginAs, logout } from './fixtures';
import { choose, setRule, valueInput } from './rule-builder';

const CSV = [
  '姓名,手机号,城市,标签,保单号',
  '周一,138 0013 8001,上海,VIP;上海,P001',
  '吴二,+86-139-0013-8002,成都,,P002',
  '郑三,12345,北京,,P003',
  ',13700138004,杭州,,P004',
  '王四,13800138001,南京,,P005',
].join('\n');

test('a supervisor creates a project, imports a file with bad rows, downloads the rejections and sees masked phones', async ({
  page,
}) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByTestId('new-project').click();
  const name = `E2E 回访 ${Date.now()}`;
  await page.getByRole('dialog').getByLabel('Name').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name: new RegExp(name) })).toBeVisible();

  // A custom field in the template: 保单号 / Policy no.
  await page.getByTestId('add-field').click();
  const field = page.locator('.ant-table-tbody tr').last().locator('input');
  await field.nth(0).fill('policyNo');
  await field.nth(1).fill('保单号');
  await field.nth(2).fill('Policy no.');
  await page.getByTestId('save-project').click();
  await expect(page.getByText('Saved. Rules version 1.')).toBeVisible();

  await page.getByRole('tab', { name: 'Import' }).click();
  await page.locator('input[type=file]').setInputFiles({ name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  // Columns are mapped from their Chinese names; the preview already shows the bad rows.
  await expect(page.getByTestId('map-0')).toContainText('姓名');
  await expect(page.getByTestId('map-1')).toContainText('手机号');
  await expect(page.getByTestId('map-3')).toContainText('Tags');
  await expect(page.getByTestId('map-4')).toContainText('保单号');
  await expect(page.getByText('Line 4: phone: not a valid phone number')).toBeVisible();
  await page.getByTestId('start-import').click();

  const imports = page.getByTestId('imports');
  await expect(imports.getByText('Done')).toBeVisible({ timeout: 30_000 });
  const row = imports.locator('tbody tr').first();
  await expect(row).toContainText('list.csv');
  await expect(row.locator('td').nth(2)).toHaveText('5');
  await expect(row.locator('td').nth(3)).toHaveText('2');
  await expect(row.locator('td').nth(4)).toHaveText('2');
  await expect(row.locator('td').nth(5)).toHaveText('1');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-rejections').click()]);
  const report = fs.readFileSync((await download.path())!, 'utf8');
  expect(report).toContain('line,姓名,手机号,城市,标签,保单号,errors');
  expect(report).toContain('4,郑三,12345,北京,,P003,phone: not a valid phone number');
  expect(report).toContain('5,,13700138004,杭州,,P004,name: required');
  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-rejections-xlsx').click()]);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await xlsxDownload.path())!);
  const values = book.worksheets[0]!.getSheetValues().filter(Boolean) as unknown[][];
  expect(values[1]).toContain('phone: not a valid phone number');
  expect(values[2]).toContain('name: required');

  await page.getByRole('tab', { name: 'Contacts' }).click();
  const contacts = page.getByTestId('contacts');
  await expect(contacts.getByText('138****8001')).toBeVisible();
  await expect(contacts.getByText('139****8002')).toBeVisible();
  const html = await page.content();
  expect(html).not.toContain('13800138001');
  expect(html).not.toContain('13900138002');
});

test('a business system pushes contacts with a project API key created in the UI', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByRole('link', { name: '安康人寿 · 新契约回访' }).click();
  await page.getByRole('tab', { name: 'API keys' }).click();
  await page.getByPlaceholder('Key name').fill('CRM push');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key').textContent())?.trim() ?? '';
  expect(key).toMatch(/^wh_[0-9a-f]{12}_/);
  const projectId = page.url().split('/projects/')[1]!.split('/')[0]!;

  const push = (body: unknown) =>
    page.request.post(`/api/v1/projects/${projectId}/contacts`, { headers: { authorization: `Bearer ${key}` }, data: body });
  const contacts = [{ externalId: 'E2E-API-1', name: '接口客户', phone: '13600136001', policyNo: 'P99000001', tags: ['接口'] }];
  const first = await push({ contacts });
  expect(first.status()).toBe(200);
  expect(await first.json()).toMatchObject({ accepted: 1, rejected: 0 });
  expect(await (await push({ contacts })).json()).toMatchObject({ accepted: 0, duplicates: 1 });
  expect((await page.request.post(`/api/v1/projects/${projectId}/contacts`, { data: { contacts } })).status()).toBe(401);
  const openapi = await (await page.request.get('/api/v1/openapi.json')).json();
  expect(openapi.paths['/projects/{projectId}/contacts'].post).toBeTruthy();

  await page.getByRole('tab', { name: 'Contacts' }).click();
  await page.getByPlaceholder('Search by name').fill('接口客户');
  await page.getByPlaceholder('Search by name').press('Enter');
  await expect(page.getByTestId('contacts').getByText('136****6001')).toBeVisible();
});

test('a tag rule tags the matching contacts, and the tag filters the contact list', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByRole('link', { name: '安康人寿 · 新契约回访' }).click();
  await page.getByRole('tab', { name: 'Tag rules' }).click();
  await page.getByTestId('rule-tag').fill('大额保单');
  const builder = page.getByTestId('condition-builder');
  await builder.locator('.ruleGroup-addRule').first().click();
  await setRule(page, builder.locator('.rule').first(), 'Annual premium', 'at least');
  await valueInput(page, '0').fill('40000');
  await page.getByTestId('save-rule').click();
  await expect(page.getByText(/Rule applied: \d+ contacts carry the tag/)).toBeVisible();
  const matched = Number(
    (await page.getByTestId('tag-rules').locator('tbody tr').first().locator('td').nth(1).textContent()) ?? 0,
  );
  expect(matched).toBeGreaterThan(0);

  await page.getByRole('tab', { name: 'Contacts' }).click();
  await choose(page, page.locator('.ant-select').filter({ hasText: 'With tag' }), '大额保单');
  await expect(page.getByText(`${matched} contacts`, { exact: true })).toBeVisible();
  await expect(page.getByTestId('contacts').locator('tbody tr').first()).toContainText('大额保单');
});

test('only a permitted role can show a full number, and each time is audited', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByRole('link', { name: '幸福里 · 二手房营销' }).click();
  await page.getByRole('tab', { name: 'Contacts' }).click();
  await expect(page.getByTestId('contacts').getByText('Show number')).toHaveCount(0);
  await logout(page);

  await loginAs(page, 'admin');
  await page.goto('/projects');
  await page.getByRole('link', { name: '幸福里 · 二手房营销' }).click();
  await page.getByRole('tab', { name: 'Contacts' }).click();
  const firstRow = page.getByTestId('contacts').locator('tbody tr').first();
  await firstRow.getByText('Show number').click();
  await expect(firstRow.getByText(/^\+861\d{10}$/)).toBeVisible();
  await page.goto('/audit?action=contacts.unmask');
  await expect(page.getByTestId('audit-table').getByText('contacts.unmask').first()).toBeVisible();
});

test('the advanced filter narrows the contact list with a builder condition run in the database', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByRole('link', { name: '安康人寿 · 新契约回访' }).click();
  await page.getByRole('tab', { name: 'Contacts' }).click();
  const all = Number((await page.getByText(/^\d+ contacts$/).textContent())?.split(' ')[0]);
  await page.getByTestId('advanced-filter').click();
  const builder = page.getByTestId('condition-builder');
  await builder.locator('.ruleGroup-addRule').first().click();
  await setRule(page, builder.locator('.rule').first(), 'City', 'equals');
  await valueInput(page, '0').fill('上海');
  await page.getByTestId('apply-filter').click();
  await expect(page).toHaveURL(/where=/);
  await expect(async () => {
    const filtered = Number((await page.getByText(/^\d+ contacts$/).textContent())?.split(' ')[0]);
    expect(filtered).toBeGreaterThan(0);
    expect(filtered).toBeLessThan(all);
  }).toPass();
  // Every row shown is in Shanghai (the seed tags each contact with its city).
  const rows = page.getByTestId('contacts').locator('tbody tr');
  for (const row of await rows.all()) await expect(row).toContainText('上海');
});

test('bulk-tag selected contacts, then see the tag and its source in the contact drawer', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByRole('link', { name: '幸福里 · 二手房营销' }).click();
  await page.getByRole('tab', { name: 'Contacts' }).click();
  const rows = page.getByTestId('contacts').locator('tbody tr');
  await rows.nth(0).locator('input[type=checkbox]').check();
  await rows.nth(1).locator('input[type=checkbox]').check();
  const bar = page.getByTestId('bulk-bar');
  await expect(bar).toContainText('2 selected');
  await bar.getByPlaceholder('Tags').fill('重点跟进');
  await bar.getByRole('button', { name: 'Add tag' }).click();
  await expect(bar).toContainText('Done: 2 contacts changed.');
  await rows.nth(0).locator('td').nth(1).getByRole('button').click();
  const drawer = page.getByTestId('contact-drawer');
  await expect(drawer.getByTestId('tag-重点跟进')).toContainText('manual');
  await expect(drawer).toContainText(/\d{3}\*{4}\d{4}/);
});

test('the sales project lists its products with eligibility and ranking rules', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByRole('link', { name: '幸福里 · 二手房营销' }).click();
  await page.getByRole('tab', { name: 'Products' }).click();
  await expect(page.getByRole('cell', { name: '置换贷款' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'budget / 10' })).toBeVisible();
});

test('a contact pushed with only a phone token is put on the do-not-call list by its token', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await page.goto('/projects');
  await page.getByRole('link', { name: '幸福里 · 二手房营销' }).click();
  await page.getByRole('tab', { name: 'API keys' }).click();
  await page.getByPlaceholder('Key name').fill(`token push ${Date.now()}`);
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key').textContent())?.trim() ?? '';
  const projectId = page.url().split('/projects/')[1]!.split('/')[0]!;
  const token = `tok_e2e_${Date.now()}`;
  const pushed = await page.request.post(`/api/v1/projects/${projectId}/contacts`, {
    headers: { authorization: `Bearer ${key}` },
    data: { contacts: [{ name: '令牌客户', phoneToken: token }] },
  });
  expect(await pushed.json()).toMatchObject({ accepted: 1 });

  await page.goto('/lists/dnc');
  await choose(page, page.locator('.ant-select').filter({ hasText: 'All projects (global)' }), '幸福里 · 二手房营销');
  await page.getByTestId('dnc-kind').getByText('By phone token').click();
  await page.getByTestId('dnc-numbers').fill(token);
  await page.getByTestId('dnc-add').click();
  await expect(page.getByTestId('dnc-result')).toContainText('Added 1, already listed 0, contacts marked 1.');
  await expect(page.getByText(`token …${token.slice(-4)}`).first()).toBeVisible();

  await page.goto(`/projects/${projectId}/contacts?search=${encodeURIComponent('令牌客户')}`);
  await expect(page.getByTestId('contacts').locator('tbody tr').first()).toContainText('Do not call');
});
