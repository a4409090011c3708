import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagged, LICENCES_DOC, needsReview, productionLicences, REVIEWED, renderLicences } from './licences';

describe('licences', () => {
  const rows = productionLicences(process.cwd());

  it('flags exactly the packages in the reviewed allow-list', () => {
    const found = flagged(rows).map((row) => `${row.name} (${row.licence})`);
    const reviewed = REVIEWED.map((entry) => `${entry.name} (${entry.licence})`);
    expect([...new Set(found)].sort()).toEqual([...reviewed].sort());
  });

  it('lists the shipped packages and none of the development tools', () => {
    const names = new Set(rows.map((row) => row.name));
    for (const shipped of ['react', 'antd', 'pg', 'zod', 'scheduler']) expect(names).toContain(shipped);
    for (const tool of ['vitest', '@biomejs/biome', 'typescript', '@playwright/test', 'fast-check'])
      expect(names).not.toContain(tool);
    expect(rows.every((row) => row.licence && row.version)).toBe(true);
  });

  it('docs/licences.md is current (regenerate it with npm run licences)', () => {
    expect(fs.readFileSync(LICENCES_DOC, 'utf8')).toBe(renderLicences(rows));
  });

  it('asks for review of copyleft, proprietary and unknown licences unless a permissive choice is offered', () => {
    for (const ok of ['MIT', 'Apache-2.0', '(MIT OR GPL-3.0-or-later)', '(Apache-2.0 AND MIT)', 'BlueOak-1.0.0', '0BSD']) {
      expect(needsReview(ok), ok).toBe(false);
    }
    for (const review of [
      'GPL-3.0',
      'LGPL-2.1-only',
      'AGPL-3.0',
      'SSPL-1.0',
      'MIT AND LGPL-3.0',
      'UNKNOWN',
      'UNLICENSED',
      '(MIT',
      '',
    ]) {
      expect(needsReview(review), review).toBe(true);
    }
    expect(needsReview('GPL-2.0-only WITH Classpath-exception-2.0')).toBe(true);
  });
});
