// Two ways for REST cases to reach the engine with the same request/response shapes: over
// HTTP through the real server (src/server), or in process through the EngineApi calls the
// server itself makes (used when the server is not available).

import type { QueryStream, StreamedItem } from '../../src/engine/api.js';
import { parseJson } from '../../src/serde/json-parse.js';
import type { EngineUnderTest, ServerModule } from './engine-adapter.js';
import { errorMessage } from './case-runner.js';

export type Failed = { ok: false; status?: number; message: string };
export type KsqlResult = { ok: true; entities: Record<string, unknown>[] } | Failed;

/** The items of one /query response: header, rows, errors, finalMessage. */
export interface QueryHandle {
  /** The next item, 'end' when the response is complete, 'idle' after `idleMs` of silence. */
  next(idleMs: number): Promise<Record<string, unknown> | 'end' | 'idle'>;
  close(): void;
}
export type QueryResult = { ok: true; handle: QueryHandle } | Failed;

export interface RestClient {
  readonly kind: 'http' | 'in-process';
  ksql(sql: string): Promise<KsqlResult>;
  /** `accept`: the response's media type (http only; the in-process client speaks JSON). */
  query(sql: string, accept?: string): Promise<QueryResult>;
  close(): Promise<void>;
}

const idle = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms).unref());

function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

export function inProcessClient(engine: EngineUnderTest): RestClient {
  const ctx = () => ({ properties: {}, variables: {} });
  return {
    kind: 'in-process',
    async ksql(sql) {
      try {
        return { ok: true, entities: (await engine.execute(sql, ctx())) as Record<string, unknown>[] };
      } catch (e) {
        return { ok: false, status: (e as { httpStatus?: number }).httpStatus, message: errorMessage(e) };
      }
    },
    async query(sql, accept) {
      if (accept?.includes('protobuf')) return { ok: false, message: 'protobuf responses need the HTTP server (src/server)' };
      let stream: QueryStream;
      try {
        stream = await engine.query(sql, ctx());
      } catch (e) {
        return { ok: false, status: (e as { httpStatus?: number }).httpStatus, message: errorMessage(e) };
      }
      const it = stream.items[Symbol.asyncIterator]();
      let state: 'header' | 'rows' | 'final' | 'end' = 'header';
      let pending: Promise<IteratorResult<StreamedItem>> | undefined;
      return {
        ok: true,
        handle: {
          async next(idleMs) {
            if (state === 'header') {
              state = 'rows';
              return { header: { queryId: stream.header.queryId, schema: stream.header.schema } };
            }
            if (state === 'rows') {
              pending ??= quiet(it.next());
              const r = await Promise.race([pending, idle(idleMs, 'idle' as const)]);
              if (r === 'idle') return 'idle';
              pending = undefined;
              if (!r.done) {
                const item = r.value;
                return 'row' in item ? { row: item.tombstone ? { columns: item.row, tombstone: true } : { columns: item.row } } : item;
              }
              state = 'final';
            }
            if (state === 'final') {
              state = 'end';
              const final = await Promise.race([stream.finalMessage, idle(idleMs, undefined)]);
              if (final !== undefined) return { finalMessage: final };
            }
            return 'end';
          },
          close: () => stream.close(),
        },
      };
    },
    async close() {},
  };
}

export async function httpClient(engine: EngineUnderTest, server: ServerModule): Promise<RestClient> {
  const running = await server.startServer(engine, { port: 0, host: '127.0.0.1' });
  const post = (path: string, body: unknown, signal?: AbortSignal, accept = 'application/vnd.ksql.v1+json') =>
    fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
      signal,
    });
  const failure = (status: number, text: string): Failed => {
    try {
      const body = JSON.parse(text) as { message?: string };
      return { ok: false, status, message: body.message ?? text };
    } catch {
      return { ok: false, status, message: text };
    }
  };
  return {
    kind: 'http',
    async ksql(sql) {
      const res = await post('/ksql', { ksql: sql, streamsProperties: {} });
      const text = await res.text();
      if (!res.ok) return failure(res.status, text);
      return { ok: true, entities: parseJson(text) as Record<string, unknown>[] };
    },
    async query(sql, accept) {
      const abort = new AbortController();
      const res = await post('/query', { ksql: sql, streamsProperties: {} }, abort.signal, accept);
      if (!res.ok) return failure(res.status, await res.text());
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      const queue: Record<string, unknown>[] = [];
      let buffer = '';
      let done = false;
      let pending: ReturnType<typeof reader.read> | undefined;
      // The /query body is one JSON array written one element per line: `[{header},\n{row},\n…]`.
      const takeLines = (final: boolean) => {
        const lines = buffer.split('\n');
        buffer = final ? '' : lines.pop()!;
        for (let line of lines) {
          line = line.trim().replace(/^\[/, '').replace(/[,\]]$/, '').trim();
          if (line) queue.push(parseJson(line) as Record<string, unknown>);
        }
      };
      return {
        ok: true,
        handle: {
          async next(idleMs) {
            while (queue.length === 0 && !done) {
              pending ??= quiet(reader.read());
              const chunk = await Promise.race([pending, idle(idleMs, 'idle' as const)]);
              if (chunk === 'idle') return 'idle';
              pending = undefined;
              if (chunk.done) {
                done = true;
                takeLines(true);
              } else {
                buffer += decoder.decode(chunk.value, { stream: true });
                takeLines(false);
              }
            }
            return queue.shift() ?? 'end';
          },
          close: () => abort.abort(),
        },
      };
    },
    async close() {
      await running.close();
    },
  };
}
