// What a formula may call or read on a value, by the value's type. Everything not listed here
// is refused before running: this list is the formula language's whole standard library.
// Unbounded producers (`repeat`, `padStart`, `Array(n)`, `fill`) are absent on purpose.

export type ValueType = 'number' | 'string' | 'boolean' | 'date' | 'list' | 'null' | 'any';

export interface MethodSpec {
  args: ValueType[];
  /** How many of `args` are required; the rest are optional. */
  required?: number;
  returns: ValueType;
}

const textMethods: Record<string, MethodSpec> = {
  includes: { args: ['string'], returns: 'boolean' },
  startsWith: { args: ['string'], returns: 'boolean' },
  endsWith: { args: ['string'], returns: 'boolean' },
  indexOf: { args: ['string'], returns: 'number' },
  toLowerCase: { args: [], returns: 'string' },
  toUpperCase: { args: [], returns: 'string' },
  trim: { args: [], returns: 'string' },
  slice: { args: ['number', 'number'], required: 1, returns: 'string' },
  substring: { args: ['number', 'number'], required: 1, returns: 'string' },
  charAt: { args: ['number'], returns: 'string' },
};

export const METHODS: Partial<Record<ValueType, Record<string, MethodSpec>>> = {
  string: textMethods,
  // Dates are ISO strings; slicing out the year or month is the usual need.
  date: { slice: textMethods.slice!, startsWith: textMethods.startsWith!, substring: textMethods.substring! },
  list: {
    includes: { args: ['any'], returns: 'boolean' },
    indexOf: { args: ['any'], returns: 'number' },
    join: { args: ['string'], required: 0, returns: 'string' },
  },
  number: { toFixed: { args: ['number'], required: 0, returns: 'string' } },
};

export const PROPERTIES: Partial<Record<ValueType, Record<string, ValueType>>> = {
  string: { length: 'number' },
  list: { length: 'number' },
};

const n1 = { args: ['number'], returns: 'number' } as const satisfies MethodSpec;
export const MATH_FUNCTIONS: Record<string, MethodSpec | 'variadic'> = {
  abs: n1,
  round: n1,
  floor: n1,
  ceil: n1,
  trunc: n1,
  sign: n1,
  sqrt: n1,
  log: n1,
  exp: n1,
  pow: { args: ['number', 'number'], returns: 'number' },
  min: 'variadic',
  max: 'variadic',
};

export const MATH_CONSTANTS = ['PI', 'E'];
