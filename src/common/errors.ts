// The one error model: every failure Eddy raises is an EddyError with a kind (which part of
// the system found it), an optional ksqlDB error code (HTTP status × 100 + suffix, spec §6)
// and an optional position in the statement text. src/server/errors.ts turns them into REST
// replies in one place; errors without a code are internal failures (500 / 50000).

/** Which part of Eddy found the failure. */
export type ErrorKind =
  | 'syntax' // the parser: text that is not a statement, `${var}` substitution
  | 'plan' // the planner: a statement that does not make sense against the catalog
  | 'expression' // type checking and compiling expressions, value conversions
  | 'function' // resolving a function call
  | 'serde' // reading or writing a record in a format, schema inference
  | 'config' // a property that cannot be set or has a bad value
  | 'log' // the topic log: topics, batches, transactions, Kafka clusters
  | 'protocol' // the Kafka wire protocol
  | 'runtime' // a running query
  | 'request' // a request the engine or the server refuses, with its ksqlDB error code
  | 'client'; // the eddy command: its arguments, its connection to a server, a server's refusal

/** 1-based line and column in the request text. */
export interface SourcePosition {
  line: number;
  column: number;
}

export interface EddyErrorOptions {
  /** ksqlDB's error_code for the client; absent: an internal failure. */
  errorCode?: number;
  position?: SourcePosition;
  cause?: unknown;
}

export class EddyError extends Error {
  readonly kind: ErrorKind = 'request';
  readonly errorCode?: number;
  readonly position?: SourcePosition;

  constructor(message: string, options: EddyErrorOptions = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    if (options.errorCode !== undefined) this.errorCode = options.errorCode;
    if (options.position) this.position = { line: options.position.line, column: options.position.column };
  }
}

/** A refusal with ksqlDB's error code and, when it differs from code / 100, the HTTP status. */
export class KsqlError extends EddyError {
  declare readonly errorCode: number;
  readonly httpStatus: number;

  constructor(message: string, errorCode = 40000, httpStatus: number = Math.floor(errorCode / 100)) {
    super(message, { errorCode });
    this.httpStatus = httpStatus;
  }
}

/** Entities in ksqlDB's JSON shape (the `/ksql` results a failed request already produced). */
export interface EntityLike {
  '@type': string;
  statementText: string;
  [field: string]: unknown;
}

/** A statement failed: 400 / 40001 with the failing text and the entities of statements already run. */
export class StatementError extends KsqlError {
  constructor(
    message: string,
    readonly statementText: string,
    readonly entities: EntityLike[] = [],
    errorCode = 40001,
  ) {
    super(message, errorCode);
  }
}

/** The HTTP status an error answers with: its own, else its code's, else 500. */
export function httpStatusOf(e: EddyError): number {
  if (e instanceof KsqlError) return e.httpStatus;
  return e.errorCode !== undefined ? Math.floor(e.errorCode / 100) : 500;
}

/** Where in the statement an error arose, when it knows. */
export function positionOf(e: unknown): SourcePosition | undefined {
  return e instanceof EddyError ? e.position : undefined;
}
