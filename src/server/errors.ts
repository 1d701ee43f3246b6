// Maps failures to ksqlDB's error bodies (spec §6): generic_error and statement_error,
// with error_code = HTTP status × 100 + suffix.

import type { KsqlEntity } from '../engine/api.js';

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
  if (err && typeof err === 'object') {
    const e = err as {
      message?: unknown;
      errorCode?: unknown;
      httpStatus?: unknown;
      statementText?: unknown;
      entities?: unknown;
    };
    const message = typeof e.message === 'string' ? e.message : String(err);
    if (typeof e.errorCode === 'number') {
      const status = typeof e.httpStatus === 'number' ? e.httpStatus : Math.floor(e.errorCode / 100);
      if (typeof e.statementText === 'string') {
        return {
          status,
          body: {
            '@type': 'statement_error',
            error_code: e.errorCode,
            message,
            statementText: e.statementText,
            entities: Array.isArray(e.entities) ? (e.entities as KsqlEntity[]) : [],
          },
        };
      }
      return { status, body: { '@type': 'generic_error', error_code: e.errorCode, message } };
    }
    return genericError(50000, message);
  }
  return genericError(50000, String(err));
}
