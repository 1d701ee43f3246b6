// The repartition topics of a join (ksqlDB's `<group>-<prefix>Join-left-repartition` and
// kin, see src/planner/query/join-topology.ts): each rekeyed input record is written to its
// topic with the join value as key, in the key format the join chose, and the input's value
// columns in its value format, at the record's time. The join task produces them in the same
// transaction as its outputs, so the topic holds exactly the records the join consumed.

import type { Column } from '../../common/types.js';
import type { JoinAnalysis, JoinStep } from '../../planner/query/join.js';
import type { ProduceRecord } from '../../log/topic-log.js';
import { createSerde, type Serde } from '../../serde/index.js';
import { serializeWindowedKey, type WindowKind } from '../../serde/windowed.js';
import { LEFT, type Side } from './join-store.js';

/** Value formats whose bytes say nothing of a schema: a source's value bytes read the same under the repartition topic. */
const SCHEMALESS_VALUE_FORMATS = new Set(['JSON', 'DELIMITED', 'KAFKA']);

interface Writer {
  topic: string;
  /** The topic whose partition count the repartition topic takes. */
  sourceTopic: string;
  key: Serde;
  value: Serde;
  valueIndexes: number[];
  /** A schema-less format over exactly one source's value columns: that source's value bytes are the value. */
  reusesSourceValue: boolean;
  window?: { kind: WindowKind; start: number; end: number };
}

export interface RepartitionTopic {
  topic: string;
  sourceTopic: string;
}

export class JoinRepartitions {
  private readonly writers = new Map<number, Writer>();
  private pending = new Map<string, ProduceRecord[]>();

  constructor(join: JoinAnalysis, group: string) {
    join.steps.forEach((step, n) => {
      for (const r of step.topology?.repartitions ?? []) {
        const side: Side = r.side === 'LEFT' ? LEFT : 1;
        const topic = `${group}-${r.topic}`;
        // The input's own columns: one source, or every source joined so far.
        const sources = side === LEFT ? join.sources.slice(0, step.right) : [join.sources[step.right]!];
        const single = sources.length === 1;
        const columns: Column[] = [];
        const valueIndexes: number[] = [];
        for (const s of sources) {
          s.layout.valueColumns.forEach((c, i) => {
            columns.push({ ...c, name: single ? c.name : `${s.alias}_${c.name}` });
            valueIndexes.push(s.offset + s.layout.valueIndexes[i]!);
          });
          if (!single) {
            s.layout.keyColumns.forEach((c, i) => {
              columns.push({ ...c, name: `${s.alias}_${c.name}`, namespace: 'VALUE' });
              valueIndexes.push(s.offset + i);
            });
          }
        }
        const first = sources[0]!;
        const keyName = keyColumnName(join, step);
        const keyColumns: Column[] = [{ name: keyName, type: step.keyType, namespace: 'KEY' }];
        let key: Serde;
        try {
          key = createSerde({ format: r.keyFormat.format, columns: keyColumns, side: 'key', topic, ...(r.keyFormat.options ? { options: r.keyFormat.options } : {}) });
        } catch {
          // A key format that cannot hold the join value's type (KAFKA and a STRUCT) gives way to JSON, as ksqlDB's sanitized key formats do.
          key = createSerde({ format: 'JSON', columns: keyColumns, side: 'key', topic });
        }
        const format = first.source.valueFormat.format;
        const value = createSerde({ format, columns, side: 'value', topic, ...(first.source.valueFormat.options ? { options: first.source.valueFormat.options } : {}) });
        const reusesSourceValue = single && SCHEMALESS_VALUE_FORMATS.has(format) && columns.every((c) => c.namespace !== 'HEADER');
        const w = single ? first.layout.windowIndexes : undefined;
        const kind = first.source.keyFormat.window?.type;
        this.writers.set(n * 2 + side, {
          topic,
          sourceTopic: join.sources[side === LEFT ? 0 : step.right]!.source.topic,
          key,
          value,
          valueIndexes,
          reusesSourceValue,
          ...(w && kind ? { window: { kind: kind as WindowKind, start: first.offset + w.start, end: first.offset + w.end } } : {}),
        });
      }
    });
  }

  get topics(): RepartitionTopic[] {
    return [...this.writers.values()].map((w) => ({ topic: w.topic, sourceTopic: w.sourceTopic }));
  }

  /** Whether step n's side is rekeyed through a topic. */
  has(n: number, side: Side): boolean {
    return this.writers.has(n * 2 + side);
  }

  /**
   * Writes one rekeyed input record (a table side's delete as a tombstone). `sourceValue`:
   * the source record's value bytes, written as they are when the format carries no schema.
   * Throws SerdeError.
   */
  write(n: number, side: Side, joinValue: unknown, row: unknown[], deleted: boolean, ts: number, sourceValue?: Buffer | null): void {
    const w = this.writers.get(n * 2 + side);
    if (!w) return;
    let key = joinValue === null ? null : w.key.serialize([joinValue]);
    if (w.window && key !== null) key = serializeWindowedKey(key, w.window.kind, { start: Number(row[w.window.start]), end: Number(row[w.window.end]) });
    const value = deleted ? null : w.reusesSourceValue && sourceValue ? sourceValue : w.value.serialize(w.valueIndexes.map((i) => row[i] ?? null));
    let list = this.pending.get(w.topic);
    if (!list) this.pending.set(w.topic, (list = []));
    list.push({ key, value, timestamp: ts });
  }

  /** The records written since the last take, by topic. */
  take(): Map<string, ProduceRecord[]> {
    const out = this.pending;
    this.pending = new Map();
    return out;
  }

  /** Forgets what was not taken (an aborted cycle). */
  discard(): void {
    this.pending.clear();
  }
}

/** The name of the join value's column: the right source's key column, else ROWKEY. */
function keyColumnName(join: JoinAnalysis, step: JoinStep): string {
  const keys = join.sources[step.right]!.layout.keyColumns;
  return keys.length === 1 ? keys[0]!.name : 'ROWKEY';
}
