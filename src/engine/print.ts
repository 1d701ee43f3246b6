// PRINT <topic>: follow a topic and render its records as text lines, guessing the key
// and value formats from the bytes (spec §1.9).

import type { Print } from '../parser/ast.js';
import type { LogRecord, TopicLog } from '../log/topic-log.js';
import { KsqlError, type QueryStream, type StreamedItem } from './api.js';

type Guess = 'AVRO' | 'PROTOBUF' | 'JSON' | 'KAFKA_INT' | 'KAFKA_BIGINT' | 'KAFKA_DOUBLE' | 'KAFKA_STRING';

const ORDER: Guess[] = ['AVRO', 'PROTOBUF', 'JSON', 'KAFKA_INT', 'KAFKA_BIGINT', 'KAFKA_DOUBLE', 'KAFKA_STRING'];

function isPrintableUtf8(b: Buffer): boolean {
  const s = b.toString('utf8');
  if (Buffer.byteLength(s) !== b.length || s.includes('\uFFFD')) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000e-\u001f]/.test(s);
}

/** The formats these bytes could be in. */
export function possibleFormats(b: Buffer): Set<Guess> {
  const out = new Set<Guess>();
  if (b.length >= 5 && b[0] === 0) {
    // Confluent wire format: magic byte + schema id; without a registry we cannot tell which.
    out.add('AVRO');
    out.add('PROTOBUF');
  }
  if (isPrintableUtf8(b)) {
    try {
      JSON.parse(b.toString('utf8'));
      out.add('JSON');
    } catch {
      // not JSON
    }
    out.add('KAFKA_STRING');
  }
  if (b.length === 4) out.add('KAFKA_INT');
  if (b.length === 8) {
    out.add('KAFKA_BIGINT');
    out.add('KAFKA_DOUBLE');
  }
  return out;
}

/** Narrows the candidate formats as records arrive; empty after disagreement means MIXED. */
export class FormatGuesser {
  private candidates: Set<Guess> | undefined;
  private mixed = false;

  observe(b: Buffer | null): void {
    if (b === null || b.length === 0) return;
    const possible = possibleFormats(b);
    if (this.candidates === undefined) {
      this.candidates = possible;
    } else {
      const next = new Set([...this.candidates].filter((g) => possible.has(g)));
      if (next.size === 0) this.mixed = true;
      else this.candidates = next;
    }
  }

  describe(): string {
    if (this.mixed) return 'MIXED';
    if (this.candidates === undefined) return '¯\\_(ツ)_/¯ - no data processed';
    if (this.candidates.size === 0) return 'UNDEFINED';
    return ORDER.filter((g) => this.candidates!.has(g)).join(' or ');
  }

  /** The format used to render values: the first candidate. */
  best(): Guess | undefined {
    if (this.mixed || !this.candidates) return undefined;
    return ORDER.find((g) => this.candidates!.has(g));
  }
}

function render(b: Buffer | null, guess: Guess | undefined): string {
  if (b === null) return '<null>';
  const possible = possibleFormats(b);
  const g = guess && possible.has(guess) ? guess : ORDER.find((x) => possible.has(x));
  switch (g) {
    case 'KAFKA_INT':
      return String(b.readInt32BE(0));
    case 'KAFKA_BIGINT':
      return b.readBigInt64BE(0).toString();
    case 'KAFKA_DOUBLE':
      return String(b.readDoubleBE(0));
    case 'JSON':
    case 'KAFKA_STRING':
      return b.toString('utf8');
    default:
      return b.toString('base64');
  }
}

/** `2022/03/18 15:53:22.989 Z` */
export function formatRowtime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} Z`;
}

export function formatPrintLine(r: LogRecord, keyGuess: Guess | undefined, valueGuess: Guess | undefined): string {
  let line = `rowtime: ${formatRowtime(r.timestamp)}, key: ${render(r.key, keyGuess)}, value: ${render(r.value, valueGuess)}`;
  if (r.headers.length > 0) {
    line += `, headers: [${r.headers.map((h) => `{"key":"${h.key}","value":${h.value === null ? 'null' : `"${h.value.toString('base64')}"`}}`).join(',')}]`;
  }
  return `${line}, partition: ${r.partition}`;
}

/** Opens a PRINT stream: two format lines, then one line per (every n-th) record. */
export async function openPrint(log: TopicLog, stmt: Print, properties: Record<string, unknown>): Promise<QueryStream> {
  const desc = await log.describeTopic(stmt.topic);
  if (!desc) {
    throw new KsqlError(`Could not find topic '${stmt.topic}', or the KSQL user does not have permissions to list the topic. Topic names are case-sensitive.`);
  }
  const fromBeginning = stmt.fromBeginning || String(properties['ksql.streams.auto.offset.reset'] ?? properties['auto.offset.reset'] ?? '') === 'earliest';
  const offsets = fromBeginning ? await log.beginningOffsets(stmt.topic) : await log.endOffsets(stmt.topic);
  const interval = Math.max(1, stmt.interval ?? 1);
  const limit = stmt.limit;
  let closed = false;
  let resolveFinal!: (m: string) => void;
  const finalMessage = new Promise<string>((r) => (resolveFinal = r));
  const keyGuess = new FormatGuesser();
  const valueGuess = new FormatGuesser();

  async function* items(): AsyncGenerator<StreamedItem> {
    let seen = 0;
    let printed = 0;
    let headerSent = false;
    try {
      while (!closed) {
        const batch = await log.fetch(
          offsets.map((offset, partition) => ({ topic: stmt.topic, partition, offset })),
          { maxRecords: 500, maxWaitMs: 200 },
        );
        if (closed) break;
        for (const r of batch) offsets[r.partition] = Math.max(offsets[r.partition]!, r.offset + 1);
        if (batch.length === 0) continue;
        for (const r of batch) {
          keyGuess.observe(r.key);
          valueGuess.observe(r.value);
        }
        if (!headerSent) {
          headerSent = true;
          yield { row: [`Key format: ${keyGuess.describe()}`] };
          yield { row: [`Value format: ${valueGuess.describe()}`] };
        }
        for (const r of batch) {
          if (seen++ % interval !== 0) continue;
          yield { row: [formatPrintLine(r, keyGuess.best(), valueGuess.best())] };
          printed++;
          if (limit !== undefined && printed >= limit) {
            resolveFinal('Limit Reached');
            return;
          }
        }
      }
      resolveFinal('Query Completed');
    } finally {
      closed = true;
      resolveFinal('Query Completed');
    }
  }

  return {
    kind: 'print',
    header: { queryId: `print_${stmt.topic}`, columnNames: [], columnTypes: [], schema: '' },
    items: items(),
    finalMessage,
    close() {
      closed = true;
    },
  };
}
