// Test helpers: resolve a call from argument types and invoke it.

import { functionRegistry } from '../../src/functions/index.js';
import type { ArgShape } from '../../src/functions/registry.js';
import type { SqlType } from '../../src/common/types.js';

export function v(type: SqlType | null, literal?: unknown): ArgShape {
  return literal === undefined ? { kind: 'value', type } : { kind: 'value', type, literal };
}

/** Resolves `name` for the given argument shapes and invokes it with `values`. */
export function call(name: string, shapes: ArgShape[], ...values: unknown[]): unknown {
  const r = functionRegistry.resolveScalar(name, shapes);
  return r.invoke(...values);
}

/** Shorthand: all args of one type. */
export function callT(name: string, types: SqlType[], ...values: unknown[]): unknown {
  return call(name, types.map((t) => v(t)), ...values);
}
