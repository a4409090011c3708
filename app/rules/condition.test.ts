import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../utils/seeded-random';
import {
  type Condition,
  type ConditionGroup,
  type ConditionRule,
  checkCondition,
  OPERATORS,
  type OperatorName,
  operatorsFor,
} from './condition';
import { evaluateCondition } from './condition-eval';
import { conditionToSql } from './condition-sql';
import { compileCondition, DEFAULT_SANDBOX_OPTIONS, evaluateBatch } from './runtime.server';
import { CONTACT_SCOPE } from './samples';
import { SandboxPool } from './sandbox/pool.server';
import { defineScope, type FieldType, type ScopeRow } from './types';

// A condition, its SQL form and the direct evaluator (condition-eval.ts) must agree. Random conditions over random rows (with nulls, empty
// strings and empty lists, the three-valued-logic traps) run through the real sandbox and through
// PostgreSQL; every difference fails with the seed, so it reproduces.

const SCOPE = defineScope('agreement', [
  { name: 't', type: 'text' },
  { name: 'n', type: 'number' },
  { name: 'd', type: 'date' },
  { name: 'b', type: 'boolean' },
  { name: 'tg', type: 'tags' },
  { name: 'c', type: 'choice', options: ['x', 'y', 'z'] },
  { name: 'mc', type: 'multiChoice', options: ['x', 'y', 'z'] },
]);
const COLUMNS = { t: '"t"', n: '"n"', d: '"d"', b: '"b"', tg: '"tg"', c: '"c"', mc: '"mc"' };
const TEXTS = ['', 'a', 'ab', 'abc', 'b', 'ba', '上海', '上', 'A', "o'k"];
const NUMBERS = [-2, -0.5, 0, 0.5, 1, 2, 3.25, 10, 100];
const DATES = ['1960-01-01', '1999-12-31', '2000-01-01', '2024-02-29', '2026-11-24'];
const TAGS = ['VIP', 'new', 'vip', 'renewal', '续保'];
const OPTIONS = ['x', 'y', 'z'];

function generator(seed: number) {
  const rand = seededRng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const subset = <T>(list: readonly T[], max = 3): T[] =>
    Array.from({ length: Math.floor(rand() * (max + 1)) }, () => pick(list));
  const maybe = <T>(value: () => T): T | null => (rand() < 0.2 ? null : value());
  const row = (): ScopeRow => ({
    t: maybe(() => pick(TEXTS)),
    n: maybe(() => pick(NUMBERS)),
    d: maybe(() => pick(DATES)),
    b: maybe(() => rand() < 0.5),
    tg: maybe(() => [...new Set(subset(TAGS))]),
    c: maybe(() => pick(OPTIONS)),
    mc: maybe(() => [...new Set(subset(OPTIONS))]),
  });
  const valueFor = (type: FieldType, op: OperatorName): unknown => {
    const arity = OPERATORS[op].arity;
    const one = () =>
      type === 'number'
        ? pick(NUMBERS)
        : type === 'date'
          ? pick(DATES)
          : type === 'tags'
            ? pick(TAGS)
            : type === 'choice' || type === 'multiChoice'
              ? pick(OPTIONS)
              : pick(TEXTS);
    if (arity === 'none') return undefined;
    if (arity === 'two') return [one(), one()];
    if (arity === 'list') return subset(type === 'text' ? TEXTS : type === 'tags' ? TAGS : OPTIONS, 3);
    return one();
  };
  const rule = (): ConditionRule => {
    const field = pick(SCOPE.fields);
    const operator = pick(operatorsFor(field.type));
    const value = valueFor(field.type, operator);
    return { field: field.name, operator, ...(value === undefined ? {} : { value }) };
  };
  const group = (depth: number): ConditionGroup => ({
    combinator: rand() < 0.5 ? 'and' : 'or',
    ...(rand() < 0.2 ? { not: true } : {}),
    rules: Array.from({ length: Math.floor(rand() * 4) }, () => (depth < 3 && rand() < 0.25 ? group(depth + 1) : rule())),
  });
  return { row, condition: () => group(0) };
}

const pool = new SandboxPool({ ...DEFAULT_SANDBOX_OPTIONS });
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
const SEED = Number(process.env.RULES_SEED) || Date.now() % 1_000_000;
const ROWS = 40;
const CASES = 1000;
let rows: ScopeRow[] = [];

beforeAll(async () => {
  await client.connect();
  await client.query(
    'CREATE TEMP TABLE agreement (id int PRIMARY KEY, t text, n numeric, d date, b boolean, tg text[], c text, mc text[])',
  );
  const gen = generator(SEED);
  rows = Array.from({ length: ROWS }, () => gen.row());
  for (const [i, r] of rows.entries()) {
    await client.query('INSERT INTO agreement VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [i, r.t, r.n, r.d, r.b, r.tg, r.c, r.mc]);
  }
});

afterAll(async () => {
  await client.end();
  pool.close();
});

describe('conditions: JavaScript, SQL and the direct evaluator agree', () => {
  it(`on ${CASES} random conditions over ${ROWS} random rows`, async () => {
    const gen = generator(SEED + 1);
    const mismatches: string[] = [];
    let discriminating = 0;
    const work = Array.from({ length: CASES }, () => gen.condition());
    for (let i = 0; i < work.length; i += 50) {
      const slice = work.slice(i, i + 50).map((condition) => ({ condition, compiled: compileCondition(condition, SCOPE) }));
      const js = await Promise.all(
        slice.map(({ compiled }) => (compiled.ok ? evaluateBatch<boolean>(compiled.value, rows, pool) : null)),
      );
      for (const [k, { condition, compiled }] of slice.entries()) {
        const out = js[k];
        if (!compiled.ok || !out) {
          mismatches.push(`did not compile: ${JSON.stringify(condition)} ${JSON.stringify(compiled.ok || compiled.errors)}`);
          continue;
        }
        const { sql, params } = conditionToSql(compiled.value.condition, SCOPE, COLUMNS);
        const db = await client.query<{ id: number }>(`SELECT id FROM agreement WHERE ${sql} ORDER BY id`, params);
        const inSql = new Set(db.rows.map((r) => r.id));
        if (inSql.size > 0 && inSql.size < rows.length) discriminating++;
        out.results.forEach((match, id) => {
          const direct = evaluateCondition(compiled.value.condition, rows[id]!);
          if (out.errors[id] || match !== inSql.has(id) || direct !== match) {
            mismatches.push(
              `row ${JSON.stringify(rows[id])}: js=${match} sql=${inSql.has(id)} direct=${direct} condition=${JSON.stringify(condition)} sql=${sql} params=${JSON.stringify(params)}`,
            );
          }
        });
      }
    }
    // Guard against a generator that only makes trivially true or false conditions.
    expect(discriminating).toBeGreaterThan(CASES / 4);
    if (mismatches.length) console.error(`seed ${SEED} (rerun with RULES_SEED=${SEED}):\n${mismatches.slice(0, 5).join('\n')}`);
    expect(mismatches, `seed ${SEED}`).toEqual([]);
  }, 120_000);
});

describe('conditionToSql', () => {
  it('puts values only in params, numbered after the given offset', () => {
    const condition: Condition = {
      combinator: 'and',
      rules: [
        { field: 'name', operator: '=', value: "x'; DROP TABLE contacts; --" },
        {
          combinator: 'or',
          not: true,
          rules: [
            { field: 'tags', operator: 'hasAny', value: ['VIP'] },
            { field: 'age', operator: 'between', value: [60, 80] },
          ],
        },
      ],
    };
    const { sql, params } = conditionToSql(
      condition,
      CONTACT_SCOPE,
      { name: '"name"', tags: '"tags"', age: `("fields"->>'age')::numeric` },
      2,
    );
    expect(sql).not.toContain('DROP');
    expect(sql).toContain('$3::text');
    expect(sql).toContain('$5::numeric AND $6::numeric');
    expect(params).toEqual(["x'; DROP TABLE contacts; --", ['VIP'], 60, 80]);
  });

  it('refuses a field without a column', () => {
    expect(() => conditionToSql({ combinator: 'and', rules: [{ field: 'city', operator: 'null' }] }, CONTACT_SCOPE, {})).toThrow(
      /city/,
    );
  });
});

describe('checkCondition', () => {
  it('normalises builder output and reports problems with their path', () => {
    const checked = checkCondition(
      {
        id: 'root',
        combinator: 'AND',
        rules: [
          { id: 'r1', field: 'age', operator: 'between', value: '60, 80' },
          { field: 'tags', operator: 'hasAll', value: ['VIP', 'VIP'] },
        ],
      },
      CONTACT_SCOPE,
    );
    expect(checked).toEqual({
      ok: true,
      value: {
        combinator: 'and',
        rules: [
          { field: 'age', operator: 'between', value: [60, 80] },
          { field: 'tags', operator: 'hasAll', value: ['VIP'] },
        ],
      },
    });
    const bad = checkCondition(
      {
        combinator: 'or',
        rules: [
          { field: 'age', operator: 'contains', value: 'x' },
          {
            combinator: 'and',
            rules: [
              { field: 'birthDate', operator: '>', value: 5 },
              { field: 'agee', operator: '=', value: 1 },
            ],
          },
        ],
      },
      CONTACT_SCOPE,
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.map((e) => [e.key, e.path])).toEqual([
        ['condition.operator', [0]],
        ['condition.value', [1, 0]],
        ['unknownVariable.plain', [1, 1]],
      ]);
    }
  });
});
