// The contract between the function library (src/functions) and the expression
// compiler (src/planner). The library resolves a call from the argument shapes the
// planner has inferred; the planner coerces value arguments to `paramTypes` and calls
// `invoke` with values in the representation documented in src/common/types.ts.

import type { SqlType } from '../common/types.js';
import { EddyError } from '../common/errors.js';

export type FunctionKind = 'SCALAR' | 'AGGREGATE' | 'TABLE';

export type FunctionCategory =
  | 'CONDITIONAL'
  | 'MATHEMATICAL'
  | 'STRING'
  | 'REGULAR EXPRESSION'
  | 'JSON'
  | 'DATE / TIME'
  | 'ARRAY'
  | 'MAP'
  | 'URL'
  | 'OTHER'
  | 'AGGREGATE'
  | 'TABLE'
  | 'LAMBDA'
  | 'CONVERSIONS';

/** What the planner knows about one argument when it resolves a call. */
export type ArgShape =
  /** A value; `type` is null for an untyped NULL literal. `literal` holds a constant argument's value when known. */
  | { kind: 'value'; type: SqlType | null; literal?: unknown }
  /** A lambda: the library decides its parameter types, the planner types the body. */
  | { kind: 'lambda'; arity: number; typeBody: (paramTypes: SqlType[]) => SqlType }
  /** A bare time unit such as DAYS (DATEADD and friends). */
  | { kind: 'unit'; unit: string };

export interface ResolvedScalar {
  returnType: SqlType;
  /** One entry per argument: the type to coerce a value argument to (null for lambdas and units). */
  paramTypes: (SqlType | null)[];
  /**
   * Called once per row. Value arguments arrive coerced; lambdas arrive as JS functions taking
   * and returning values; units arrive as their upper-case name. Must handle null arguments
   * itself (most functions return null) and may throw: the runtime turns a throw into a
   * null result plus a processing-log entry.
   */
  invoke: (...args: unknown[]) => unknown;
  /** False for RANDOM, UUID, UNIX_TIMESTAMP() etc.: never constant-folded. */
  deterministic: boolean;
}

export interface ResolvedTable {
  /** Type of each produced element. */
  returnType: SqlType;
  paramTypes: (SqlType | null)[];
  /** Returns the rows (one value each) to emit; an empty array emits nothing. */
  invoke: (...args: unknown[]) => unknown[];
}

/** An aggregate's state machine; the runtime stores `state` values in SQLite as JSON-able data. */
export interface ResolvedAggregate {
  returnType: SqlType;
  /** Type of the aggregate's stored intermediate state (used for state stores). */
  paramTypes: (SqlType | null)[];
  /** Initial state. `initArgs` are the constant trailing arguments (e.g. TOPK's k). */
  initialize: () => unknown;
  /** Folds one input row's argument values into the state and returns the new state. */
  aggregate: (state: unknown, args: unknown[]) => unknown;
  /** For table aggregations: removes a previously added row. Absent when unsupported. */
  undo?: (state: unknown, args: unknown[]) => unknown;
  /** Merges two states (session windows). */
  merge?: (a: unknown, b: unknown) => unknown;
  /** Maps the state to the output value. */
  result: (state: unknown) => unknown;
}

export interface FunctionOverloadDoc {
  /** e.g. `ROUND(val DOUBLE, scale INT)` argument list entries */
  arguments: { name: string; type: string; description: string; isVariadic: boolean }[];
  returnType: string;
  description: string;
  argumentTypes?: string[];
}

export interface FunctionDoc {
  name: string;
  kind: FunctionKind;
  category: FunctionCategory;
  description: string;
  author: string;
  version: string;
  path: string;
  overloads: FunctionOverloadDoc[];
}

/** Thrown when a call cannot be resolved; the message is shown to the user as is. */
export class FunctionResolutionError extends EddyError {
  override readonly kind = 'function';
}

export interface FunctionRegistry {
  kindOf(name: string): FunctionKind | undefined;
  resolveScalar(name: string, args: ArgShape[]): ResolvedScalar;
  resolveTable(name: string, args: ArgShape[]): ResolvedTable;
  resolveAggregate(name: string, args: ArgShape[]): ResolvedAggregate;
  describe(name: string): FunctionDoc | undefined;
  list(): FunctionDoc[];
}
