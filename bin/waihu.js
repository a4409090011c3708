#!/usr/bin/env node
// Entry point for every Waihu process: `waihu start|web|worker|dialer|migrate|seed|create-user`.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `Waihu needs Node.js 24 or newer; this is ${process.version}. Install Node 24 (see .nvmrc), or run .ci/run which bootstraps it.`,
  );
  process.exit(1);
}
// Libraries (React, Ant Design) read NODE_ENV directly; production unless `npm run dev` says otherwise.
process.env.NODE_ENV ??= 'production';
const { register } = await import('tsx/esm/api');
register();
await import('../server/cli.ts');
