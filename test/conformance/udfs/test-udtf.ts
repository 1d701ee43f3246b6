// TEST_UDTF: every parameter shape printed as Java prints it, and one overload per return type.

import type { TableFunction } from '../../../src/functions/extensions/api.js';
import { javaText } from './java-text.js';

const firstOfEach = (values: unknown[]) => values.map(javaText);
const firstItem = (list: unknown[] | null) => list?.[0] ?? null;
const firstValue = (map: Map<unknown, unknown> | null) => (map ? [...map.values()][0] ?? null : null);
const one = (v: unknown) => [v];

export const testUdtf: TableFunction = {
  kind: 'table',
  name: 'test_udtf',
  description: 'test',
  overloads: [
    {
      signature: '(i INT, l BIGINT, d DOUBLE, b BOOLEAN, s STRING, bd DECIMAL, struct STRUCT<A STRING>) STRING',
      invoke: (...args: unknown[]) => firstOfEach(args),
    },
    {
      signature:
        '(i ARRAY<INT>, l ARRAY<BIGINT>, d ARRAY<DOUBLE>, b ARRAY<BOOLEAN>, s ARRAY<STRING>, bd ARRAY<DECIMAL>, struct ARRAY<STRUCT<A STRING>>) STRING',
      invoke: (...lists: (unknown[] | null)[]) => firstOfEach(lists.map(firstItem)),
    },
    {
      signature:
        '(i MAP<STRING, INT>, l MAP<STRING, BIGINT>, d MAP<STRING, DOUBLE>, b MAP<STRING, BOOLEAN>, s MAP<STRING, STRING>, bd MAP<STRING, DECIMAL>, struct MAP<STRING, STRUCT<A STRING>>) STRING',
      invoke: (...maps: (Map<unknown, unknown> | null)[]) => firstOfEach(maps.map(firstValue)),
    },
    {
      signature:
        '(i MAP<BIGINT, INT>, l MAP<STRING, BIGINT>, d MAP<STRING, DOUBLE>, b MAP<STRING, BOOLEAN>, s MAP<STRING, STRING>, bd MAP<STRING, DECIMAL>, struct MAP<STRING, STRUCT<A STRING>>) STRING',
      invoke: (...maps: (Map<unknown, unknown> | null)[]) => firstOfEach(maps.map(firstValue)),
    },
    { signature: '(i INT) INT', invoke: one },
    { signature: '(l BIGINT) BIGINT', invoke: one },
    { signature: '(d DOUBLE) DOUBLE', invoke: one },
    { signature: '(b BOOLEAN) BOOLEAN', invoke: one },
    { signature: '(s STRING) STRING', invoke: one },
    { signature: '(bd DECIMAL)', returnType: () => 'DECIMAL(30, 10)', invoke: one },
    { signature: '(struct STRUCT<A STRING>) STRUCT<A STRING>', invoke: one },
  ],
};

export const throwingUdtf: TableFunction = {
  kind: 'table',
  name: 'throwing_udtf',
  description: 'test UDTF that throws if param is true',
  overloads: [
    {
      signature: '(shouldThrow BOOLEAN) BOOLEAN',
      invoke: (shouldThrow: boolean | null) => {
        if (shouldThrow) throw new Error('You asked me to throw...');
        return [shouldThrow];
      },
    },
  ],
};
