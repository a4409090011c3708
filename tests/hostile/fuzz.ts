import fc from 'fast-check';

// Shared settings of the hostile-input tests: modest run counts so `npm test` stays fast;
// `FUZZ_RUNS=2000 npx vitest run tests/hostile` runs every property that many times instead.

export function fuzzRuns(normal: number): number {
  const raised = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(raised) && raised > 0 ? raised : normal;
}

/** A failing property prints its seed and counterexample; FUZZ_SEED replays it. */
export function fuzzOptions(normal: number): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED);
  // No shrinking: each run touches the database, and shrinking megabyte values takes minutes.
  return { numRuns: fuzzRuns(normal), endOnFailure: true, ...(Number.isInteger(seed) ? { seed } : {}) };
}

/** A megabyte of text: the oversized value every form and API gets at least once. */
export const ONE_MB = 'x'.repeat(1024 * 1024);

/** Text a hostile client sends: any code unit (NUL, lone surrogates, control characters), sometimes huge. */
export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(ONE_MB, '\u0000', '=cmd|calc', '"', "'; DROP TABLE x; --", '\uD800', '𠮷'.repeat(3000)),
  },
);

/** Any JSON value a hostile client may send in place of the expected one. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0)),
    hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value of a different JSON type than `original` (or an oversized string), never an equally valid one. */
export function wrongTypeFor(original: unknown): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constant(ONE_MB)];
  if (typeof original !== 'number') options.push(fc.oneof(fc.integer(), fc.constant(1e308)));
  if (typeof original !== 'boolean') options.push(fc.boolean());
  // A null slot is often an optional settings object (a task's robot settings): an object there
  // may be valid, so it is not offered as a wrong type.
  if ((typeof original !== 'object' || Array.isArray(original)) && original !== null)
    options.push(fc.dictionary(hostileString, hostileJson, { maxKeys: 3 }));
  if (!Array.isArray(original)) options.push(fc.array(hostileJson, { maxLength: 3 }));
  if (typeof original === 'number' || typeof original === 'boolean') options.push(fc.constant('not a number'));
  return fc.oneof(...options);
}

/** Byte-level damage to a file: set, insert, delete, duplicate a span, or cut the tail. */
export type Mutation =
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'truncate'; at: number };

const INTERESTING = [0x00, 0x22, 0x2c, 0x0a, 0x0d, 0x3b, 0x09, 0xff, 0xfe, 0xef, 0xbb, 0xbf, 0x80, 0x3d];

export const mutations = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('set' as const),
        at: fc.nat(),
        byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('duplicate' as const),
        at: fc.nat(),
        length: fc.integer({ min: 1, max: 200 }),
        to: fc.nat(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  ),
  { minLength: 1, maxLength: 6 },
);

export function mutate(original: Buffer, steps: Mutation[]): Buffer {
  let bytes = Buffer.from(original);
  for (const step of steps) {
    const at = bytes.length ? step.at % bytes.length : 0;
    if (step.kind === 'set' && bytes.length) bytes[at] = step.byte;
    else if (step.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), step.bytes, bytes.subarray(at)]);
    else if (step.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + step.length)]);
    else if (step.kind === 'duplicate') {
      const span = bytes.subarray(at, at + step.length);
      const to = bytes.length ? step.to % bytes.length : 0;
      bytes = Buffer.concat([bytes.subarray(0, to), span, bytes.subarray(to)]);
    } else if (step.kind === 'truncate') bytes = bytes.subarray(0, Math.max(1, at));
  }
  return bytes;
}

/** Fails the test (instead of hanging the run) when hostile input makes a call never settle. */
export async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
