// Turns output rows into log records for a sink: serializes key and value with the sink's
// formats, applies the sink's TIMESTAMP column, and (for tables) keeps the SQLite
// materialization in step with what is emitted.

import type { DataSource } from '../catalog/model.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { ProduceRecord } from '../log/topic-log.js';
import type { PersistentPhysicalPlan } from './builder.js';
import { createSerde } from '../serde/index.js';
import type { Serde } from '../serde/serde.js';
import { ProcessingLogType } from './processing-log.js';
import { QueryFailure, type OutputRow, type ProcessingLogSink } from './pipeline.js';
import type { TableStore } from './table-store.js';
import { stringTimestampParser, toEpochMs } from './timestamps.js';
import { serializeWindowedKey } from '../serde/windowed.js';
import { partitionForKey } from '../log/partitioner.js';

/** `computedKey`: the query computes its key (PARTITION BY), so a key of nulls is still a key. */
export function sinkSerdes(sink: DataSource, computedKey = false): { key: Serde | null; value: Serde } {
  const key =
    sink.schema.key.length === 0 || sink.keyFormat.format === 'NONE'
      ? null
      : createSerde({
          format: sink.keyFormat.format,
          columns: sink.schema.key,
          side: 'key',
          options: sink.keyFormat.options,
          topic: sink.topic,
          ...(computedKey ? { writeAllNullKeys: true } : {}),
        });
  const value = createSerde({
    format: sink.valueFormat.format,
    columns: sink.schema.value.filter((c) => c.namespace !== 'HEADER'),
    side: 'value',
    options: sink.valueFormat.options,
    topic: sink.topic,
  });
  return { key, value };
}

export class SinkWriter {
  private readonly keySerde: Serde | null;
  private readonly valueSerde: Serde;
  private readonly timestampOf?: (o: OutputRow) => number | null;
  private readonly logger: string;
  private readonly window: DataSource['keyFormat']['window'];
  /** When set, records get an explicit partition (murmur2 of the key without its window). */
  sinkPartitions: number | undefined;
  /**
   * When set, materialized rows are filed under the partition their key hashes to (a table
   * scan then returns rows partition by partition, as ksqlDB's does).
   */
  storePartitions: number | undefined;

  /**
   * Windowed keys are placed by the writer (sinkPartitions must be set): by the key without its
   * window, as Kafka Streams' WindowedStreamPartitioner does, not by the windowed key's bytes.
   */
  get placesByBaseKey(): boolean {
    return this.window !== undefined;
  }

  /**
   * PROTOBUF without nullable wrappers has no null for a primitive field: ksqlDB's store keeps
   * the serialized value, so a materialized null reads back as the field's default ('' or 0).
   */
  private readonly storeRoundTrip: boolean;

  constructor(
    private readonly plan: PersistentPhysicalPlan,
    functions: FunctionRegistry,
    private readonly processingLog: ProcessingLogSink,
    private readonly store: TableStore | null,
    private readonly failOnSerializationError = true,
  ) {
    const serdes = sinkSerdes(plan.sink, plan.analysis.partitionBy !== undefined);
    this.keySerde = serdes.key;
    this.valueSerde = serdes.value;
    this.logger = `processing.${plan.queryId}.${plan.sink.name}`;
    this.window = plan.sink.keyFormat.window;
    const vf = plan.sink.valueFormat;
    this.storeRoundTrip =
      (vf.format === 'PROTOBUF' || vf.format === 'PROTOBUF_NOSR') &&
      vf.options?.nullableRepresentation === undefined &&
      plan.sink.schema.value.every((c) => c.namespace !== 'HEADER');
    const ts = plan.sinkTimestamp;
    if (ts) {
      const keyCount = plan.sink.schema.key.length;
      const all = [...plan.sink.schema.key, ...plan.sink.schema.value];
      const type = all[ts.index]!.type;
      const parse = stringTimestampParser(ts.format, functions);
      this.timestampOf = (o) => {
        const v = ts.index < keyCount ? o.key[ts.index] : o.value?.[ts.index - keyCount];
        const ms = toEpochMs(v, type, parse);
        return ms === null || Number.isNaN(ms) || ms < 0 ? null : ms;
      };
    }
  }

  /**
   * A record the sink cannot serialize is logged, then stops the query (ksqlDB's streams
   * thread fails on it: skipping it would lose the record without a trace in the output),
   * unless ksql.fail.on.production.error is false: then the caller skips the record.
   */
  private serializationError(target: 'key' | 'value', e: unknown, o: OutputRow, timestamp: number): void {
    this.logSerializationError(target, e);
    if (!this.failOnSerializationError) return;
    const reason = e instanceof Error ? e.message : String(e);
    throw new QueryFailure(
      `Exception caught in process. query=${this.plan.queryId}, topic=${this.plan.analysis.source.topic}, partition=${o.partition}, offset=${o.offset}: ` +
        `Unable to serialize record. ProducerRecord(topic=[${this.plan.sink.topic}], timestamp=[${timestamp}]): ${reason}`,
      { cause: e },
    );
  }

  private logSerializationError(target: 'key' | 'value', e: unknown): void {
    this.processingLog.write({
      logger: this.logger,
      message: {
        type: ProcessingLogType.SERIALIZATION_ERROR,
        serializationError: {
          target,
          errorMessage: `Error serializing message to topic: ${this.plan.sink.topic}. ${e instanceof Error ? e.message : String(e)}`,
          record: null,
          cause: [],
          topic: this.plan.sink.topic,
        },
      },
    });
  }

  /** The key's bytes (without a window), or an Error when it cannot be serialized. */
  private keyBytes(o: OutputRow): Buffer | null | Error {
    if (this.keySerde === null) return null;
    try {
      return this.keySerde.serialize(o.key);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }

  /** The values as the sink's value format gives them back (a value it cannot write stays as it is). */
  private storedValues(values: unknown[]): unknown[] {
    try {
      const back = this.valueSerde.deserialize(this.valueSerde.serialize(values));
      return Array.isArray(back) ? back : values;
    } catch {
      return values;
    }
  }

  /** Records to produce for a batch of output rows; updates the table store (uncommitted). */
  toRecords(rows: OutputRow[]): ProduceRecord[] {
    const out: ProduceRecord[] = [];
    const store = this.store;
    const valueSerde = this.valueSerde;
    for (let i = 0; i < rows.length; i++) {
      const o = rows[i]!;
      // Serialized once: the sink record's key, its partition and the store's partition.
      const keyBytes = this.keyBytes(o);
      let storePartition: number | undefined;
      // A key with a null column cannot be stored (SQLite keys are NOT NULL); its record is still written.
      if (store && !hasNull(o.key)) {
        const storeKey = o.window ? [...o.key, o.window.start, o.window.end] : o.key;
        if (o.value === null) {
          if (store.get(storeKey)) store.delete(storeKey);
          else if (!o.alwaysEmit) continue;
        } else {
          // Materialized rows are filed under the sink partition of their key when it is known.
          if (this.storePartitions === undefined || keyBytes === null || keyBytes instanceof Error) storePartition = o.partition;
          else storePartition = partitionForKey(keyBytes, this.storePartitions);
          store.put({ key: storeKey, values: this.storeRoundTrip ? this.storedValues(o.value) : o.value, rowtime: o.rowtime, partition: storePartition });
        }
      }
      let timestamp = o.rowtime;
      if (this.timestampOf && o.value !== null) {
        const ts = this.timestampOf(o);
        if (ts === null) continue;
        timestamp = ts;
      }
      if (keyBytes instanceof Error) {
        this.serializationError('key', keyBytes, o, timestamp);
        continue;
      }
      let key = keyBytes;
      let value: Buffer | null = null;
      let partition: number | undefined;
      try {
        // Windowed keys are partitioned by the key without its window (as Kafka Streams does).
        if (this.sinkPartitions !== undefined && key !== null) {
          partition = storePartition !== undefined && this.sinkPartitions === this.storePartitions ? storePartition : partitionForKey(key, this.sinkPartitions);
        }
        if (this.window && o.window) key = serializeWindowedKey(key, this.window.type, o.window);
      } catch (e) {
        this.serializationError('key', e, o, timestamp);
        continue;
      }
      try {
        value = o.value === null ? null : valueSerde.serialize(o.value);
      } catch (e) {
        this.serializationError('value', e, o, timestamp);
        continue;
      }
      out.push(partition === undefined ? { key, value, timestamp, headers: o.headers } : { key, value, timestamp, headers: o.headers, partition });
    }
    return out;
  }
}

function hasNull(key: unknown[]): boolean {
  for (let i = 0; i < key.length; i++) if (key[i] === null) return true;
  return false;
}
