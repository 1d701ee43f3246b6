// HTTP client for the Eddy / ksqlDB REST API, as used by the CLI.

import { randomUUID } from 'node:crypto';
import { EddyError } from '../src/common/errors.js';
import type { QueryProgress } from './render/progress.js';

export type Json = Record<string, unknown>;

export interface QueryHeaderInfo {
  queryId: string;
  schema: string;
  /** Column names parsed from the schema text (`` `K` STRING KEY, `V` INT ``). */
  columnNames: string[];
}

/** A failed request: HTTP status plus the error body the server sent (ksqlDB error shape). */
export class ServerError extends EddyError {
  override readonly kind = 'client';

  constructor(
    message: string,
    readonly status: number,
    readonly body: Json | undefined,
  ) {
    super(message);
  }
}

/** The server could not be reached at all. */
export class ConnectionError extends EddyError {
  override readonly kind = 'client';
}

export interface QueryCallbacks {
  onHeader(header: QueryHeaderInfo): void;
  /** Backlog progress, sent by Eddy servers until the first row. */
  onProgress?(progress: QueryProgress): void;
  onRow(columns: unknown[], tombstone: boolean): void;
  /** PRINT output lines. */
  onLine(line: string): void;
  onError(message: string): void;
}

/** Column names of a schema text; backquoted names may contain anything but a backquote. */
export function columnNamesOf(schema: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let i = 0;
  let atStart = true;
  while (i < schema.length) {
    const c = schema[i]!;
    if (atStart && depth === 0) {
      if (c === ' ') {
        i++;
        continue;
      }
      if (c === '`') {
        const end = schema.indexOf('`', i + 1);
        names.push(schema.slice(i + 1, end < 0 ? schema.length : end));
        i = end < 0 ? schema.length : end + 1;
      } else {
        const m = /^[^\s,]+/.exec(schema.slice(i))!;
        names.push(m[0]);
        i += m[0].length;
      }
      atStart = false;
      continue;
    }
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === '`') {
      const end = schema.indexOf('`', i + 1);
      i = end < 0 ? schema.length : end;
    } else if (c === ',' && depth === 0) atStart = true;
    i++;
  }
  return names;
}

/** The Authorization header for a user and password (basic) or an API key (bearer). */
export function authorizationFor(credentials: { user?: string; password?: string; apiKey?: string }): string | undefined {
  if (credentials.apiKey) return `Bearer ${credentials.apiKey}`;
  if (credentials.user !== undefined) return 'Basic ' + Buffer.from(`${credentials.user}:${credentials.password ?? ''}`).toString('base64');
  return undefined;
}

export class KsqlClient {
  /** Sent as X-Eddy-Client so a server can tell its CLI clients apart (see client-presence). */
  readonly clientId = randomUUID();

  constructor(
    public url: string,
    /** The Authorization header sent with every request, when the server wants credentials. */
    readonly authorization?: string,
  ) {}

  private headers(): Record<string, string> {
    return { 'x-eddy-client': this.clientId, ...(this.authorization ? { authorization: this.authorization } : {}) };
  }

  private async post(path: string, body: unknown, signal?: AbortSignal, extraHeaders: Record<string, string> = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.url), {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.ksql.v1+json', accept: 'application/vnd.ksql.v1+json', ...this.headers(), ...extraHeaders },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ConnectionError(`Could not reach the server at ${this.url}: ${causeText(err)}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let parsed: Json | undefined;
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        parsed = undefined;
      }
      throw new ServerError(typeof parsed?.message === 'string' ? parsed.message : text || `HTTP ${res.status}`, res.status, parsed);
    }
    return res;
  }

  async info(): Promise<Json> {
    let res: Response;
    try {
      res = await fetch(new URL('/info', this.url), { signal: AbortSignal.timeout(3000), headers: this.headers() });
    } catch (err) {
      throw new ConnectionError(`Could not reach the server at ${this.url}: ${causeText(err)}`);
    }
    if (res.status === 401) {
      const given = this.authorization ? 'the credentials given were refused' : 'it wants credentials';
      throw new ServerError(`HTTP 401 from ${this.url}/info: ${given}; pass --user NAME --password PW (or EDDY_PASSWORD), or --api-key KEY (or EDDY_API_KEY)`, 401, undefined);
    }
    if (!res.ok) throw new ServerError(`HTTP ${res.status} from ${this.url}/info`, res.status, undefined);
    return ((await res.json()) as { KsqlServerInfo: Json }).KsqlServerInfo;
  }

  async ksql(ksql: string, streamsProperties: Json, sessionVariables: Record<string, string>): Promise<Json[]> {
    const res = await this.post('/ksql', { ksql, streamsProperties, sessionVariables });
    return (await res.json()) as Json[];
  }

  /**
   * Runs a SELECT or PRINT on /query, calling back for each part as it arrives. Resolves
   * with the final message (undefined when cancelled by the signal or cut short).
   */
  async query(
    ksql: string,
    streamsProperties: Json,
    sessionVariables: Record<string, string>,
    callbacks: QueryCallbacks,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const res = await this.post('/query', { ksql, streamsProperties, sessionVariables }, signal, callbacks.onProgress ? { 'x-eddy-progress': 'true' } : {});
    const isPrint = /^\s*PRINT\b/i.test(ksql);
    let finalMessage: string | undefined;
    const handleItem = (item: Json) => {
      if (item.header) {
        const h = item.header as { queryId: string; schema: string };
        callbacks.onHeader({ queryId: h.queryId, schema: h.schema, columnNames: columnNamesOf(h.schema) });
      } else if (item.row) {
        const r = item.row as { columns: unknown[]; tombstone?: boolean };
        callbacks.onRow(r.columns, r.tombstone === true);
      } else if (item.progress && typeof item.progress === 'object') {
        callbacks.onProgress?.(item.progress as QueryProgress);
      } else if (item.errorMessage) {
        callbacks.onError(String((item.errorMessage as Json).message ?? JSON.stringify(item.errorMessage)));
      } else if (typeof item.finalMessage === 'string') {
        finalMessage = item.finalMessage;
      }
    };
    const splitter = new JsonArrayItems((text) => handleItem(JSON.parse(text) as Json));
    let pendingLine = '';
    try {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        if (!isPrint) {
          splitter.push(text);
          continue;
        }
        pendingLine += text;
        let nl: number;
        while ((nl = pendingLine.indexOf('\n')) >= 0) {
          callbacks.onLine(pendingLine.slice(0, nl));
          pendingLine = pendingLine.slice(nl + 1);
        }
      }
      if (isPrint && pendingLine !== '') callbacks.onLine(pendingLine);
    } catch (err) {
      if (signal?.aborted) return undefined;
      throw new ConnectionError(`Lost the connection to the server at ${this.url} during the query: ${causeText(err)}`);
    }
    if (!isPrint && !splitter.complete && !signal?.aborted) {
      throw new ConnectionError(`Lost the connection to the server at ${this.url}: the query's response ended early.`);
    }
    return finalMessage;
  }
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/**
 * Cuts the elements out of a JSON array that arrives in pieces, calling back with each
 * element's text as soon as it is complete (whatever the whitespace and chunking).
 */
export class JsonArrayItems {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private item = '';
  private closed = false;

  constructor(private readonly onItem: (text: string) => void) {}

  /** The array's closing bracket has arrived. */
  get complete(): boolean {
    return this.closed;
  }

  push(text: string): void {
    for (const c of text) {
      if (this.depth === 0) {
        if (c === '[') this.depth = 1;
        continue;
      }
      if (this.inString) {
        this.item += c;
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') {
          this.inString = false;
          if (this.depth === 1) this.emit();
        }
        continue;
      }
      if (this.depth === 1 && (c === ',' || c === ']' || /\s/.test(c))) {
        this.emit(); // a pending scalar element, if any
        if (c === ']') {
          this.depth = 0;
          this.closed = true;
        }
        continue;
      }
      this.item += c;
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 1) this.emit();
      }
    }
  }

  private emit(): void {
    const text = this.item.trim();
    this.item = '';
    if (text !== '') this.onItem(text);
  }
}
