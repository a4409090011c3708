import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePlugin } from './bundle.server';
import { projectRoot } from './paths.server';
import { describePlugin, readManifest } from './registry.server';
import { runHook } from './runtime.server';
import { loadPlugin, type TestPlugin } from './sdk/testing.server';

// A hostile plugin: each behaviour is picked by the first contact's ref.
const HOSTILE = `
import { definePlugin } from '@waihu/sdk';
export default definePlugin({
  id: 'hostile', name: 'Hostile', version: '1.0.0', kind: 'crm',
  configSchema: { type: 'object', properties: { baseUrl: { type: 'string' } } },
  capabilities: { fetch: ['config:baseUrl'] },
  hooks: {
    async enrich(contacts, ctx) {
      const what = contacts[0].ref;
      if (what === 'ok') { await ctx.kv.set('n', ((await ctx.kv.get('n')) ?? 0) + 1); ctx.log.info('fine'); return [{ ref: 'ok', tags: ['a'] }]; }
      if (what === 'fetch-declared') { const r = await ctx.fetch(ctx.config.baseUrl + '/hello'); return [{ ref: await r.text() }]; }
      if (what === 'fetch-undeclared') { await ctx.fetch('http://127.0.0.2:9/x'); return []; }
      if (what === 'fetch-swallowed') { try { await ctx.fetch('https://evil.example.com/'); } catch {} return []; }
      if (what === 'fetch-redirect') { await ctx.fetch(ctx.config.baseUrl + '/redirect'); return []; }
      if (what === 'fetch-userinfo') { await ctx.fetch(ctx.config.baseUrl.replace('http://', 'http://user:pw@')); return []; }
      if (what === 'fetch-file') { await ctx.fetch('file:///etc/passwd'); return []; }
      if (what === 'env') { return [{ ref: String(process.env.DATABASE_URL) }]; }
      if (what === 'loop') { for (;;) {} }
      if (what === 'async-loop') { await ctx.kv.get('x'); for (;;) {} }
      if (what === 'alloc') { const a = []; for (;;) a.push(new Array(100000).fill(a.length)); }
      if (what === 'big-result') { return [{ ref: 'x'.repeat(2000000) }]; }
      if (what === 'throw') { throw new Error('boom from plugin'); }
      if (what === 'globals') { return [{ ref: [typeof fetch, typeof setTimeout].join(',') }]; }
      if (what === 'abort') { return [{ ref: String(new Array(2 ** 28).fill(0).join(',').length) }]; }
      return [];
    },
    async writeBack() { return {}; }, async createLead() { return { externalId: '1' }; },
    async healthCheck() { return { ok: true }; },
  },
});
`;

let dir: string;
let plugin: TestPlugin;
let server: http.Server;
let baseUrl: string;
const hits: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-hostile-'));
  const folder = path.join(dir, 'hostile');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'index.ts'), HOSTILE);
  fs.writeFileSync(path.join(folder, 'README.md'), '# hostile\n');
  fs.writeFileSync(
    path.join(folder, 'manifest.json'),
    JSON.stringify({
      id: 'hostile',
      name: 'Hostile',
      version: '1.0.0',
      kind: 'crm',
      capabilities: { fetch: ['config:baseUrl'] },
    }),
  );
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://127.0.0.2:9/stolen' }).end();
      return;
    }
    res.end('hello');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  plugin = await loadPlugin(folder, { config: { baseUrl }, limits: { timeoutMs: 1_500, memoryMb: 32 } });
});

afterAll(() => {
  server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const enrich = (what: string) => plugin.call('enrich', [[{ ref: what }]]);

describe('plugin sandbox', () => {
  it('runs a well-behaved hook with logger and key-value store', async () => {
    const out = await enrich('ok');
    expect(out).toMatchObject({ ok: true, value: [{ ref: 'ok', tags: ['a'] }] });
    expect(out.logs.map((l) => l.message)).toContain('fine');
    await enrich('ok');
    expect(plugin.kv.get('n')).toBe(2);
  });

  it('lets fetch reach the declared origin (config:baseUrl)', async () => {
    expect(await enrich('fetch-declared')).toMatchObject({ ok: true, value: [{ ref: 'hello' }] });
  });

  it('refuses fetch to an undeclared origin with a clear logged error', async () => {
    const out = await enrich('fetch-undeclared');
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/origin http:\/\/127\.0\.0\.2:9 is not declared/);
    expect(out.logs.some((l) => l.level === 'error' && /not declared/.test(l.message))).toBe(true);
  });

  it('logs a refused fetch even when the plugin swallows the error', async () => {
    const out = await enrich('fetch-swallowed');
    expect(out.ok).toBe(true);
    expect(out.logs.some((l) => l.level === 'error' && /evil\.example\.com is not declared/.test(l.message))).toBe(true);
  });

  it('refuses redirects out of the declared origins, credentials in URLs, and non-http schemes', async () => {
    const redirect = await enrich('fetch-redirect');
    expect(redirect.error).toMatch(/redirect to http:\/\/127\.0\.0\.2:9\/stolen/);
    expect(hits).not.toContain('/stolen');
    expect((await enrich('fetch-userinfo')).error).toMatch(/credentials/);
    expect((await enrich('fetch-file')).error).toMatch(/scheme file:/);
  });

  it('refuses a declared host name that resolves to a loopback address', async () => {
    const out = await plugin.call('enrich', [[{ ref: 'fetch-declared' }]], {
      config: { baseUrl: baseUrl.replace('127.0.0.1', 'localhost') },
    });
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address outside the declared origins/);
  });

  it('has no process.env and no global fetch or timers', async () => {
    const out = await enrich('env');
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/process is not available in the plugin sandbox/);
    expect(out.logs.some((l) => l.level === 'error')).toBe(true);
    expect(await enrich('globals')).toMatchObject({ ok: true, value: [{ ref: 'undefined,undefined' }] });
  });

  it('times out an endless loop, before and after an await', async () => {
    for (const what of ['loop', 'async-loop']) {
      const started = Date.now();
      const out = await enrich(what);
      expect(out.ok).toBe(false);
      expect(out.error).toMatch(/Timed out/);
      expect(Date.now() - started).toBeLessThan(6_000);
    }
  });

  it('stops unbounded allocation at the memory limit', async () => {
    const out = await enrich('alloc');
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/memory limit/);
  });

  it('caps the size of the result and catches thrown errors', async () => {
    expect((await enrich('big-result')).error).toMatch(/larger than/);
    const thrown = await enrich('throw');
    expect(thrown.error).toBe('boom from plugin');
    expect(thrown.logs.at(-1)?.message).toMatch(/enrich failed: boom from plugin/);
  });

  it('keeps serving other plugins after all of that, even concurrently with a stuck one', async () => {
    const other = await loadPlugin(path.join(projectRoot(), 'plugins', 'sim-carrier'));
    const [stuck, fine, carrier] = await Promise.all([enrich('loop'), enrich('ok'), other.call('trunks', [{}])]);
    expect(stuck.ok).toBe(false);
    expect(fine.ok).toBe(true);
    expect(carrier).toMatchObject({ ok: true, value: [{ capacity: 30 }, { capacity: 30 }] });
  });

  it('survives a V8 abort in the sandbox process (beyond the isolate limits) and starts a new one', async () => {
    // This expression aborts the whole V8 process whatever the isolate's memory limit
    // (notes/toolchain.md); in the web server's process it would take the server down.
    const [crashed, other] = await Promise.all([
      plugin.call('enrich', [[{ ref: 'abort' }]], { limits: { timeoutMs: 60_000, memoryMb: 32 } }),
      new Promise((r) => setTimeout(r, 200)).then(() => enrich('ok')),
    ]);
    expect(crashed.ok).toBe(false);
    expect(crashed.error).toMatch(/sandbox process crashed|memory limit/);
    // A call in flight in the same sandbox process fails too, but cleanly; then all is back.
    expect(typeof other.ok).toBe('boolean');
    expect(await enrich('ok')).toMatchObject({ ok: true });
  }, 90_000);
});

describe('plugin boundary', () => {
  it('refuses imports other than @waihu/sdk and its own files', async () => {
    const folder = path.join(dir, 'sneaky');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'index.ts'), `import fs from 'node:fs'; export default fs;`);
    await expect(bundlePlugin(folder)).rejects.toThrow(/may import only "@waihu\/sdk"/);
    fs.writeFileSync(
      path.join(folder, 'index.ts'),
      `import { prisma } from '../../app/db/prisma.server'; export default prisma;`,
    );
    await expect(bundlePlugin(folder)).rejects.toThrow(/may import only/);
  });

  it('rejects a plugin whose code declares other capabilities than its manifest', async () => {
    const folder = path.join(dir, 'liar');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'index.ts'),
      HOSTILE.replace("id: 'hostile'", "id: 'liar'").replace("['config:baseUrl']", "['https://evil.example.com']"),
    );
    fs.writeFileSync(path.join(folder, 'README.md'), '# liar\n');
    fs.writeFileSync(
      path.join(folder, 'manifest.json'),
      JSON.stringify({ id: 'liar', name: 'Liar', version: '1.0.0', kind: 'crm', capabilities: { fetch: ['config:baseUrl'] } }),
    );
    await expect(describePlugin({ manifest: readManifest(folder), dir: folder })).rejects.toThrow(/capabilities\.fetch/);
  });

  it('validates manifests loudly', () => {
    const folder = path.join(dir, 'bad');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'manifest.json'),
      JSON.stringify({
        id: 'bad',
        name: 'Bad',
        version: 'one',
        kind: 'fax',
        capabilities: { fetch: ['https://x.example.com/path'] },
      }),
    );
    expect(() => readManifest(folder)).toThrow(/version: must be a semantic version[\s\S]*kind[\s\S]*capabilities\.fetch\.0/);
  });

  it('a hook call without a kv store answers kv calls with an error, not a hang', async () => {
    const out = await runHook({
      code: plugin.description.code,
      hook: 'enrich',
      args: [[{ ref: 'ok' }]],
      installation: { id: 'x', pluginId: 'hostile', pluginVersion: '1.0.0' },
      allowedOrigins: [],
    });
    expect(out.error).toMatch(/no key-value store/);
  });
});
