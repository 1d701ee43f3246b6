// The one place failures become ksqlDB's error bodies (spec §6): generic_error and
// statement_error, with error_code = HTTP status × 100 + suffix. Errors follow the model of
// src/common/errors.ts; anything else (a fastify client error, a bug) is mapped here too.

import type { KsqlEntity } from '../engine/api.js';
import { EddyError, StatementError, httpStatusOf } from '../common/errors.js';

export interface GenericErrorBody {
  '@type': 'generic_error';
  error_code: number;
  message: string;
}

export interface StatementErrorBody {
  '@type': 'statement_error';
  error_code: number;
  message: string;
  statementText: string;
  entities: KsqlEntity[];
}

export interface ErrorReply {
  status: number;
  body: GenericErrorBody | StatementErrorBody;
}

export function genericError(errorCode: number, message: string): ErrorReply {
  return {
    status: Math.floor(errorCode / 100),
    body: { '@type': 'generic_error', error_code: errorCode, message },
  };
}

/** Turns anything thrown by the engine or the server into a ksqlDB error reply. */
export function toErrorReply(err: unknown): ErrorReply {
  if (err instanceof StatementError) {
    return {
      status: err.httpStatus,
      body: {
        '@type': 'statement_error',
        error_code: err.errorCode,
        message: err.message,
        statementText: err.statementText,
        entities: err.entities as KsqlEntity[],
      },
    };
  }
  if (err instanceof EddyError && err.errorCode !== undefined) {
    return { status: httpStatusOf(err), body: { '@type': 'generic_error', error_code: err.errorCode, message: err.message } };
  }
  // fastify's own client errors (body too large, bad content type, ...) keep their 4xx status.
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) return genericError(statusCode * 100, message);
  return genericError(50000, message);
}
