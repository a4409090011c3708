import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'app/**/*.test.{ts,tsx}',
      'server/**/*.test.ts',
      'tests/**/*.test.ts',
      'scripts/**/*.test.ts',
      'plugins/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'tests/fixtures/**'],
    // One embedded PostgreSQL per run; every test file gets its own database (tests/setup/).
    globalSetup: ['tests/setup/global-database.ts'],
    setupFiles: ['tests/setup/test-database.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { WAIHU_LOG_LEVEL: 'silent' },
  },
});
