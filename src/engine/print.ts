// PRINT <topic>: follow a topic and render its records as text lines, guessing the key
// and value formats from the bytes (spec §1.9).

import avro from 'avsc';
import type { Print } from '../parser/ast.js';
import { defaultSchemaRegistry, type SchemaRegistry } from '../serde/registry.js';
import type { LogRecord, TopicLog } from '../log/topic-log.js';
import { KsqlError, type QueryStream, type StreamedItem } from './api.js';
import { decodeMessageIndexes, messageAt, parseProtobufSchema } from '../serde/protobuf-schema.js';

export type Guess = 'AVRO' | 'PROTOBUF' | 'JSON_SR' | 'JSON' | 'KAFKA_INT' | 'KAFKA_BIGINT' | 'KAFKA_DOUBLE' | 'KAFKA_STRING';

/** The order alternatives are listed in (`AVRO or PROTOBUF`, `KAFKA_BIGINT or KAFKA_DOUBLE`). */
const ORDER: Guess[] = ['AVRO', 'PROTOBUF', 'JSON_SR', 'JSON', 'KAFKA_INT', 'KAFKA_BIGINT', 'KAFKA_DOUBLE', 'KAFKA_STRING'];
/** The order a value is rendered in when several formats fit: readable text beats numbers. */
const RENDER_ORDER: Guess[] = ['AVRO', 'PROTOBUF', 'JSON_SR', 'JSON', 'KAFKA_STRING', 'KAFKA_INT', 'KAFKA_BIGINT', 'KAFKA_DOUBLE'];

function isPrintableUtf8(b: Buffer): boolean {
  const s = b.toString('utf8');
  if (Buffer.byteLength(s) !== b.length || s.includes('\uFFFD')) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000e-\u001f]/.test(s);
}

function isJsonText(b: Buffer): boolean {
  if (!isPrintableUtf8(b)) return false;
  try {
    JSON.parse(b.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Schema id of the Confluent wire format (magic byte 0, then a big-endian int32), if these bytes can carry one. */
function schemaIdOf(b: Buffer): number | undefined {
  return b.length >= 5 && b[0] === 0 ? b.readInt32BE(1) : undefined;
}

/** The formats these bytes could be in; a schema id the registry knows settles the registry format. */
export function possibleFormats(b: Buffer, registry: SchemaRegistry = defaultSchemaRegistry()): Set<Guess> {
  const out = new Set<Guess>();
  const id = schemaIdOf(b);
  if (id !== undefined && id > 0) {
    const known = registry.getById(id);
    if (known) out.add(known.schemaType === 'JSON' ? 'JSON_SR' : known.schemaType);
    else if (b.length !== 8) {
      // An unknown id: any registry format could follow. (Eight bytes starting with 0 are far
      // more often a KAFKA_BIGINT such as an epoch-millisecond time.)
      out.add('AVRO');
      out.add('PROTOBUF');
      if (isJsonText(b.subarray(5))) out.add('JSON_SR');
    }
  }
  if (isPrintableUtf8(b)) {
    if (isJsonText(b)) out.add('JSON');
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

  constructor(private readonly registry: SchemaRegistry = defaultSchemaRegistry()) {}

  observe(b: Buffer | null): void {
    if (b === null || b.length === 0) return;
    const possible = possibleFormats(b, this.registry);
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

  /** The format used to render values. */
  best(): Guess | undefined {
    if (this.mixed || !this.candidates) return undefined;
    return RENDER_ORDER.find((g) => this.candidates!.has(g));
  }
}

function jsonOf(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return Number.isSafeInteger(Number(x)) ? Number(x) : x.toString();
    if (Buffer.isBuffer(x)) return x.toString('base64');
    if (x && typeof x === 'object' && (x as { type?: string }).type === 'Buffer' && Array.isArray((x as { data?: unknown }).data)) {
      return Buffer.from((x as { data: number[] }).data).toString('base64');
    }
    return x;
  });
}

const avroTypes = new Map<string, avro.Type>();

function decodeAvro(schema: string, body: Buffer): string | undefined {
  try {
    let type = avroTypes.get(schema);
    if (!type) {
      type = avro.Type.forSchema(JSON.parse(schema) as avro.Schema, { wrapUnions: false });
      avroTypes.set(schema, type);
    }
    return jsonOf(type.fromBuffer(body));
  } catch {
    return undefined;
  }
}

/** A Confluent protobuf body (message indexes, then the message) as JSON, or undefined when it does not decode. */
function decodeProtobuf(schema: string, references: Record<string, string>, body: Buffer): string | undefined {
  try {
    const parsed = parseProtobufSchema(schema, references);
    const { indexes, rest } = decodeMessageIndexes(body);
    const type = messageAt(parsed, indexes);
    return JSON.stringify(type.toObject(type.decode(rest), { longs: String, enums: String, bytes: String, defaults: true }));
  } catch {
    return undefined;
  }
}

/** A registry-format value: decoded when its writer schema is known and decodable, else its id and bytes. */
function renderRegistryValue(b: Buffer, guess: 'AVRO' | 'PROTOBUF' | 'JSON_SR', registry: SchemaRegistry): string {
  const id = b.readInt32BE(1);
  const body = b.subarray(5);
  if (guess === 'JSON_SR' && isJsonText(body)) return body.toString('utf8');
  const known = registry.getById(id);
  if (guess === 'AVRO' && known?.schemaType === 'AVRO') {
    const decoded = decodeAvro(known.schema, body);
    if (decoded !== undefined) return decoded;
  }
  if (guess === 'PROTOBUF' && known?.schemaType === 'PROTOBUF') {
    const decoded = decodeProtobuf(known.schema, known.references ?? {}, body);
    if (decoded !== undefined) return decoded;
  }
  return `<${guess === 'AVRO' && !known ? 'AVRO or PROTOBUF' : guess} schema id ${id}, ${body.length} bytes: ${body.toString('base64')}>`;
}

export function renderBytes(b: Buffer | null, guess: Guess | undefined, registry: SchemaRegistry = defaultSchemaRegistry()): string {
  if (b === null) return '<null>';
  const possible = possibleFormats(b, registry);
  const g = guess && possible.has(guess) ? guess : RENDER_ORDER.find((x) => possible.has(x));
  switch (g) {
    case 'AVRO':
    case 'PROTOBUF':
    case 'JSON_SR':
      return renderRegistryValue(b, g, registry);
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
      return b.length === 0 ? '' : b.toString('base64');
  }
}

/** `2022/03/18 15:53:22.989 Z` */
export function formatRowtime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} Z`;
}

export function formatPrintLine(r: LogRecord, keyGuess: Guess | undefined, valueGuess: Guess | undefined): string {
  let line = `rowtime: ${formatRowtime(r.timestamp)}, key: ${renderBytes(r.key, keyGuess)}, value: ${renderBytes(r.value, valueGuess)}`;
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
