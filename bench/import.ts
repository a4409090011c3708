// npm run bench:import — generate a contact file (1 000 000 rows by default, BENCH_ROWS to change)
// with ~2 % invalid phones, ~3 % duplicates, 8 custom fields and a tags column; import it through
// the real import job; load the same file with plain COPY into an unindexed table as the ceiling.
// Last line: one JSON object with the figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { prisma } from '../app/db/prisma.server';
import { customField, FIXED_FIELDS, type FieldDef } from '../app/modules/lists/field-template';
import { runImport } from '../app/modules/lists/imports.server';
import { createProject } from '../app/modules/projects/projects.server';
import { demoMobile, demoName, demoRandom } from '../app/modules/system/demo-lists.server';
import { benchFolder, withBenchDatabase } from './bench-database';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dir = benchFolder('import', 3);

const custom = customField;
const FIELDS: FieldDef[] = [
  ...FIXED_FIELDS,
  custom('policyNo', 'text'),
  custom('product', 'enum', { options: ['life', 'health', 'annuity'].map((v) => ({ value: v, label: { zh: v, en: v } })) }),
  custom('premium', 'money'),
  custom('policyStart', 'date'),
  custom('age', 'number', { min: 0, max: 130 }),
  custom('vip', 'boolean'),
  custom('email', 'email'),
  custom('agentCode', 'text'),
];
const HEADER = [
  'name',
  'phone',
  'gender',
  'city',
  'policyNo',
  'product',
  'premium',
  'policyStart',
  'age',
  'vip',
  'email',
  'agentCode',
  'tags',
];
const CITIES = ['上海', '北京', '成都', '杭州', '广州', '深圳', '武汉', '南京'];

async function generate(file: string): Promise<void> {
  const r = demoRandom(7);
  const out = fs.createWriteStream(file);
  const recent: string[] = [];
  const write = (line: string) =>
    out.write(line) ? Promise.resolve() : new Promise<void>((ok) => out.once('drain', () => ok()));
  await write(`${HEADER.join(',')}\n`);
  for (let i = 0; i < ROWS; i++) {
    const roll = r.next();
    let phone = demoMobile(r);
    if (roll < 0.02)
      phone = `1${String(r.int(0, 999_999_999))}`.slice(0, 9); // too short: invalid
    else if (roll < 0.05 && recent.length) phone = recent[r.int(0, recent.length - 1)]!; // a duplicate
    if (recent.length < 5000) recent.push(phone);
    else recent[i % 5000] = phone;
    const city = r.pick(CITIES);
    const row = [
      demoName(r),
      phone,
      r.pick(['男', '女']),
      city,
      `P${20_000_000 + i}`,
      r.pick(['life', 'health', 'annuity']),
      String(r.int(20, 5000) * 10),
      `2026-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
      String(r.int(18, 90)),
      r.pick(['是', '否']),
      `u${i}@example.com`,
      `A${r.int(1000, 9999)}`,
      r.next() < 0.3 ? `${city};${r.pick(['VIP', '老客户', '高意向'])}` : city,
    ];
    await write(`${row.join(',')}\n`);
  }
  await new Promise<void>((ok) => out.end(() => ok()));
  fs.chmodSync(file, 0o644);
}

// Generating the file happens in a child process, so the peak RSS reported is the importer's own.
if (process.argv[2] === '--generate') {
  await generate(process.argv[3]!);
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

await withBenchDatabase(dir, async (url) => {
  const file = path.join(dir, 'contacts.csv');
  console.log(`generating ${ROWS} rows…`);
  const generator = spawnSync(process.execPath, ['--import', 'tsx', 'bench/import.ts', '--generate', file], { stdio: 'inherit' });
  if (generator.status !== 0) throw new Error('generating the file failed');
  console.log(`file: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);

  const project = await createProject({ name: 'bench' }, { name: 'bench', type: 'returnVisit', description: '', fields: FIELDS });
  const job = await prisma.contactImport.create({
    data: {
      projectId: project.id,
      fileName: 'contacts.csv',
      filePath: file,
      format: 'csv',
      headers: HEADER,
      mapping: Object.fromEntries(HEADER.map((h, i) => [i, h])),
    },
  });
  console.log('importing through the import job…');
  const start = performance.now();
  await runImport(job.id);
  const seconds = (performance.now() - start) / 1000;
  const result = await prisma.contactImport.findUniqueOrThrow({ where: { id: job.id } });
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  console.log('loading the same file with COPY into an unindexed table…');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE copy_ceiling (${HEADER.map((h) => `"${h}" text`).join(', ')})`);
  const copyStart = performance.now();
  await client.query(`COPY copy_ceiling FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  const copySeconds = (performance.now() - copyStart) / 1000;
  await client.end();

  const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  console.log(
    JSON.stringify({
      bench: 'import',
      rows: ROWS,
      seconds: round(seconds),
      rowsPerSec: Math.round(ROWS / seconds),
      peakRssMb: round(peakRssMb, 1),
      copySeconds: round(copySeconds),
      ratioToCopy: round(seconds / copySeconds),
      accepted: result.accepted,
      rejected: result.rejected,
      duplicates: result.duplicates,
    }),
  );
});
