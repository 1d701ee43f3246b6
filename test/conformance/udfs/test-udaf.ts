// TEST_UDAF: sums of longs, ints, doubles and any number type, string lengths with an initial
// string, and a struct of sums. The INT overload starts from `ksql.functions.test_udaf.init`.

import type { AggregateFunction, Aggregation } from '../../../src/functions/extensions/api.js';

const sum = (zero: number): Aggregation<number> => ({
  initialize: () => zero,
  aggregate: (total, value: number | null) => total + (value ?? 0),
  undo: (total, value: number | null) => total - (value ?? 0),
  merge: (a, b) => a + b,
});

interface Pair {
  A: number | null;
  B: number | null;
}

export const testUdaf: AggregateFunction = {
  kind: 'aggregate',
  name: 'test_udaf',
  description: 'test_udaf',
  overloads: [
    { signature: '(value BIGINT) BIGINT', description: 'sums longs', create: () => sum(0) },
    {
      signature: '(value INT) BIGINT',
      description: 'sums int',
      create: (ctx) => sum(Number(ctx.config['ksql.functions.test_udaf.init'] ?? 0)),
    },
    { signature: '(value DOUBLE) DOUBLE', description: 'sums double', create: () => sum(0) },
    { signature: '(value T) T', description: 'sums numbers', create: () => sum(0) },
    {
      signature: '(value STRING) BIGINT',
      initArgs: '(initialString STRING)',
      description: 'sums the length of strings',
      create: (_ctx, initial: string) => ({
        initialize: () => initial.length,
        aggregate: (total: number, s: string | null) => total + (s?.length ?? 0),
        merge: (a: number, b: number) => a + b,
      }),
    },
    {
      signature: '(value STRUCT<A INT, B INT>) STRUCT<A INT, B INT>',
      description: 'returns a struct with {SUM(in->A), SUM(in->B)}',
      create: (): Aggregation<Pair> => ({
        initialize: () => ({ A: 0, B: 0 }),
        aggregate: (agg, v: Pair | null) => ({ A: (agg.A ?? 0) + (v?.A ?? 0), B: (agg.B ?? 0) + (v?.B ?? 0) }),
        merge: (a, b) => ({ A: (a.A ?? 0) + (b.A ?? 0), B: (a.B ?? 0) + (b.B ?? 0) }),
      }),
    },
  ],
};
