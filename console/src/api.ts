// The console's calls to its server: the REST API (/ksql, /query-stream, /close-query) and
// the console's JSON (/console/api/...). The browser sends the credentials it was asked for
// (HTTP basic authentication) with every call to the same origin.

export class ApiError extends Error {}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { message?: string };
    return new ApiError(body.message ?? text);
  } catch {
    return new ApiError(`${res.status} ${res.statusText}: ${text}`);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export type Entity = Record<string, unknown> & { '@type': string; statementText?: string };

export async function ksql(sql: string): Promise<Entity[]> {
  const res = await fetch('/ksql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: {} }),
  });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as Entity[];
}

export async function ksqlOne(sql: string): Promise<Entity> {
  const [first] = await ksql(sql);
  if (!first) throw new ApiError(`${sql} gave no answer`);
  return first;
}

export interface QueryHandlers {
  header(h: { queryId: string; columnNames: string[]; columnTypes: string[] }): void;
  row(row: unknown[]): void;
  error(message: string): void;
}

/** Runs a SELECT on /query-stream, calling back per line; resolves when the result ends or `signal` aborts. */
export async function streamQuery(sql: string, handlers: QueryHandlers, signal: AbortSignal): Promise<void> {
  const res = await fetch('/query-stream', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/vnd.ksqlapi.delimited.v1' },
    body: JSON.stringify({ sql, properties: {} }),
    signal,
  });
  if (!res.ok) throw await errorOf(res);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  let first = true;
  // PRINT answers with text lines, not JSON.
  const raw = /^\s*PRINT\b/i.test(sql);
  if (raw) handlers.header({ queryId: res.headers.get('x-query-id') ?? '', columnNames: ['PRINT'], columnTypes: ['STRING'] });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += value;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line === '') continue;
        if (raw) {
          handlers.row([line]);
          continue;
        }
        const item = JSON.parse(line) as unknown;
        if (first) {
          first = false;
          handlers.header(item as Parameters<QueryHandlers['header']>[0]);
        } else if (Array.isArray(item)) handlers.row(item);
        else handlers.error(String((item as { message?: string }).message ?? line));
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

export async function closeQuery(queryId: string): Promise<void> {
  await fetch('/close-query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ queryId }) });
}
