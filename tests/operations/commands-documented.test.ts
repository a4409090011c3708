import fs from 'node:fs';
import { describe, expect, it } from 'vitest';

// docs/operations.md lists every `npm run` command: a script added to package.json without a line
// there fails here.

const scripts = Object.keys((JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts);
const guide = fs.readFileSync('docs/operations.md', 'utf8');
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('docs/operations.md', () => {
  it('lists every npm run command of package.json', () => {
    // `npm run test` must not count as listed because `npm run test:unit` is.
    const missing = scripts.filter((name) => !new RegExp(`npm run ${literal(name)}(?![\\w:-])`).test(guide));
    expect(missing, 'add these to the table "Every `npm run` command" in docs/operations.md').toEqual([]);
  });

  it('lists no command that package.json does not have', () => {
    const listed = [...guide.matchAll(/^\| `npm run ([\w:-]+)`/gm)].map((m) => m[1] as string);
    expect(listed.filter((name) => !scripts.includes(name))).toEqual([]);
  });
});
