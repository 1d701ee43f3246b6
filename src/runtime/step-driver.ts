// Drives a step tree with records and reads what it outputs, with no log, no SQLite file
// and no timers: what Kafka Streams' TopologyTestDriver is to a topology. The tree goes
// through its JSON form and the builder first, exactly as a stored plan does. Single-source
// plans only (filter, select-key, flat-map, aggregate, suppress, project); joins keep their
// state in SQLite files and are driven through PersistentQuery.

import type { FunctionRegistry } from '../functions/registry.js';
import type { LogRecord } from '../log/topic-log.js';
import { roundTrip } from '../plan/json.js';
import { findSteps, type QueryPlan } from '../plan/steps.js';
import { buildAnalysis } from './builder.js';
import { Pipeline, sourceSerdes } from './pipeline.js';
import type { OutputRow } from './output-row.js';
import type { ProcessingLogEntry } from './processing-log.js';

export interface DriverInput {
  /** Key column values (none for a keyless source). */
  key?: unknown[];
  /** Value column values in schema order; null for a tombstone. */
  value: unknown[] | null;
  timestamp: number;
}

export interface DriverOutput {
  key: unknown[];
  value: unknown[] | null;
  rowtime: number;
  window?: { start: number; end: number };
  /** A table row that stopped passing the filter (a delete downstream). */
  filteredOut?: boolean;
}

export interface StepDriverOptions {
  functions: FunctionRegistry;
  properties?: { includeRows?: boolean };
}

export class StepDriver {
  private readonly pipeline: Pipeline;
  private readonly serdes: ReturnType<typeof sourceSerdes>;
  private offset = 0;
  private readonly outputs: DriverOutput[] = [];
  /** Processing-log entries written while driving, in order. */
  readonly processingLog: ProcessingLogEntry[] = [];

  constructor(plan: QueryPlan, options: StepDriverOptions) {
    if (findSteps(plan, ['StreamStreamJoin', 'StreamTableJoin', 'TableTableJoin', 'ForeignKeyJoin']).length > 0) {
      throw new Error(`StepDriver drives single-source plans; ${plan.queryId} joins sources`);
    }
    const analysis = buildAnalysis(roundTrip(plan), { functions: options.functions });
    this.serdes = sourceSerdes(analysis.source);
    this.pipeline = new Pipeline(analysis, {
      queryId: plan.queryId,
      functions: options.functions,
      processingLog: { write: (e) => this.processingLog.push(e) },
      includeRows: options.properties?.includeRows ?? false,
      throwOnInvalidTimestamp: false,
      failOnDeserializationError: false,
    });
  }

  /** Feeds records (as one batch) to the source step. */
  pipe(inputs: DriverInput[]): this {
    const topic = this.pipeline.source.topic;
    const records: LogRecord[] = inputs.map((input) => ({
      topic,
      partition: 0,
      offset: this.offset++,
      timestamp: input.timestamp,
      key: this.serdes.key ? this.serdes.key.serialize(input.key ?? []) : null,
      value: input.value === null ? null : this.serdes.value.serialize(input.value),
      headers: [],
    }));
    for (const o of this.pipeline.process(records)) this.outputs.push(output(o));
    return this;
  }

  /** Feeds raw bytes, e.g. a record the source format cannot read. */
  pipeRaw(record: { key: Buffer | null; value: Buffer | null; timestamp: number }): this {
    const rec: LogRecord = { topic: this.pipeline.source.topic, partition: 0, offset: this.offset++, headers: [], ...record };
    for (const o of this.pipeline.process([rec])) this.outputs.push(output(o));
    return this;
  }

  /** The outputs since the last read, in order. */
  read(): DriverOutput[] {
    return this.outputs.splice(0, this.outputs.length);
  }
}

function output(o: OutputRow): DriverOutput {
  return {
    key: o.key,
    value: o.value,
    rowtime: o.rowtime,
    ...(o.window ? { window: o.window } : {}),
    ...(o.filteredOut ? { filteredOut: true } : {}),
  };
}
