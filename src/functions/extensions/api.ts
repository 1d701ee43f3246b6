// What an extension module (a file in `ksql.extension.dir`) declares: user-defined scalar,
// aggregate and table functions, as plain objects. Authors take these types from 'eddy/udf'
// with `import type`, so an extension folder needs nothing at run time (docs/udf.md).
//
// Signatures are text: `(name TYPE, other TYPE...) RETURN`. Types are SQL types (INT, BIGINT,
// DOUBLE, DECIMAL, STRING, BOOLEAN, BYTES, DATE, TIME, TIMESTAMP, ARRAY<T>, MAP<K, V>,
// STRUCT<A INT, B STRING>), the bare DECIMAL and STRUCT for any decimal or struct, ANY for any
// type, single capital letters (T, U, A1) for generic type parameters, FUNC(T => U) for a
// lambda, and `...` after the type for a variadic parameter (in any position).
//
// Values arrive and leave in Eddy's representation: INT, DOUBLE, DATE (days), TIME (ms of
// day) and TIMESTAMP (epoch ms) as numbers, BIGINT as a number when it is a safe integer and
// a bigint otherwise, DECIMAL as Eddy's Decimal, BYTES as a Buffer, ARRAY as an array, MAP as a
// Map, STRUCT as a plain object with every declared field, SQL NULL as null. A variadic
// parameter arrives as one array.

/** Passed to every `create`/`init`: the resolved argument types and the function's configuration. */
export interface FunctionContext {
  /** The SQL type of each argument of the call, as text (e.g. `BIGINT`, `ARRAY<STRING>`). */
  argTypes: string[];
  /**
   * Server properties named `ksql.functions.<function name>.*` and `ksql.functions._global_.*`
   * (the function name in lower case), with their full names as keys.
   */
  config: Record<string, unknown>;
}

interface Described {
  name: string;
  description?: string;
  author?: string;
  version?: string;
  /** SHOW FUNCTIONS category; defaults to OTHER (AGGREGATE and TABLE for those kinds). */
  category?: string;
}

export interface ScalarOverload {
  signature: string;
  description?: string;
  /** The return type when it depends on the arguments (a schema provider): SQL type text. */
  returnType?: (ctx: FunctionContext) => string;
  /** Called once per row. May throw: the row's result is NULL and the error goes to the processing log. */
  invoke?: (...args: any[]) => unknown;
  /** Builds the per-call-site implementation once, when a query is planned. */
  create?: (ctx: FunctionContext) => (...args: any[]) => unknown;
  /** False for functions whose result changes between calls with the same arguments. */
  deterministic?: boolean;
}

export interface ScalarFunction extends Described {
  kind: 'scalar';
  overloads: ScalarOverload[];
}

export interface TableOverload {
  signature: string;
  description?: string;
  returnType?: (ctx: FunctionContext) => string;
  /** Returns the values to emit, one output row each; an empty array emits nothing. */
  invoke?: (...args: any[]) => unknown[];
  create?: (ctx: FunctionContext) => (...args: any[]) => unknown[];
}

export interface TableFunction extends Described {
  kind: 'table';
  overloads: TableOverload[];
}

/** One aggregation's state machine. States must be values of SQL types (they are stored). */
export interface Aggregation<S = any> {
  initialize(): S;
  /** Folds one row's column arguments (in call order) into the aggregate and returns it. */
  aggregate(aggregate: S, ...args: any[]): S;
  /** Merges two aggregates (session windows). */
  merge?(a: S, b: S): S;
  /** Maps the aggregate to the output value; identity when absent. */
  map?(aggregate: S): unknown;
  /** Removes a row that was aggregated before (aggregations over tables need it). */
  undo?(aggregate: S, ...args: any[]): S;
}

export interface AggregateOverload {
  /** The column arguments, evaluated for every row, and the return type. */
  signature: string;
  /**
   * Constant arguments that follow the column arguments in a call (e.g. `(k INT)`): they must
   * be literals and are passed to `create`.
   */
  initArgs?: string;
  description?: string;
  returnType?: (ctx: FunctionContext) => string;
  create: (ctx: FunctionContext, ...initArgs: any[]) => Aggregation;
}

export interface AggregateFunction extends Described {
  kind: 'aggregate';
  overloads: AggregateOverload[];
}

export type UserFunction = ScalarFunction | TableFunction | AggregateFunction;
