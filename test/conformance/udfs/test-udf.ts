// TEST_UDF: overloads that name themselves (for resolution cases) and struct in and out.
// BAD_UDF: functions that throw, or return null every other call. WHENCONDITION, WHENRESULT.

import type { ScalarFunction } from '../../../src/functions/extensions/api.js';

const named = (name: string) => () => name;

export const testUdf: ScalarFunction = {
  kind: 'scalar',
  name: 'test_udf',
  description: 'test',
  overloads: [
    { signature: '(arg1 INT, arg2 STRING) STRING', description: 'returns the method name', invoke: named('doStuffIntString') },
    { signature: '(arg1 BIGINT, arg2 STRING) STRING', description: 'returns the method name', invoke: named('doStuffLongString') },
    { signature: '(arg1 BIGINT, arg2 BIGINT, arg3 STRING) STRING', description: 'returns the method name', invoke: named('doStuffLongLongString') },
    { signature: '(longs BIGINT...) STRING', description: 'returns method name', invoke: named('doStuffLongVarargs') },
    { signature: '(struct STRUCT<A STRING>) STRING', description: "returns the value of 'A'", invoke: (s: { A: string } | null) => s?.A ?? null },
    { signature: '() STRUCT<A STRING>', description: "returns the value of 'STRUCT<A VARCHAR>'", invoke: () => ({ A: 'foo' }) },
  ],
};

export const badUdf: ScalarFunction = {
  kind: 'scalar',
  name: 'bad_udf',
  description: 'throws exceptions when called',
  overloads: [
    {
      signature: '(arg1 INT) STRING',
      description: 'throws',
      invoke: () => {
        throw new Error('boom!');
      },
    },
    {
      signature: '(arg BOOLEAN) INT',
      description: 'throws if arg is true',
      invoke: (arg: boolean | null) => {
        if (arg) throw new Error('You asked me to throw...');
        return 0;
      },
    },
    {
      signature: '(arg STRING) STRING',
      description: 'returns null every other invocation',
      create: () => {
        let calls = 0;
        return (arg: string | null) => (calls++ % 2 === 0 ? null : arg);
      },
    },
  ],
};

export const toStruct: ScalarFunction = {
  kind: 'scalar',
  name: 'tostruct',
  description: 'wraps a string with a struct',
  overloads: [{ signature: '(value STRING) STRUCT<A STRING>', invoke: (value: string | null) => ({ A: value }) }],
};

// WHENCONDITION / WHENRESULT: return their first argument, and throw when the second is false
// (a CASE that evaluated a branch it did not take would fail).
const lazyCheck =
  <T>() =>
  (value: T | null, shouldRun: boolean | null): T | null => {
    if (!shouldRun) throw new Error('When condition in case is not running lazily!');
    return value;
  };

export const whenCondition: ScalarFunction = {
  kind: 'scalar',
  name: 'whencondition',
  description: 'returns its first argument; throws when the second is false',
  overloads: [{ signature: '(retValue BOOLEAN, shouldBeEvaluated BOOLEAN) BOOLEAN', invoke: lazyCheck<boolean>() }],
};

export const whenResult: ScalarFunction = {
  kind: 'scalar',
  name: 'whenresult',
  description: 'returns its first argument; throws when the second is false',
  overloads: [{ signature: '(retValue INT, shouldBeEvaluated BOOLEAN) INT', invoke: lazyCheck<number>() }],
};
