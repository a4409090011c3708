import fs from 'node:fs';
import path from 'node:path';
import { pluginsDir, projectRoot } from './paths.server';
import type { PluginKind } from './sdk';

// `waihu plugin new <name> --kind crm|carrier|notify`: a plugin folder from a template, with a
// README, a manifest, hooks that work, and a test that passes in the real sandbox.

export const KINDS: PluginKind[] = ['crm', 'carrier', 'notify'];

export class ScaffoldError extends Error {}

export interface ScaffoldResult {
  dir: string;
  /** The folder relative to the working directory, for messages. */
  relativeDir: string;
  files: string[];
}

const title = (id: string) => id.replace(/(^|-)(\w)/g, (_, dash: string, c: string) => `${dash ? ' ' : ''}${c.toUpperCase()}`);

/** An import specifier from the plugin folder to a file of the project, as a relative path. */
function importFrom(dir: string, target: string): string {
  const rel = path.relative(dir, path.join(projectRoot(), target)).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function hooks(kind: PluginKind): string {
  if (kind === 'crm') {
    return `  hooks: {
    async enrich(contacts, ctx) {
      const response = await ctx.fetch(\`\${ctx.config.baseUrl}/enrich\`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: \`Bearer \${ctx.config.apiKey}\` },
        body: JSON.stringify({ refs: contacts.map((c) => c.ref) }),
      });
      const { results } = await response.json<{ results: { ref: string; tags?: string[] }[] }>();
      return results;
    },
    async writeBack(result, ctx) {
      ctx.log.info(\`write back \${result.callId} (\${ctx.idempotencyKey})\`);
      return {};
    },
    async createLead(order) {
      return { externalId: order.orderId };
    },
    async healthCheck(ctx) {
      const response = await ctx.fetch(\`\${ctx.config.baseUrl}/health\`, {
        headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
      });
      return { ok: response.ok, message: \`HTTP \${response.status}\` };
    },
  },`;
  }
  if (kind === 'carrier') {
    return `  hooks: {
    async trunks(config) {
      return [{ id: 'main', name: 'Main trunk', capacity: config.channels ?? 30, regions: ['CN'] }];
    },
    async callerIds() {
      return [{ number: '057100000001', areaCode: '0571', dailyCap: 300 }];
    },
    async healthCheck(ctx) {
      const response = await ctx.fetch(\`\${ctx.config.baseUrl}/health\`, {
        headers: { authorization: \`Bearer \${ctx.config.apiKey}\` },
      });
      return { ok: response.ok, message: \`HTTP \${response.status}\` };
    },
  },`;
  }
  return `  hooks: {
    async send(message, ctx) {
      const response = await ctx.fetch(ctx.config.baseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: \`Bearer \${ctx.config.apiKey}\` },
        body: JSON.stringify(message),
      });
      if (!response.ok) throw new Error(\`HTTP \${response.status}\`);
      return {};
    },
  },`;
}

function configType(kind: PluginKind): { type: string; schema: string } {
  const channels = kind === 'carrier' ? `\n      channels: { type: 'integer', title: 'Channels', minimum: 1, default: 30 },` : '';
  return {
    type: `export interface Config {\n  baseUrl: string;\n  apiKey: string;${kind === 'carrier' ? '\n  channels?: number;' : ''}\n}`,
    schema: `{
    type: 'object',
    required: ['baseUrl', 'apiKey'],
    properties: {
      baseUrl: { type: 'string', title: 'Base URL', format: 'uri', pattern: '^https?://' },
      apiKey: { type: 'string', title: 'API key', format: 'password' },${channels}
    },
  }`,
  };
}

function testFile(id: string, kind: PluginKind, harness: string): string {
  const call =
    kind === 'crm'
      ? `    expect(await plugin.invoke('enrich', [[{ ref: 'c1' }]])).toEqual([{ ref: 'c1', tags: ['demo'] }]);
    expect(await plugin.invoke('healthCheck')).toEqual({ ok: true, message: 'HTTP 200' });`
      : kind === 'carrier'
        ? `    expect(await plugin.invoke('trunks', [config])).toHaveLength(1);
    expect(await plugin.invoke('healthCheck')).toEqual({ ok: true, message: 'HTTP 200' });`
        : `    expect(await plugin.invoke('send', [{ to: 'ops', text: 'hello' }])).toEqual({});
    expect(seen).toContain('/');`;
  return `import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugin } from '${harness}';

// The other side of the plugin's HTTP contract, on 127.0.0.1.
const seen: string[] = [];
const server = http.createServer((req, res) => {
  seen.push(req.url ?? '');
  if (req.headers.authorization !== 'Bearer test-key') return res.writeHead(401).end();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.url === '/enrich' ? JSON.stringify({ results: [{ ref: 'c1', tags: ['demo'] }] }) : '{}');
});
let config: { baseUrl: string; apiKey: string };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  config = { baseUrl: \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`, apiKey: 'test-key' };
});
afterAll(() => {
  server.close();
});

describe('${id}', () => {
  it('answers its hooks in the sandbox', async () => {
    const plugin = await loadPlugin(import.meta.dirname, { config });
${call}
  });

  it('cannot reach any other origin', async () => {
    const plugin = await loadPlugin(import.meta.dirname, { config: { ...config, baseUrl: 'http://127.0.0.1:9' } });
    const out = await plugin.call(${kind === 'notify' ? `'send', [{ to: 'x', text: 'y' }]` : `'healthCheck', []`}, {
      config: { ...config, baseUrl: 'http://127.0.0.1:9' },
    });
    expect(out.ok).toBe(false);
    expect(plugin.manifest.capabilities.fetch).toEqual(['config:baseUrl']);
  });
});
`;
}

export function scaffoldPlugin(options: { name: string; kind: string; dir?: string }): ScaffoldResult {
  const { name, kind } = options;
  if (!/^[a-z][a-z0-9-]{1,48}[a-z0-9]$/.test(name)) {
    throw new ScaffoldError(`Plugin name "${name}": use 3-50 lowercase letters, digits and dashes, starting with a letter`);
  }
  if (!KINDS.includes(kind as PluginKind)) throw new ScaffoldError(`--kind must be one of ${KINDS.join(', ')}`);
  const k = kind as PluginKind;
  const dir = path.join(options.dir ?? pluginsDir(), name);
  if (fs.existsSync(dir)) throw new ScaffoldError(`${dir} already exists`);
  const sdk = importFrom(dir, 'app/plugins/sdk');
  const harness = importFrom(dir, 'app/plugins/sdk/testing.server');
  const { type, schema } = configType(k);
  const files: Record<string, string> = {
    'manifest.json': `${JSON.stringify(
      {
        id: name,
        name: title(name),
        description: `A ${k} plugin.`,
        version: '0.1.0',
        kind: k,
        capabilities: { fetch: ['config:baseUrl'] },
      },
      null,
      2,
    ).replace(/\[\s+"config:baseUrl"\s+\]/, '["config:baseUrl"]')}\n`,
    'index.ts': `import { definePlugin } from '${sdk}';

${type}

export default definePlugin<'${k}', Config>({
  id: '${name}',
  name: '${title(name)}',
  version: '0.1.0',
  kind: '${k}',
  // Only the origin of the configured base URL is reachable (docs/plugin-guide.md, "Capabilities").
  capabilities: { fetch: ['config:baseUrl'] },
  configSchema: ${schema},
${hooks(k)}
});
`,
    'README.md': `# ${name}

A Waihu ${k} plugin, scaffolded with \`waihu plugin new ${name} --kind ${k}\`.

- Config: \`baseUrl\` (the only origin the plugin may fetch from) and \`apiKey\` (a secret, stored encrypted).
- Hooks: see \`index.ts\`; the reference is in docs/plugin-guide.md.
- Test: \`npx vitest run plugins/${name}\` runs \`${name}.test.ts\` in the real sandbox against a local server.
`,
    [`${name}.test.ts`]: testFile(name, k, harness),
  };
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content);
  return { dir, relativeDir: path.relative(process.cwd(), dir), files: Object.keys(files) };
}
