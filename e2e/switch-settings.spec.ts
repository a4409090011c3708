import net from 'node:net';
import { expect, type Page, test } from '@playwright/test';
import { loginAs } from './fixtures';

const PASSWORD = 'e2e-esl-Passw0rd-9f3';

/** A 127.0.0.1 port nothing listens on: bound once by us, then released. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function fillFreeswitch(page: Page, port: string, vertoUrl: string) {
  await page.getByRole('radio', { name: 'FreeSWITCH' }).check();
  await page.getByTestId('esl-host').fill('127.0.0.1');
  await page.getByTestId('esl-port').fill(port);
  await page.getByTestId('esl-password').fill(PASSWORD);
  await page.getByTestId('verto-url').fill(vertoUrl);
  await page.getByTestId('verto-domain').fill('fs.example.com');
}

test('admin configures FreeSWITCH as the switch: field errors, sealed password, test connection, back to the simulator', async ({
  page,
}) => {
  await loginAs(page, 'admin');
  await page.goto('/config');
  await page.getByRole('link', { name: 'Switch' }).first().click();
  await expect(page).toHaveURL(/\/config\/switch$/);
  await expect(page.getByRole('radio', { name: 'Embedded simulator' })).toBeChecked();

  // Invalid: a port out of range and a plain ws:// Verto URL for a remote host. Nothing is saved.
  await fillFreeswitch(page, '70000', 'ws://fs.example.com:8081');
  await page.getByTestId('save-switch').click();
  await expect(page.getByTestId('error-eslPort')).toHaveText('A port from 1 to 65535');
  await expect(page.getByTestId('error-vertoUrl')).toHaveText(
    'Browsers need wss:// (TLS) unless the host is 127.0.0.1 or localhost',
  );
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Embedded simulator' })).toBeChecked();

  // Valid: saved; after a reload the password box is empty but marked as stored.
  await fillFreeswitch(page, '8021', 'wss://fs.example.com:8082');
  await page.getByRole('radio', { name: 'mod_avmd (beep)' }).check();
  await page.getByTestId('recording-path').fill('/var/lib/freeswitch/recordings/waihu');
  await page.getByTestId('save-switch').click();
  await expect(page.getByText('Switch settings saved').first()).toBeVisible();
  await page.reload();
  await expect(page.getByRole('radio', { name: 'FreeSWITCH' })).toBeChecked();
  await expect(page.getByTestId('verto-url')).toHaveValue('wss://fs.example.com:8082');
  await expect(page.getByTestId('esl-password')).toHaveValue('');
  await expect(page.getByTestId('esl-password-stored')).toBeVisible();
  await expect(page.getByTestId('esl-password')).toHaveAttribute('placeholder', 'Stored — leave empty to keep');
  expect(await page.content()).not.toContain(PASSWORD);
  await expect(page.getByText(/takes effect when each dialer starts next/)).toBeVisible();

  // Test connection with the stored password against a port nothing listens on.
  const port = await deadPort();
  await page.getByTestId('esl-port').fill(String(port));
  await page.getByTestId('test-connection').click();
  await expect(page.getByTestId('test-result')).toContainText('Connection failed');
  await expect(page.getByTestId('test-result')).toContainText(
    `nothing listens on 127.0.0.1:${port} (is mod_event_socket loaded?)`,
  );

  // Shared demo data: the simulator again (the FreeSWITCH block stays stored for later).
  await page.getByRole('radio', { name: 'Embedded simulator' }).check();
  await page.getByTestId('save-switch').click();
  await expect(page.getByText('Switch settings saved').first()).toBeVisible();
  await page.reload();
  await expect(page.getByRole('radio', { name: 'Embedded simulator' })).toBeChecked();
});
