import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDependencies, packageOf } from './deps-check';

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A throwaway project: `files` maps relative paths to contents. */
function project(files: Record<string, string | object>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-deps-'));
  scratch.push(root);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

describe('deps:check', () => {
  it('finds no unused dependency in Waihu itself', () => {
    const report = checkDependencies(process.cwd());
    expect(report.unused).toEqual([]);
    expect(report.staleAllowScripts).toEqual([]);
  });

  it('reports a declared package nothing uses, and only that one', () => {
    const root = project({
      'package.json': {
        dependencies: { zod: '1', 'left-pad': '1', 'react-dom': '18' },
        devDependencies: { '@types/left-pad': '1', '@types/node': '24', '@types/react-dom': '18', tsx: '4' },
        scripts: { seed: 'node --import tsx scripts/seed.ts' },
      },
      'app/form.ts': "import { z } from 'zod';\nimport { hydrateRoot } from 'react-dom/client';\nimport fs from 'node:fs';\n",
    });
    const report = checkDependencies(root);
    expect(report.unused).toEqual(['@types/left-pad', 'left-pad']);
    expect(report.usedBy['@types/react-dom']).toBe('types for react-dom');
    expect(report.usedBy['@types/node']).toMatch(/Node built-ins/);
    expect(report.usedBy.tsx).toBe('imported by script "seed"');
  });

  it('counts CLIs run by scripts or by path, dynamic imports, requires and peer requirements', () => {
    const root = project({
      'package.json': {
        dependencies: { widget: '1', 'widget-peer': '1', lazy: '1', legacy: '1' },
        devDependencies: { linter: '1', generator: '1' },
        scripts: { lint: 'lint-it check .' },
      },
      'node_modules/linter/package.json': { name: 'linter', bin: { 'lint-it': 'cli.js' } },
      'package-lock.json': {
        packages: {
          '': {},
          'node_modules/widget': {
            peerDependencies: { 'widget-peer': '1', 'maybe-peer': '1' },
            peerDependenciesMeta: { 'maybe-peer': { optional: true } },
          },
          'node_modules/widget-peer': {},
          'node_modules/linter': {},
        },
      },
      'server/main.ts': "import 'widget';\nconst lazy = await import('lazy');\nconst legacy = require('legacy');\n",
      'scripts/gen.mjs': "spawnSync(process.execPath, ['node_modules/generator/cli.js']);\n",
    });
    const report = checkDependencies(root);
    expect(report.unused).toEqual([]);
    expect(report.usedBy['widget-peer']).toBe('peer dependency of widget');
    expect(report.usedBy.linter).toBe('script "lint" runs lint-it');
    expect(report.usedBy.generator).toMatch(/node_modules\/generator in scripts\/gen\.mjs/);
  });

  it('names the package a module specifier belongs to', () => {
    expect(packageOf('@remix-run/react')).toBe('@remix-run/react');
    expect(packageOf('@xyflow/react/dist/style.css')).toBe('@xyflow/react');
    expect(packageOf('react-dom/server')).toBe('react-dom');
    expect(packageOf('node:fs')).toBeNull();
    expect(packageOf('path')).toBeNull();
    expect(packageOf('./local')).toBeNull();
    expect(packageOf('virtual:remix/server-build')).toBeNull();
  });
});
