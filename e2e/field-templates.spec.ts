import { expect, type Page, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { loginAs } from './fixtures';
import { choose } from './rule-builder';

async function newProject(page: Page, name: string) {
  await page.goto('/projects');
  await page.getByTestId('new-project').click();
  await page.getByRole('dialog').getByLabel('Name').fill(name);
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await page.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name: new RegExp(name) })).toBeVisible();
}

test('editing a field template changes its form preview', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await newProject(page, `E2E 模板 ${Date.now()}`);
  const preview = page.getByTestId('template-preview');
  await expect(preview.getByText('Birth date')).toBeVisible();

  await page.getByTestId('add-field').click();
  const row = page.getByTestId('field-template').locator('tbody tr').last();
  const inputs = row.locator('input');
  await inputs.nth(0).fill('homeOwner');
  await inputs.nth(1).fill('有房');
  await inputs.nth(2).fill('Owns a home');
  await expect(preview.getByText('Owns a home')).toBeVisible();
  await expect(preview.getByRole('radio', { name: 'Yes' })).toHaveCount(0);

  // A yes/no field becomes two radios; its help text shows under it.
  await choose(page, row.locator('.ant-select'), 'boolean');
  await expect(preview.getByRole('radio', { name: 'Yes' })).toBeVisible();
  await row.locator('.ant-table-row-expand-icon').click();
  await page.getByTestId('help-en-homeOwner').fill('Ask whether the flat is theirs');
  await expect(preview.getByText('Ask whether the flat is theirs')).toBeVisible();

  // Dragged to the top of the template, the field comes first in the form.
  const labels = preview.locator('.ant-form-item-label label');
  await expect(labels.first()).toHaveText('Name');
  // Source and target both on screen: a drag that scrolls the page loses its source in Chromium.
  await page.getByTestId('field-template').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.getByTestId('drag-homeOwner').dragTo(page.getByTestId('field-template').locator('tbody tr').first());
  await expect(labels.first()).toHaveText('Owns a home');
  await expect(labels.nth(1)).toHaveText('Name');

  await page.getByTestId('save-project').click();
  await expect(page.getByText('Saved. Rules version 1.')).toBeVisible();
});

test('import the second sheet of an XLSX file, then add and edit contacts through the template form', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await newProject(page, `E2E 表单 ${Date.now()}`);

  const book = new ExcelJS.Workbook();
  book.addWorksheet('说明').addRow(['本文件的名单在第二页']);
  const list = book.addWorksheet('名单');
  list.addRow(['姓名', '手机号', '城市']);
  list.addRow(['冯一', '13700137001', '上海']);
  list.addRow(['陈二', '13700137002', '杭州']);
  const buffer = Buffer.from(await book.xlsx.writeBuffer());

  await page.getByRole('tab', { name: 'Import' }).click();
  await page.locator('input[type=file]').setInputFiles({
    name: 'two-sheets.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer,
  });
  await expect(page.getByTestId('import-sheet')).toContainText('说明 (0 rows)');
  await choose(page, page.getByTestId('import-sheet'), '名单 (2 rows)');
  await expect(page.getByTestId('map-0')).toContainText('姓名');
  await expect(page.getByTestId('map-1')).toContainText('手机号');
  await page.getByTestId('start-import').click();
  const imports = page.getByTestId('imports');
  await expect(imports.getByText('Done')).toBeVisible({ timeout: 30_000 });
  await expect(imports.locator('tbody tr').first().locator('td').nth(3)).toHaveText('2');
  await expect(imports.locator('tbody tr').first().getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');

  await page.getByRole('tab', { name: 'Contacts' }).click();
  await expect(page.getByText('2 contacts', { exact: true })).toBeVisible();

  // Add one through the form.
  await page.getByTestId('add-contact').click();
  const addForm = page.getByTestId('contact-form');
  await addForm.locator('#root_name').fill('褚三');
  await addForm.locator('#root_phone').fill('13700137003');
  await addForm.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('3 contacts', { exact: true })).toBeVisible();
  await expect(page.getByTestId('contacts').getByText('137****7003')).toBeVisible();

  // Edit one: a blank required name is refused on its field, nothing is saved; fixed, it saves.
  await page.getByTestId('contacts').getByRole('button', { name: '冯一' }).click();
  const drawer = page.getByTestId('contact-drawer');
  await drawer.getByTestId('edit-contact').click();
  const form = drawer.getByTestId('contact-form');
  await expect(form.locator('#root_phone')).toHaveAttribute('placeholder', /137\*{4}7001/);
  await expect(form.locator('#root_city')).toHaveValue('上海');
  await form.locator('#root_name').fill('');
  await form.locator('#root_city').fill('苏州');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('required')).toBeVisible();
  await expect(page.getByTestId('contacts').getByRole('button', { name: '冯一' })).toBeVisible();

  await form.locator('#root_name').fill('冯一改');
  await form.getByRole('button', { name: 'Save' }).click();
  // Back to the contact's details, with the new values.
  await expect(drawer.getByTestId('edit-contact')).toBeVisible();
  await expect(drawer).toContainText('苏州');
  await expect(page.getByTestId('contacts').getByRole('button', { name: '冯一改' })).toBeVisible();
  // The number stayed as it was, and never reached the page in full.
  await expect(drawer).toContainText('137****7001');
  expect(await page.content()).not.toContain('13700137001');
});

test('a template saved under a name starts another project, and can be deleted', async ({ page }) => {
  await loginAs(page, 'supervisor');
  const stamp = Date.now();
  await newProject(page, `E2E 模板源 ${stamp}`);
  await page.getByTestId('add-field').click();
  const inputs = page.getByTestId('field-template').locator('tbody tr').last().locator('input');
  await inputs.nth(0).fill('carPlate');
  await inputs.nth(1).fill('车牌');
  await inputs.nth(2).fill('Number plate');
  await page.getByTestId('save-as-preset').click();
  await page.getByTestId('preset-name').fill(`车险模板 ${stamp}`);
  await page.getByTestId('save-preset').click();
  await expect(page.getByTestId(`preset-车险模板 ${stamp}`)).toBeVisible();

  await newProject(page, `E2E 模板用 ${stamp}`);
  const preview = page.getByTestId('template-preview');
  await expect(preview.getByText('Birth date')).toBeVisible();
  await expect(preview.getByText('Number plate')).toHaveCount(0);
  await choose(page, page.getByTestId('start-from-preset'), `车险模板 ${stamp}`);
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  await expect(preview.getByText('Number plate')).toBeVisible();
  await page.getByTestId('save-project').click();
  await expect(page.getByText('Saved. Rules version 1.')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('template-preview').getByText('Number plate')).toBeVisible();

  await page
    .getByTestId(`preset-车险模板 ${stamp}`)
    .getByRole('button', { name: /Delete saved template/ })
    .click();
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  await expect(page.getByTestId(`preset-车险模板 ${stamp}`)).toHaveCount(0);
  // The project keeps its copy.
  await expect(page.getByTestId('template-preview').getByText('Number plate')).toBeVisible();
});

test('a GBK file read as UTF-8 by choice shows garbled headers; back to GBK it maps again', async ({ page }) => {
  await loginAs(page, 'supervisor');
  await newProject(page, `E2E 编码 ${Date.now()}`);
  await page.getByRole('tab', { name: 'Import' }).click();
  const csv = iconv.encode('姓名;手机号\r\n蒋四;13700137004\r\n', 'gbk');
  await page.locator('input[type=file]').setInputFiles({ name: 'gbk.csv', mimeType: 'text/csv', buffer: csv });
  await expect(page.getByTestId('import-encoding')).toContainText('GBK / GB18030');
  await expect(page.getByTestId('import-delimiter')).toContainText('Semicolon ;');
  await expect(page.getByTestId('map-0')).toContainText('姓名');

  await choose(page, page.getByTestId('import-encoding'), 'UTF-8');
  await expect(page.getByTestId('map-0')).toContainText('(ignore)');
  await expect(page.getByText('姓名')).toHaveCount(0);
  await choose(page, page.getByTestId('import-encoding'), 'GBK / GB18030');
  await expect(page.getByTestId('map-0')).toContainText('姓名');
  await expect(page.getByRole('cell', { name: '蒋四' })).toBeVisible();
});
