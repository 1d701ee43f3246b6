// What the server (and through it the REPL, the console and the conformance runner for
// REST cases) sees of the engine. Entities and rows are already in ksqlDB's JSON shapes
// (spec §6), so the server only frames them.

export interface RequestContext {
  /** streamsProperties / properties of the request, plus SET overrides. */
  properties: Record<string, unknown>;
  /** sessionVariables of the request, plus DEFINEs made earlier in the same request. */
  variables: Record<string, string>;
}

/** One `/ksql` result, e.g. {"@type":"currentStatus", statementText, commandId, commandStatus, ...}. */
export interface KsqlEntity {
  '@type': string;
  statementText: string;
  warnings: { message: string }[];
  [field: string]: unknown;
}

export { KsqlError, StatementError } from '../common/errors.js';
export type { QueryHeader, StreamedItem, QueryStream, QueryProgress } from '../common/query-stream.js';
import type { QueryStream } from '../common/query-stream.js';

export interface ServerInfo {
  version: string;
  kafkaClusterId: string;
  ksqlServiceId: string;
  serverStatus: 'RUNNING' | 'ERROR' | 'DEGRADED';
}

export interface EngineApi {
  /** Runs the statements of a `/ksql` request in order. Throws StatementError on the first failure. */
  execute(sql: string, context: RequestContext): Promise<KsqlEntity[]>;
  /** Starts a SELECT or PRINT for `/query`, `/query-stream` and the websocket. */
  query(sql: string, context: RequestContext): Promise<QueryStream>;
  /** Stops a transient push query by id; false when unknown. */
  closeQuery(queryId: string): boolean;
  /** INSERT of one row given as a JSON object (for /inserts-stream). */
  insertRow(target: string, row: Record<string, unknown>): Promise<void>;
  info(): ServerInfo;
  healthy(): boolean;
  /** `/clusterStatus`: the servers of this cluster and their tasks. */
  clusterStatus?(self: string): Promise<unknown>;
  close(): Promise<void>;
}
