import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Prisma 7's CLI needs a native schema engine it would download; Prisma 6.19's JavaScript
// engine (installed as the `prisma6` alias) diffs schemas offline. It needs a live database
// connection, though it reads nothing from it. See docs/decisions/002-prisma-migrations-offline.md.
const PRISMA6_CLI = path.resolve('node_modules/prisma6/build/index.js');
const PRISMA6_CONFIG = path.resolve('scripts/prisma6.config.ts');
const ENGINE_STUB = path.resolve('scripts/prisma-engine-stub.sh');

/** Prisma 7 keeps the URL out of the schema; Prisma 6 insists on one. */
function withUrl(schemaFile: string, dir: string, name: string): string {
  const source = fs.readFileSync(schemaFile, 'utf8');
  const patched = source.replace(/provider\s*=\s*"postgresql"/, '$&\n  url = env("DATABASE_URL")');
  const out = path.join(dir, name);
  fs.writeFileSync(out, patched);
  return out;
}

/** SQL that turns the database of `fromSchema` (or an empty one) into the database of `toSchema`. */
export async function diffSchemas(opts: { fromSchema: string | null; toSchema: string; databaseUrl: string }): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-diff-'));
  try {
    const from = opts.fromSchema ? ['--from-schema-datamodel', withUrl(opts.fromSchema, dir, 'from.prisma')] : ['--from-empty'];
    const to = ['--to-schema-datamodel', withUrl(opts.toSchema, dir, 'to.prisma')];
    const { stdout } = await run(
      process.execPath,
      [PRISMA6_CLI, 'migrate', 'diff', ...from, ...to, '--script', '--config', PRISMA6_CONFIG],
      {
        env: {
          ...process.env,
          DATABASE_URL: opts.databaseUrl,
          PRISMA_SCHEMA_ENGINE_BINARY: ENGINE_STUB,
          PRISMA_QUERY_ENGINE_LIBRARY: ENGINE_STUB,
          PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/--.*$/gm, '').trim() === '';
}
