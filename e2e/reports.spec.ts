import { expect, test } from '@playwright/test';
import ExcelJS from 'exceljs';
import { loginAs } from './fixtures';

// Reports on the living demo: the calls the demo keeps making reach the rollups (the page catches
// up when the rollup job is behind), a report opened from a bookmarked URL draws its chart and
// table, and downloads as an XLSX file.

const day = (offset: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offset * 86_400_000),
  );

test('a bookmarked report renders its chart and table from the URL filters and downloads as XLSX', async ({ page }) => {
  test.setTimeout(150_000);
  await loginAs(page, 'supervisor');
  const url = `/reports?report=volume&tz=Asia%2FShanghai&from=${day(-1)}&to=${day(1)}`;
  const rows = page.getByTestId('report-table-byDay').locator('tbody tr.ant-table-row');
  // The demo dials continuously; the rollups hold finished calls, refreshed every minute or on a page load.
  await expect
    .poll(
      async () => {
        await page.goto(url);
        return rows.count();
      },
      { timeout: 120_000, intervals: [5_000] },
    )
    .toBeGreaterThan(0);

  await expect(page.getByTestId('report-switch').locator('.ant-segmented-item-selected')).toHaveText('Calls by day and hour');
  await expect(page.getByTestId('report-chart').locator('canvas')).toHaveCount(1);
  await expect(page.getByText('Asia/Shanghai', { exact: true })).toBeVisible();
  const attempts = Number((await rows.first().locator('td').nth(1).textContent())?.replace(/\D/g, ''));
  expect(attempts).toBeGreaterThan(0);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
  expect(download.suggestedFilename()).toBe(`volume-${day(-1)}-${day(1)}.xlsx`);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await download.path())!);
  const sheet = book.worksheets[0]!;
  expect(sheet.getRow(1).values).toEqual([
    undefined,
    'day',
    'attempts',
    'answered',
    'connected',
    'abandoned',
    'successes',
    'answerRate',
  ]);
  expect(sheet.rowCount).toBeGreaterThan(1);

  // Switching the report keeps the filters in the URL.
  await page.getByTestId('report-switch').getByText('Agent productivity').click();
  await expect(page).toHaveURL(/report=agents/);
  await expect(page).toHaveURL(new RegExp(`from=${day(-1)}`));
  await expect(page.getByTestId('report-chart').locator('canvas')).toHaveCount(1);
});
