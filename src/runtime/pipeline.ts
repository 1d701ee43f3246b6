// The operator chain of a query over batches of log records: deserialize → timestamp, then
// the operators of ./operators (filter → select-key → flat-map → project), or the aggregator.
// Rows are arrays in the layout of src/planner/query/layout.ts. Errors in one record go to
// the processing log and never stop the batch: a record that cannot be read is skipped,
// a failing expression yields null, a failing table function drops the input row.

import { rowKeyReader } from '../planner/query/layout.js';
import type { DataSource } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { LogRecord, RecordHeader } from '../log/topic-log.js';
import type { AnalyzedQuery } from '../planner/query/analyze.js';
import { createSerde } from '../serde/index.js';
import { deserializeWindowedKey, type WindowBounds } from '../serde/windowed.js';
import type { Serde } from '../serde/serde.js';
import { ProcessingLogType, type ProcessingLogEntry } from './processing-log.js';
import { timestampReader, type TimestampReader } from './timestamps.js';
import { Aggregator } from './aggregate/aggregator.js';
import { WindowProgress } from './window/progress.js';
import { memoryStateStore, type AggregateStateStore } from './aggregate/state-store.js';
import type { Batch, OperatorContext } from './operators/context.js';
import { filterOperator } from './operators/filter.js';
import { selectKeyOperator } from './operators/select-key.js';
import { flatMapOperator } from './operators/flat-map.js';
import { compileProjector, projectOperator, type Projector } from './operators/project.js';

export interface ProcessingLogSink {
  write(entry: ProcessingLogEntry): void;
}

export interface PipelineOptions {
  queryId: string;
  functions: FunctionRegistry;
  processingLog: ProcessingLogSink;
  /** ksql.logging.processing.rows.include */
  includeRows: boolean;
  /** ksql.timestamp.throw.on.invalid */
  throwOnInvalidTimestamp: boolean;
  /** ksql.fail.on.deserialization.error */
  failOnDeserializationError: boolean;
  /** ksql.fail.on.production.error: a record the sink cannot serialize stops the query; false: logged and skipped. Persistent queries only. */
  failOnProductionError?: boolean;
}

export type { OutputRow } from './output-row.js';

/** A table source's delete: the key of the row (a windowed table's with its window bounds after it). */
export interface TableTombstone {
  key: unknown[];
  rec: LogRecord;
}

/** Decoded records: the rows (with their records), and the deletes of table sources. */
export interface DecodedRecords {
  rows: unknown[][];
  meta: LogRecord[];
  tombstones: TableTombstone[];
}
import type { OutputRow } from './output-row.js';
import { QueryFailure } from './query-failure.js';

export { QueryFailure };

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function causes(e: unknown): string[] {
  const out: string[] = [];
  let c: unknown = e instanceof Error ? e.cause : undefined;
  while (c instanceof Error && out.length < 5) {
    out.push(c.message);
    c = c.cause;
  }
  return out;
}

export function sourceSerdes(source: DataSource): { key: Serde | null; value: Serde } {
  const valueColumns = source.schema.value.filter((c) => c.namespace !== 'HEADER');
  const key =
    source.schema.key.length === 0 || source.keyFormat.format === 'NONE'
      ? null
      : createSerde({ format: source.keyFormat.format, columns: source.schema.key, side: 'key', options: source.keyFormat.options, topic: source.topic });
  const value = createSerde({ format: source.valueFormat.format, columns: valueColumns, side: 'value', options: source.valueFormat.options, topic: source.topic });
  return { key, value };
}

export class Pipeline {
  readonly source: DataSource;
  private readonly keySerde: Serde | null;
  private readonly valueSerde: Serde;
  /** The value serde's deserializeInto, when the value columns follow the key columns in the row. */
  private readonly readValuesInto?: (bytes: Buffer, row: unknown[], at: number) => boolean;
  private readonly width: number;
  private readonly keyCount: number;
  private readonly valueIndexes: number[];
  private readonly contiguousValues: boolean;
  private readonly headerColumns: { index: number; headerKey?: string }[];
  private readonly rowtimeIndex: number;
  private readonly timestamp: TimestampReader | null;
  private readonly isTable: boolean;
  private readonly filter?: (batch: Batch) => Batch;
  private readonly selectKey?: (rows: unknown[][]) => void;
  private readonly flatMap?: (batch: Batch) => Batch;
  private readonly projector: Projector;
  private readonly projectKey: (row: unknown[]) => unknown[];
  private readonly projectValue: (row: unknown[]) => unknown[];
  private readonly projectSelected: (row: unknown[]) => unknown[];
  private readonly logger: string;
  private readonly keyWindow: DataSource['keyFormat']['window'];
  private readonly windowIndexes: { start: number; end: number } | undefined;
  /**
   * How long decoded rows are: the row width, or more (nulls after it) for a join's first
   * source, whose rows then already have the joined row's shape.
   */
  decodeWidth: number;
  /** The options this pipeline was built with (joins build their source decoders with them). */
  readonly options: PipelineOptions;

  constructor(
    readonly analysis: AnalyzedQuery,
    private readonly opts: PipelineOptions,
  ) {
    this.options = opts;
    const { layout } = analysis;
    this.source = analysis.source;
    const serdes = sourceSerdes(this.source);
    this.keySerde = serdes.key;
    this.valueSerde = serdes.value;
    const into = this.valueSerde.deserializeInto;
    if (into && layout.headerColumns.length === 0) this.readValuesInto = into.bind(this.valueSerde);
    this.width = analysis.rowWidth;
    this.decodeWidth = this.width;
    this.keyCount = layout.keyColumns.length;
    this.valueIndexes = layout.valueIndexes;
    this.contiguousValues = layout.headerColumns.length === 0;
    this.headerColumns = layout.headerColumns.map((h) => ({ index: h.index, headerKey: h.column.headerKey }));
    this.rowtimeIndex = layout.rowtimeIndex;
    this.isTable = this.source.sourceType === 'TABLE';
    this.timestamp = this.source.timestamp && !analysis.join ? timestampReader(this.source, layout, opts.functions) : null;
    const ctx: OperatorContext = {
      evaluating: (row) => (this.currentRow = row),
      logRecordError: (step, message, row, e) => this.logRecordError(step, message, row, e),
    };
    const rejected = this.isTable ? (row: unknown[], rec: LogRecord) => this.emitFilteredOut(row, rec, this.out) : undefined;
    if (analysis.where) this.filter = filterOperator(analysis.where, ctx, rejected);
    if (analysis.partitionBy && analysis.partitionBy.exprs.length > 0) this.selectKey = selectKeyOperator(analysis.partitionBy, ctx);
    if (analysis.tableFunctions.length > 0) this.flatMap = flatMapOperator(analysis.tableFunctions, ctx);
    this.projector = projectOperator(
      { keyColumns: analysis.keyColumns, valueColumns: analysis.valueColumns, rowtimeIndex: layout.rowtimeIndex, ...(layout.windowIndexes ? { windowIndexes: layout.windowIndexes } : {}) },
      ctx,
    );
    this.projectKey = this.projector.projectKey;
    this.projectValue = this.projector.projectValue;
    this.projectSelected = compileProjector(analysis.selected.map((c) => c.expr));
    this.logger = `processing.${opts.queryId}`;
    this.keyWindow = this.source.keyFormat.window;
    this.windowIndexes = layout.windowIndexes;
    analysis.errors.handler = (message) => this.logEvaluationError(message);
    const window = analysis.aggregate?.window;
    if (window) this.windowProgress = new WindowProgress(opts.queryId, window.lateRecordsTopic !== undefined);
    if (analysis.aggregate) this.useAggregateState(memoryStateStore(), true);
  }

  private aggregator: Aggregator | null = null;
  /** Windowed aggregations: late records, expired windows, stream time per partition. */
  windowProgress: WindowProgress | null = null;
  private aggregateState: AggregateStateStore | null = null;
  private ownsAggregateState = false;

  /** The aggregation's state store (null without GROUP BY). */
  get aggregateStore(): AggregateStateStore | null {
    return this.aggregateState;
  }

  /**
   * Aggregations: where the states live (persistent queries pass their SQLite store's), and
   * cache.max.bytes.buffering (above 0, changes collapse per group until flushCache()).
   */
  useAggregateState(store: AggregateStateStore, owned = false, cacheMaxBytes = 0): void {
    this.aggregateState = store;
    this.ownsAggregateState = owned;
    this.aggregator = new Aggregator(this.analysis, store, {
      projectKey: this.projectKey,
      projectValue: this.projectValue,
      logError: (step, message, row, e) => this.logRecordError(step, message, row, e),
      ...(this.windowProgress ? { progress: this.windowProgress } : {}),
      cacheMaxBytes,
    });
  }

  /** Aggregations with a record cache: whether it holds changes, and whether it is over budget. */
  get cached(): { pending: number; full: boolean } {
    return this.aggregator?.cached ?? { pending: 0, full: false };
  }

  /** The aggregation's collapsed changes, to produce before a commit (or when the cache is full), `size` rows at a time. */
  *flushCache(size: number): Generator<OutputRow[]> {
    if (this.aggregator) yield* this.aggregator.flushCache(size);
  }

  /** The row being evaluated, for processing-log entries that include rows. */
  private currentRow: unknown[] | null = null;

  private logEvaluationError(message: string): void {
    const row = this.currentRow;
    this.opts.processingLog.write({
      logger: `${this.logger}.Project`,
      message: {
        type: ProcessingLogType.RECORD_PROCESSING_ERROR,
        recordProcessingError: {
          errorMessage: message + this.whereFrom(row),
          record: this.opts.includeRows && row ? safeJson(row.slice(0, this.rowtimeIndex)) : null,
          cause: [],
        },
      },
    });
  }

  // ---------------------------------------------------------------- processing log

  private logDeserialization(rec: LogRecord, target: 'key' | 'value', e: unknown): void {
    const bytes = target === 'key' ? rec.key : rec.value;
    // The serde's message already starts with "Failed to deserialize <target> from topic: <t>. ";
    // the entry says it once, with the partition and offset a user needs to find the record.
    const prefix = `Failed to deserialize ${target} from topic: ${rec.topic}. `;
    const text = errorText(e);
    const reason = text.startsWith(prefix) ? text.slice(prefix.length) : text;
    const where = `Failed to deserialize ${target} from topic: ${rec.topic} (partition ${rec.partition}, offset ${rec.offset}).`;
    this.opts.processingLog.write({
      logger: `${this.logger}.KsqlTopic.Source.deserializer`,
      message: {
        type: ProcessingLogType.DESERIALIZATION_ERROR,
        deserializationError: {
          target,
          errorMessage: `${where} ${reason}`,
          recordB64: this.opts.includeRows && bytes ? bytes.toString('base64') : null,
          cause: causes(e),
          topic: rec.topic,
        },
      },
    });
    if (this.opts.failOnDeserializationError) {
      throw new QueryFailure(`${where} ${reason}`);
    }
  }

  /** " (topic: t, partition: p, offset: o)" for a source row, so a user can find the record. */
  private whereFrom(row: unknown[] | null): string {
    const partition = row?.[this.rowtimeIndex + 1];
    const offset = row?.[this.rowtimeIndex + 2];
    if (typeof partition !== 'number' || (typeof offset !== 'number' && typeof offset !== 'bigint')) return '';
    return ` (topic: ${this.source.topic}, partition: ${partition}, offset: ${offset})`;
  }

  logRecordError(step: string, message: string, row: unknown[] | null, e: unknown): void {
    this.opts.processingLog.write({
      logger: `${this.logger}.${step}`,
      message: {
        type: ProcessingLogType.RECORD_PROCESSING_ERROR,
        recordProcessingError: {
          errorMessage: `${message}: ${errorText(e)}${this.whereFrom(row)}`,
          record: this.opts.includeRows && row ? safeJson(row.slice(0, this.rowtimeIndex)) : null,
          cause: causes(e),
        },
      },
    });
  }

  private invalidTimestamp(row: unknown[], rec: LogRecord): void {
    const message = `Fatal user code error in TimestampExtractor callback for record ${rec.topic}-${rec.partition}@${rec.offset}`;
    if (this.opts.throwOnInvalidTimestamp) {
      const column = this.source.timestamp?.column;
      throw new QueryFailure(
        `${message}: ${column ? `column ${column} holds no valid timestamp` : 'the record has no valid timestamp'}. ` +
          'The query stops because ksql.timestamp.throw.on.invalid is true; set it to false to skip such records.',
      );
    }
    this.logRecordError('KsqlTopic.Source', `Invalid timestamp in column ${this.source.timestamp?.column}; record skipped`, row, new Error(message));
  }

  // ---------------------------------------------------------------- stages

  /** Log records → source rows (invalid records are logged and skipped). */
  decode(records: LogRecord[]): DecodedRecords {
    const into: DecodedRecords = { rows: [], meta: [], tombstones: [] };
    for (let n = 0; n < records.length; n++) this.decodeInto(records[n]!, into);
    return into;
  }

  /** Decodes one record onto the ends of `into`'s lists (nothing when it is invalid or skipped). */
  decodeInto(rec: LogRecord, into: DecodedRecords): void {
    const decoded = this.decodeRecord(rec);
    if (decoded === null) return;
    if (Array.isArray(decoded)) {
      into.rows.push(decoded);
      into.meta.push(rec);
    } else {
      into.tombstones.push(decoded);
    }
  }

  /** One record's row, or its table delete; null when it is invalid or skipped. */
  decodeRecord(rec: LogRecord): unknown[] | TableTombstone | null {
    const keySerde = this.keySerde;
    const keyCount = this.keyCount;
    let key: unknown[] | null = null;
    let window: WindowBounds | null = null;
    if (keySerde !== null) {
      try {
        let keyBytes = rec.key;
        if (this.keyWindow && keyBytes !== null) {
          const split = deserializeWindowedKey(keyBytes, this.keyWindow.type, this.keyWindow.sizeMs ?? 0);
          keyBytes = split.key;
          window = split.window;
        }
        key = keySerde.deserialize(keyBytes);
      } catch (e) {
        this.logDeserialization(rec, 'key', e);
        return null;
      }
    }
    // A table drops records without a key: no key at all, or a single key column that is null
    // (a multi-column key with some null columns is still a key, as in ksqlDB).
    if (this.isTable && (key === null || (keyCount === 1 && key[0] === null))) return null;
    if (rec.value === null) {
      // A windowed table's tombstone carries its window bounds after the key columns.
      if (this.isTable) return { key: window && key ? [...key, window.start, window.end] : (key ?? []), rec };
      const row = new Array<unknown>(this.width).fill(null);
      for (let i = 0; i < keyCount; i++) row[i] = key ? key[i] : null;
      row[this.rowtimeIndex] = rec.timestamp;
      row[this.rowtimeIndex + 1] = rec.partition;
      row[this.rowtimeIndex + 2] = rec.offset;
      (row as { nullValue?: boolean }).nullValue = true;
      return row;
    }
    const row = new Array<unknown>(this.decodeWidth);
    for (let i = this.width; i < this.decodeWidth; i++) row[i] = null;
    for (let i = 0; i < keyCount; i++) row[i] = key ? key[i] : null;
    try {
      if (this.readValuesInto !== undefined) {
        if (!this.readValuesInto(rec.value, row, keyCount)) for (let i = keyCount; i < this.rowtimeIndex; i++) row[i] = null;
      } else {
        const values = this.valueSerde.deserialize(rec.value);
        if (values === null) {
          for (let i = keyCount; i < this.rowtimeIndex; i++) row[i] = null;
        } else if (this.contiguousValues) {
          for (let i = 0; i < values.length; i++) row[keyCount + i] = values[i];
        } else {
          const idx = this.valueIndexes;
          for (let i = 0; i < idx.length; i++) row[idx[i]!] = values[i];
        }
      }
    } catch (e) {
      this.logDeserialization(rec, 'value', e);
      return null;
    }
    for (const h of this.headerColumns) row[h.index] = headerValue(rec.headers, h.headerKey);
    if (this.windowIndexes) {
      row[this.windowIndexes.start] = window ? window.start : null;
      row[this.windowIndexes.end] = window ? window.end : null;
    }
    row[this.rowtimeIndex + 1] = rec.partition;
    row[this.rowtimeIndex + 2] = rec.offset;
    if (this.timestamp) {
      const ts = this.timestamp(row, rec);
      if (ts === null) {
        this.invalidTimestamp(row, rec);
        return null;
      }
      row[this.rowtimeIndex] = ts;
    } else {
      row[this.rowtimeIndex] = rec.timestamp;
    }
    return row;
  }

  /** Runs the chain over one batch of records and returns the output changes in input order. */
  process(records: LogRecord[]): OutputRow[] {
    // Any input record, also one the query filters out, keeps an idle timeout from firing.
    if (records.length > 0 && this.windowProgress) this.windowProgress.lastInputAt = Date.now();
    const out = this.processRecords(records);
    if (this.ownsAggregateState) this.aggregateState!.flushNow();
    return out;
  }

  private processRecords(records: LogRecord[]): OutputRow[] {
    const { rows, meta, tombstones } = this.decode(records);
    const out: OutputRow[] = [];
    if (tombstones.length > 0 && rows.length === 0) {
      for (const t of tombstones) this.tableDelete(t.key, t.rec, out);
      return out;
    }
    if (tombstones.length > 0) {
      // Interleave tombstones with rows by record position to keep log order.
      return this.processInterleaved(records);
    }
    this.run(rows, meta, out);
    return out;
  }

  /** EMIT FINAL with an idle timeout: what a quiet input's wall-clock stream time closes. */
  advanceIdle(now: number): OutputRow[] {
    const out: OutputRow[] = [];
    this.aggregator?.advanceIdle(now, out);
    if (out.length > 0 && this.ownsAggregateState) this.aggregateState!.flushNow();
    return out;
  }

  /** Runs the stages after the source (filter … project) over rows built elsewhere, e.g. joined rows. */
  processRows(rows: unknown[][], meta: LogRecord[]): OutputRow[] {
    const out: OutputRow[] = [];
    this.run(rows, meta, out);
    if (this.ownsAggregateState) this.aggregateState!.flushNow();
    return out;
  }

  /** The delete of a row's output key (a table join result that no longer exists). */
  deleteRow(row: unknown[], rec: LogRecord, rowtime: number): OutputRow[] {
    if (this.aggregator) {
      const out: OutputRow[] = [];
      this.aggregator.remove(rowKeyReader(this.analysis.layout)(row), rec, out);
      if (this.ownsAggregateState) this.aggregateState!.flushNow();
      return out;
    }
    return [ { key: this.projectKey(row), value: null, rowtime, headers: rec.headers, partition: rec.partition, offset: rec.offset, alwaysEmit: true }];
  }

  private processInterleaved(records: LogRecord[]): OutputRow[] {
    const out: OutputRow[] = [];
    for (const rec of records) {
      const { rows, meta, tombstones } = this.decode([rec]);
      for (const t of tombstones) this.tableDelete(t.key, t.rec, out);
      this.run(rows, meta, out);
    }
    return out;
  }

  private tableDelete(key: unknown[], rec: LogRecord, out: OutputRow[]): void {
    if (this.aggregator) this.aggregator.remove(key, rec, out);
    else out.push(this.tombstone(key, rec));
  }

  private tombstone(key: unknown[], rec: LogRecord): OutputRow {
    // Table → table without a key change: the output key is the source key.
    const row = new Array<unknown>(this.width).fill(null);
    for (let i = 0; i < this.keyCount; i++) row[i] = key[i];
    const o: OutputRow = { key: [], value: null, rowtime: rec.timestamp, headers: rec.headers, partition: rec.partition, offset: rec.offset };
    if (this.windowIndexes && key.length >= this.keyCount + 2) {
      const window = { start: key[this.keyCount] as number, end: key[this.keyCount + 1] as number };
      row[this.windowIndexes.start] = window.start;
      row[this.windowIndexes.end] = window.end;
      o.window = window;
    }
    o.key = this.projectKey(row);
    return o;
  }

  /** Where the filter's rejected table rows go during run() (the current batch's output). */
  private out: OutputRow[] = [];

  private run(rows: unknown[][], meta: LogRecord[], out: OutputRow[]): void {
    let batch: Batch = { rows, meta };
    this.out = out;
    if (this.filter) batch = this.filter(batch);
    if (this.aggregator) {
      this.aggregator.add(batch.rows, batch.meta, out);
      return;
    }
    if (this.selectKey) this.selectKey(batch.rows);
    if (this.flatMap) batch = this.flatMap(batch);
    this.projector.run(batch, out);
  }

  private emitFilteredOut(row: unknown[], rec: LogRecord, out: OutputRow[]): void {
    if (this.aggregator) {
      this.aggregator.remove(rowKeyReader(this.analysis.layout)(row), rec, out);
      return;
    }
    out.push({ key: this.projectKey(row), value: null, rowtime: rec.timestamp, headers: rec.headers, partition: rec.partition, offset: rec.offset, filteredOut: true });
  }

  /** Select items in select order (transient queries). */
  selectedRow(o: OutputRow): unknown[] | null {
    if (o.value === null) return null;
    // Rebuild from key/value split: selected = analysis.selected order.
    const a = this.analysis;
    const out = new Array<unknown>(a.selected.length);
    let k = 0;
    let v = 0;
    for (let i = 0; i < a.selected.length; i++) {
      const c = a.selected[i]!;
      out[i] = a.keyColumns.includes(c) ? o.key[k++] : o.value[v++];
    }
    return out;
  }

  get selectedProjector(): (row: unknown[]) => unknown[] {
    return this.projectSelected;
  }
}

function headerValue(headers: RecordHeader[], key: string | undefined): unknown {
  if (key === undefined) return headers.map((h) => ({ KEY: h.key, VALUE: h.value }));
  let found: Buffer | null = null;
  for (const h of headers) if (h.key === key) found = h.value;
  return found;
}

function safeJson(row: unknown[]): string {
  try {
    return JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(row);
  }
}
