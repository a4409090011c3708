import fs from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * Playwright's own Chromium when installed; otherwise CHROMIUM_PATH or Debian's /usr/bin/chromium
 * (`apt-get install chromium`), since Playwright cannot download its browser everywhere.
 */
export function chromiumExecutable(): string | undefined {
  const own = chromium.executablePath();
  if (own && fs.existsSync(own)) return undefined;
  for (const candidate of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    'No Chromium found for the end-to-end tests. Install one: `npx playwright install chromium`, or on Debian/Ubuntu ' +
      '`apt-get install chromium`, or set CHROMIUM_PATH to a Chromium or Chrome binary.',
  );
}
