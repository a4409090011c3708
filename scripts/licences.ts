// `npm run licences`: writes docs/licences.md, the licence of every package Waihu ships (the
// production tree installed from package.json `dependencies`, as package-lock.json resolves it),
// with counts per licence and the packages whose licence needs a person's review (ADR 094).
// Licences come from each installed package.json (`license`, or the old `licenses` list), else
// from its LICENSE file's wording, else they are UNKNOWN.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveInLock } from './lockfile';

export const LICENCES_DOC = 'docs/licences.md';

/** Copyleft or source-available licences that constrain how Waihu may be distributed or hosted. */
const NEEDS_REVIEW = /^(?:AGPL|LGPL|GPL|SSPL)|^UNKNOWN$|^UNLICENSED$/i;

/**
 * Flagged packages a person has reviewed, each with why it is acceptable. The licences test fails
 * when the flagged list and this one differ: a new flagged package needs a review entry here, and
 * an entry nothing needs any more is removed.
 */
export const REVIEWED: { name: string; licence: string; reason: string }[] = [
  {
    name: 'buffers',
    licence: 'UNKNOWN',
    reason:
      'exceljs → unzipper → binary; the 0.1.1 tarball declares no licence, its repository (github.com/substack/node-buffers) is MIT (LICENSE file; package.json MIT/X11 from 0.1.2).',
  },
];

interface LockEntry {
  name?: string;
  version?: string;
  dev?: boolean;
  license?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface InstalledPackage {
  name?: string;
  version?: string;
  license?: string | { type?: string };
  licenses?: ({ type?: string } | string)[];
}

export interface LicenceRow {
  name: string;
  version: string;
  licence: string;
  /** Where the licence was read: the package's package.json, or inferred from its LICENSE file. */
  source: 'package.json' | 'LICENSE file' | 'none';
}

/**
 * Whether an SPDX expression needs review: a choice (OR) is fine when one alternative is fine;
 * a combination (AND) needs every part to be. Anything unparsable needs review.
 */
export function needsReview(expression: string): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  // Returns whether the sub-expression is acceptable; throws on a malformed expression.
  const primary = (): boolean => {
    const token = tokens[at++];
    if (token === undefined || token === ')' || /^(?:AND|OR|WITH)$/i.test(token)) throw new Error('malformed');
    if (token === '(') {
      const inner = disjunction();
      if (tokens[at++] !== ')') throw new Error('malformed');
      return inner;
    }
    if (peek()?.toUpperCase() === 'WITH') at += 2; // an exception narrows the licence; the family still decides
    return !NEEDS_REVIEW.test(token);
  };
  const conjunction = (): boolean => {
    let ok = primary();
    while (peek()?.toUpperCase() === 'AND') {
      at++;
      ok = primary() && ok;
    }
    return ok;
  };
  const disjunction = (): boolean => {
    let ok = conjunction();
    while (peek()?.toUpperCase() === 'OR') {
      at++;
      ok = conjunction() || ok;
    }
    return ok;
  };
  try {
    const ok = disjunction();
    return at !== tokens.length || !ok;
  } catch {
    return true;
  }
}

/** Recognises the common permissive licence texts, for packages whose package.json names none. */
function licenceFromFile(dir: string): string | null {
  const file = fs.readdirSync(dir).find((name) => /^(?:licen[cs]e|copying)(?:\.|$|-)/i.test(name));
  if (!file) return null;
  const text = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\s+/g, ' ');
  if (/GNU AFFERO GENERAL PUBLIC LICENSE/i.test(text)) return 'AGPL';
  if (/GNU LESSER GENERAL PUBLIC LICENSE/i.test(text)) return 'LGPL';
  if (/GNU GENERAL PUBLIC LICENSE/i.test(text)) return 'GPL';
  if (/Permission is hereby granted, free of charge/i.test(text)) return 'MIT';
  if (/Permission to use, copy, modify, and\/or distribute this software for any purpose/i.test(text)) return 'ISC';
  if (/Apache License,? Version 2\.0/i.test(text)) return 'Apache-2.0';
  if (/Redistribution and use in source and binary forms/i.test(text)) {
    return /Neither the name/i.test(text) ? 'BSD-3-Clause' : 'BSD-2-Clause';
  }
  return null;
}

function licenceOf(dir: string, lockLicence: string | undefined): Pick<LicenceRow, 'licence' | 'source'> {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as InstalledPackage;
  const declared =
    typeof pkg.license === 'string'
      ? pkg.license
      : (pkg.license?.type ??
        pkg.licenses
          ?.map((entry) => (typeof entry === 'string' ? entry : entry.type))
          .filter(Boolean)
          .join(' OR ') ??
        lockLicence);
  if (declared && !/^SEE LICEN[CS]E IN/i.test(declared)) return { licence: declared, source: 'package.json' };
  const inferred = licenceFromFile(dir);
  return inferred ? { licence: inferred, source: 'LICENSE file' } : { licence: 'UNKNOWN', source: 'none' };
}

/** Every installed package reachable from package.json `dependencies`, one row per name and version. */
export function productionLicences(root: string): LicenceRow[] {
  const lockFile = path.join(root, 'package-lock.json');
  if (!fs.existsSync(lockFile)) throw new Error(`${lockFile} is missing: run npm install first`);
  const packages = (JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages?: Record<string, LockEntry> }).packages ?? {};
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const queue = Object.keys(manifest.dependencies ?? {})
    .map((name) => resolveInLock(packages, '', name))
    .filter((key): key is string => key !== null);
  const seen = new Set(queue);
  const rows = new Map<string, LicenceRow>();
  while (queue.length) {
    const key = queue.shift()!;
    const entry = packages[key]!;
    const dir = path.join(root, key);
    // Optional packages for other platforms are in the lockfile but not installed: they are not shipped here.
    if (entry.dev || !fs.existsSync(path.join(dir, 'package.json'))) continue;
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as InstalledPackage;
    const name = installed.name ?? entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const version = installed.version ?? entry.version ?? '?';
    rows.set(`${name}@${version}`, { name, version, ...licenceOf(dir, entry.license) });
    const requiredPeers = Object.keys(entry.peerDependencies ?? {}).filter(
      (peer) => !entry.peerDependenciesMeta?.[peer]?.optional,
    );
    for (const dep of [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...requiredPeers,
    ]) {
      const next = resolveInLock(packages, key, dep);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

export function flagged(rows: LicenceRow[]): LicenceRow[] {
  return rows.filter((row) => needsReview(row.licence));
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderLicences(rows: LicenceRow[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.licence, (counts.get(row.licence) ?? 0) + 1);
  const review = flagged(rows);
  const lines = [
    '# Licences of the shipped dependencies',
    '',
    'Generated by `npm run licences` from package-lock.json and the installed packages; do not edit by hand.',
    'It lists every package installed from package.json `dependencies` (development tools are not shipped).',
    'Policy and review: [ADR 094](decisions/094-licence-review.md) and [operations](operations.md#dependency-hygiene).',
    '',
    `${rows.length} packages.`,
    '',
    '## Per licence',
    '',
    '| Licence | Packages |',
    '| --- | ---: |',
    ...[...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([licence, n]) => `| ${cell(licence)} | ${n} |`),
    '',
    '## For review',
    '',
    'Copyleft (GPL, LGPL, AGPL), SSPL, proprietary or unknown licences, unless a permissive alternative is offered.',
    '',
  ];
  if (review.length === 0) lines.push('None.');
  else {
    lines.push('| Package | Version | Licence | Review |', '| --- | --- | --- | --- |');
    for (const row of review) {
      const reviewed = REVIEWED.find((entry) => entry.name === row.name && entry.licence === row.licence);
      lines.push(`| ${row.name} | ${row.version} | ${cell(row.licence)} | ${cell(reviewed?.reason ?? 'NOT REVIEWED')} |`);
    }
  }
  lines.push('', '## All packages', '', '| Package | Version | Licence |', '| --- | --- | --- |');
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${row.version} | ${cell(row.licence)}${row.source === 'LICENSE file' ? ' (from its LICENSE file)' : ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function main(): void {
  const root = process.cwd();
  const rows = productionLicences(root);
  fs.writeFileSync(path.join(root, LICENCES_DOC), renderLicences(rows));
  const review = flagged(rows);
  const unreviewed = review.filter((row) => !REVIEWED.some((entry) => entry.name === row.name && entry.licence === row.licence));
  console.log(
    `Wrote ${LICENCES_DOC}: ${rows.length} packages, ${review.length} flagged for review, ${unreviewed.length} not reviewed.`,
  );
  for (const row of unreviewed) console.log(`  not reviewed: ${row.name}@${row.version} (${row.licence})`);
  if (unreviewed.length) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
