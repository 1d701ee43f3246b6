// A scripted EngineApi for tests of the HTTP layer alone: framing, content negotiation,
// error shapes and what happens when a client disconnects. Tests that need SQL semantics
// use the real Engine instead.

import {
  KsqlError,
  StatementError,
  type EngineApi,
  type KsqlEntity,
  type QueryHeader,
  type QueryStream,
  type RequestContext,
  type ServerInfo,
  type StreamedItem,
} from '../../src/engine/api.js';
import { splitStatementTexts } from '../../src/server/statement-text.js';

/** A QueryStream whose rows the test pushes by hand. */
export class ControlledStream implements QueryStream {
  closed = false;
  private queue: StreamedItem[] = [];
  private ended = false;
  private wake: (() => void) | null = null;
  private resolveFinal!: (m: string) => void;
  readonly finalMessage = new Promise<string>((r) => (this.resolveFinal = r));

  constructor(
    readonly kind: 'push' | 'pull' | 'print',
    readonly header: QueryHeader,
  ) {}

  push(item: StreamedItem): void {
    this.queue.push(item);
    this.wake?.();
  }

  finish(message: string): void {
    this.ended = true;
    this.resolveFinal(message);
    this.wake?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.finish('Query Completed');
  }

  readonly items: AsyncIterable<StreamedItem> = {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<StreamedItem>> => {
        for (;;) {
          const item = this.queue.shift();
          if (item) return { value: item, done: false };
          if (this.ended) return { value: undefined, done: true };
          await new Promise<void>((r) => (this.wake = r));
          this.wake = null;
        }
      },
    }),
  };
}

export class ScriptedEngine implements EngineApi {
  readonly executed: { sql: string; context: RequestContext }[] = [];
  readonly inserted: { target: string; row: Record<string, unknown> }[] = [];
  readonly streams: ControlledStream[] = [];
  /** Called with each new stream so a test can feed it. */
  onQuery: (stream: ControlledStream, sql: string, context: RequestContext) => void = () => {};
  isHealthy = true;

  async execute(sql: string, context: RequestContext): Promise<KsqlEntity[]> {
    this.executed.push({ sql, context });
    const entities: KsqlEntity[] = [];
    for (const stmt of splitStatementTexts(sql).statements) {
      const m = /^CREATE STREAM (\w+)/i.exec(stmt);
      if (m) {
        entities.push({
          '@type': 'currentStatus',
          statementText: stmt,
          commandId: `stream/${m[1]!.toUpperCase()}/create`,
          commandStatus: { status: 'SUCCESS', message: 'Stream created' },
          commandSequenceNumber: entities.length + 1,
          warnings: [],
        });
      } else if (/^INSERT INTO/i.test(stmt)) {
        // INSERT VALUES answers with no entity, like ksqlDB.
      } else if (/^SHOW PROPERTIES/i.test(stmt)) {
        entities.push({ '@type': 'properties', statementText: stmt, properties: [], overwrittenProperties: [], defaultProperties: [], warnings: [] });
      } else {
        throw new StatementError(`line 1:1: mismatched input '${stmt.split(/\s/)[0]}'`, stmt, entities);
      }
    }
    return entities;
  }

  async query(sql: string, context: RequestContext): Promise<QueryStream> {
    if (/UNKNOWN_SOURCE/i.test(sql)) {
      throw new StatementError('UNKNOWN_SOURCE does not exist.', sql.trim());
    }
    const isPrint = /^\s*PRINT/i.test(sql);
    const stream = new ControlledStream(isPrint ? 'print' : 'push', {
      queryId: `transient_S_${this.streams.length + 1}`,
      columnNames: ['K', 'V'],
      columnTypes: ['STRING', 'INTEGER'],
      schema: '`K` STRING KEY, `V` INTEGER',
    });
    this.streams.push(stream);
    this.onQuery(stream, sql, context);
    return stream;
  }

  closeQuery(queryId: string): boolean {
    const s = this.streams.find((q) => q.header.queryId === queryId && !q.closed);
    s?.close();
    return s !== undefined;
  }

  async insertRow(target: string, row: Record<string, unknown>): Promise<void> {
    if (target.toUpperCase() !== 'S') throw new KsqlError(`Cannot insert values into an unknown stream/table: ${target}`, 40000);
    this.inserted.push({ target, row });
  }

  info(): ServerInfo {
    return { version: '0.1.0', kafkaClusterId: 'eddy-test', ksqlServiceId: 'default_', serverStatus: 'RUNNING' };
  }

  healthy(): boolean {
    return this.isHealthy;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.close();
  }
}
