import { defineConfig } from '@playwright/test';
import { chromiumExecutable } from './e2e/browser';

const PORT = Number(process.env.E2E_PORT ?? 3311);
/** The test business system (webhook-crm's contract) the demo projects write back to. */
export const CRM_PORT = PORT + 1;
export const CRM_URL = `http://127.0.0.1:${CRM_PORT}`;
const CRM_SECRET = 'e2e-crm-secret-0123456789';
/** The demo users' password on the e2e server (set before its first start, as WAIHU_DEMO_PASSWORD). */
export const E2E_PASSWORD = 'e2e-Demo-Passw0rd';

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One server with shared demo data and 2 cores: one browser at a time keeps tests independent and steady.
  workers: 1,
  // The JSON report feeds the closing count line of `npm test` (scripts/test.mjs).
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    locale: 'en-US',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: 'node --import tsx e2e/test-crm.ts',
      url: `${CRM_URL}/_ready`,
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      env: { E2E_CRM_PORT: String(CRM_PORT), WAIHU_DEMO_CRM_SECRET: CRM_SECRET },
    },
    {
      // A fresh data folder each run: the server starts its own embedded PostgreSQL and seeds it.
      command: `rm -rf .data-e2e-${PORT} && node bin/waihu.js start`,
      url: `http://localhost:${PORT}/readyz`,
      timeout: 180_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      env: {
        PORT: String(PORT),
        WAIHU_DATA_DIR: `.data-e2e-${PORT}`,
        WAIHU_DEMO_PASSWORD: E2E_PASSWORD,
        WAIHU_LOG_LEVEL: 'warn',
        // The demo's predictive task dials on the sim switch; faster than real time keeps the dialing test short.
        WAIHU_SIM_TIME_SCALE: '10',
        WAIHU_DEMO_CRM_URL: CRM_URL,
        WAIHU_DEMO_CRM_SECRET: CRM_SECRET,
      },
    },
  ],
});
