import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from './paths.server';
import { ScaffoldError, scaffoldPlugin } from './scaffold.server';

// `waihu plugin new` in a temporary copy of the project (its sources copied, node_modules linked,
// an empty plugins/), then the project's test command on the new plugin: nothing is left in the repo.
const root = projectRoot();
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-scaffold-'));
for (const entry of ['app', 'bin', 'server', 'tests', 'prisma', 'package.json', 'vitest.config.ts', 'tsconfig.json']) {
  fs.cpSync(path.join(root, entry), path.join(copy, entry), { recursive: true });
}
fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
fs.mkdirSync(path.join(copy, 'plugins'));

afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

const run = (args: string[]) =>
  execFileSync(process.execPath, args, {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, WAIHU_LOG_LEVEL: 'silent', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: 'pipe',
  });

describe('waihu plugin new', () => {
  it('scaffolds demo-crm whose test passes under the project test command', () => {
    const out = run(['bin/waihu.js', 'plugin', 'new', 'demo-crm', '--kind', 'crm']);
    expect(out).toMatch(/Created .*demo-crm: manifest\.json, index\.ts, README\.md, demo-crm\.test\.ts/);
    expect(fs.existsSync(path.join(root, 'plugins', 'demo-crm'))).toBe(false);
    const result = run([path.join('node_modules', 'vitest', 'vitest.mjs'), 'run', 'plugins/demo-crm']);
    expect(result).toMatch(/plugins\/demo-crm\/demo-crm\.test\.ts \(2 tests\)/);
    expect(result).toMatch(/Tests\s+2 passed/);
  }, 180_000);

  it('scaffolds every kind with a valid manifest, and refuses bad names, kinds and existing folders', async () => {
    const dir = path.join(copy, 'kinds');
    for (const kind of ['carrier', 'notify']) {
      const { files } = scaffoldPlugin({ name: `demo-${kind}`, kind, dir });
      expect(files).toContain(`demo-${kind}.test.ts`);
    }
    const { readManifest } = await import('./registry.server');
    expect(readManifest(path.join(dir, 'demo-carrier')).kind).toBe('carrier');
    expect(() => scaffoldPlugin({ name: 'Bad Name', kind: 'crm', dir })).toThrow(ScaffoldError);
    expect(() => scaffoldPlugin({ name: 'demo-x', kind: 'fax', dir })).toThrow(/--kind/);
    expect(() => scaffoldPlugin({ name: 'demo-notify', kind: 'notify', dir })).toThrow(/already exists/);
  });
});
