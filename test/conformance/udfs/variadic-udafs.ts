// Aggregates with several column arguments, variadic columns in any position and literal
// init arguments: MULTI_ARG, VAR_ARG, MID_VAR_ARG, GENERIC_VAR_ARG and OBJ_COL_ARG.

import type { AggregateFunction, Aggregation } from '../../../src/functions/extensions/api.js';

const lengths = (strings: (string | null)[] | null) => (strings ?? []).reduce((n, s) => n + (s?.length ?? 0), 0);

/** Adds numbers as they are and strings (alone or in a variadic group) by their length. */
const weight = (v: unknown): number =>
  v === null ? 0 : typeof v === 'number' ? v : typeof v === 'string' ? v.length : Array.isArray(v) ? v.reduce((n: number, x) => n + weight(x), 0) : 0;

const summing = (initial: number, offset = 0): Aggregation<number> => ({
  initialize: () => initial,
  aggregate: (total, ...columns: unknown[]) => total + weight(columns),
  merge: (a, b) => a + b,
  map: (total) => total + offset,
});

/** Collects the first column of rows whose other columns are all non-null. */
const collectingComplete = (): Aggregation<unknown[]> => ({
  initialize: () => [],
  aggregate: (list, ...columns: unknown[]) => {
    const flat = columns.flatMap((c, i) => (i === columns.length - 1 && Array.isArray(c) ? c : [c]));
    return flat.every((v) => v !== null) ? [...list, columns[0]] : list;
  },
  merge: (a, b) => [...a, ...b],
});

export const multiArg: AggregateFunction = {
  kind: 'aggregate',
  name: 'MULTI_ARG',
  description: 'Returns the sum of the provided longs and lengths of strings.',
  overloads: [
    {
      signature: '(first BIGINT, second STRING) BIGINT',
      initArgs: '(initArg1 INT, initArg2 STRING...)',
      create: (_ctx, initArg1: number, initArg2: string[]) => summing(initArg1 + lengths(initArg2)),
    },
  ],
};

export const fourArg: AggregateFunction = {
  kind: 'aggregate',
  name: 'FOUR_ARG',
  description: 'Returns the sum of the provided longs and lengths of strings.',
  overloads: [
    {
      signature: '(first BIGINT, second STRING, third STRING, fourth STRING) BIGINT',
      initArgs: '(initArg1 INT, initArg2 STRING...)',
      create: (_ctx, initArg1: number, initArg2: string[]) => summing(initArg1 + lengths(initArg2)),
    },
  ],
};

export const fiveArg: AggregateFunction = {
  kind: 'aggregate',
  name: 'FIVE_ARG',
  description: 'Returns the sum of the provided longs, lengths of strings, and integers.',
  overloads: [
    {
      signature: '(first BIGINT, second STRING, third STRING, fourth STRING, fifth INT) BIGINT',
      initArgs: '(initArg1 INT, initArg2 STRING...)',
      create: (_ctx, initArg1: number, initArg2: string[]) => summing(initArg1 + lengths(initArg2)),
    },
  ],
};

export const varArg: AggregateFunction = {
  kind: 'aggregate',
  name: 'VAR_ARG',
  description: 'Returns the sum of the provided longs and lengths of strings.',
  overloads: [{ signature: '(first BIGINT, rest STRING...) BIGINT', create: () => summing(0) }],
};

export const midVarArg: AggregateFunction = {
  kind: 'aggregate',
  name: 'MID_VAR_ARG',
  description: 'Returns the sum of the provided longs, lengths of strings, and initial arguments.',
  overloads: [
    {
      signature: '(first BIGINT, rest STRING...) BIGINT',
      initArgs: '(first INT, second INT)',
      create: (_ctx, first: number, second: number) => summing(0, first + second),
    },
  ],
};

export const genericVarArg: AggregateFunction = {
  kind: 'aggregate',
  name: 'GENERIC_VAR_ARG',
  description: 'Returns an array of rows where all the given columns are non-null.',
  overloads: [{ signature: '(first A, second B, rest C...) ARRAY<A>', create: collectingComplete }],
};

export const objColArg: AggregateFunction = {
  kind: 'aggregate',
  name: 'OBJ_COL_ARG',
  description: 'Returns an array of rows where all the given columns are non-null.',
  overloads: [{ signature: '(first INT, rest ANY...) ARRAY<INT>', create: collectingComplete }],
};
