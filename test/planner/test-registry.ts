// A small function registry used by the expression tests until src/functions lands on main:
// a handful of real scalar functions exercising value args, generics, lambdas and failures.

import { FunctionResolutionError } from '../../src/functions/registry.js';
import type { ArgShape, FunctionKind, FunctionRegistry, ResolvedScalar } from '../../src/functions/registry.js';
import { DOUBLE, INTEGER, STRING, arrayOf, formatType } from '../../src/common/types.js';
import type { SqlType } from '../../src/common/types.js';

function valueTypes(name: string, args: ArgShape[]): (SqlType | null)[] {
  return args.map((a) => {
    if (a.kind !== 'value') throw new FunctionResolutionError(`Function '${name}' does not accept a lambda or unit here`);
    return a.type;
  });
}

const scalars: Record<string, (args: ArgShape[]) => ResolvedScalar> = {
  UCASE(args) {
    valueTypes('UCASE', args);
    return { returnType: STRING, paramTypes: [STRING], deterministic: true, invoke: (s) => (s === null ? null : (s as string).toUpperCase()) };
  },
  ABS(args) {
    const [t] = valueTypes('ABS', args);
    const type = t?.base === 'INTEGER' ? INTEGER : DOUBLE;
    return { returnType: type, paramTypes: [type], deterministic: true, invoke: (x) => (x === null ? null : Math.abs(x as number)) };
  },
  RANDOM() {
    return { returnType: DOUBLE, paramTypes: [], deterministic: false, invoke: () => Math.random() };
  },
  FAIL_ON(args) {
    valueTypes('FAIL_ON', args);
    return {
      returnType: STRING,
      paramTypes: [STRING],
      deterministic: true,
      invoke: (s) => {
        if (s === 'boom') throw new Error('boom happened');
        return s;
      },
    };
  },
  TRANSFORM(args) {
    const [arr, fn] = args;
    if (arr?.kind !== 'value' || arr.type?.base !== 'ARRAY' || fn?.kind !== 'lambda') {
      throw new FunctionResolutionError(`Function 'transform' does not accept parameters`);
    }
    const out = fn.typeBody([arr.type.item]);
    return {
      returnType: arrayOf(out),
      paramTypes: [arr.type, null],
      deterministic: true,
      invoke: (a, f) => (a === null ? null : (a as unknown[]).map((x) => (f as (x: unknown) => unknown)(x))),
    };
  },
  DESCRIBE_TYPE(args) {
    const [t] = valueTypes('DESCRIBE_TYPE', args);
    const text = t === null ? 'NULL' : formatType(t);
    return { returnType: STRING, paramTypes: [null], deterministic: true, invoke: () => text };
  },
};

export const testRegistry: FunctionRegistry = {
  kindOf(name): FunctionKind | undefined {
    if (name in scalars) return 'SCALAR';
    if (name === 'SUM') return 'AGGREGATE';
    return undefined;
  },
  resolveScalar(name, args) {
    const f = scalars[name];
    if (!f) throw new FunctionResolutionError(`Can't find any functions with the name '${name}'`);
    return f(args);
  },
  resolveTable(name) {
    throw new FunctionResolutionError(`Can't find any functions with the name '${name}'`);
  },
  resolveAggregate(name) {
    throw new FunctionResolutionError(`Can't find any functions with the name '${name}'`);
  },
  describe: () => undefined,
  list: () => [],
};
