// A worker thread running one stateless persistent query at a time over the source
// partitions its host assigns it (workers are pooled: worker-pool.ts): it compiles the stored plan (the step tree travels as data), and for
// each batch message decodes the stored batches, runs the operators, serializes the
// outputs and hands them back encoded as sink batches, one or more per sink partition.
// Processing-log entries and failures go back to the host as messages.

import { parentPort, threadId } from 'node:worker_threads';
import { functionRegistry } from '../../functions/index.js';
import { decodeRawBatches } from '../../log/raw-batches.js';
import { encodeBatch } from '../../log/record-batch.js';
import { partitionForKey } from '../../log/partitioner.js';
import type { LogRecord, ProduceRecord } from '../../log/topic-log.js';
import { buildPersistent } from '../builder.js';
import { Pipeline, QueryFailure, type ProcessingLogSink } from '../pipeline.js';
import { pipelineOptions } from '../pipeline-options.js';
import { SinkWriter } from '../sink-writer.js';
import { ownedBytes, type BatchMessage, type EncodedBatch, type FromWorker, type ToWorker, type WorkerInit } from './messages.js';

const MAX_BATCH_RECORDS = 4096;
const MAX_BATCH_BYTES = 1 << 20;

const port = parentPort;
if (!port) throw new Error('query-worker.ts runs as a worker thread of a persistent query');

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function failure(e: unknown, id?: number): FromWorker {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: 'failed', ...(id !== undefined ? { id } : {}), message: err.message, ...(err.stack ? { stack: err.stack } : {}), queryFailure: e instanceof QueryFailure };
}

/** Splits one partition's records into batches of bounded size. */
function encodePartition(partition: number, records: ProduceRecord[], now: number, out: EncodedBatch[]): void {
  let start = 0;
  while (start < records.length) {
    let end = start;
    let bytes = 0;
    while (end < records.length && end - start < MAX_BATCH_RECORDS && bytes < MAX_BATCH_BYTES) {
      const r = records[end++]!;
      bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0) + 16;
    }
    out.push({ partition, bytes: ownedBytes(encodeBatch(records.slice(start, end), 0, now)) });
    start = end;
  }
}

class Task {
  private readonly pipeline: Pipeline;
  private readonly writer: SinkWriter;
  /** Null-key records of one batch go to one partition, the next batch's to the next (sticky). */
  private sticky = threadId;

  constructor(private readonly init: WorkerInit) {
    const processingLog: ProcessingLogSink = { write: (entry) => post({ type: 'log', entry }) };
    const physical = buildPersistent(init.plan, { functions: functionRegistry, resolveType: (n) => init.types[n] });
    this.pipeline = new Pipeline(physical.analysis, pipelineOptions(physical.queryId, functionRegistry, init.properties, processingLog));
    this.writer = new SinkWriter(physical, functionRegistry, processingLog, null, this.pipeline.options.failOnProductionError);
    if (this.writer.placesByBaseKey) this.writer.sinkPartitions = init.sinkPartitions;
  }

  process(m: BatchMessage): void {
    const bytes = Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
    const records: LogRecord[] = [];
    decodeRawBatches(bytes, this.init.sourceTopic, m.partition, m.from, m.aborted, records);
    const produce = records.length > 0 ? this.writer.toRecords(this.pipeline.process(records)) : [];
    const batches = this.encode(produce);
    post(
      { type: 'done', id: m.id, consumed: records.length, produced: produce.length, batches },
      batches.map((b) => b.bytes.buffer as ArrayBuffer),
    );
  }

  private encode(records: ProduceRecord[]): EncodedBatch[] {
    const out: EncodedBatch[] = [];
    if (records.length === 0) return out;
    const n = this.init.sinkPartitions;
    const now = Date.now();
    const sticky = this.sticky++ % n;
    const byPartition: ProduceRecord[][] = Array.from({ length: n }, () => []);
    for (const r of records) {
      const p = r.partition ?? (r.key !== null ? partitionForKey(r.key, n) : sticky);
      byPartition[p]!.push(r);
    }
    for (let p = 0; p < n; p++) if (byPartition[p]!.length > 0) encodePartition(p, byPartition[p]!, now, out);
    return out;
  }
}

let task: Task | undefined;

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'open':
      try {
        task = new Task(m.init);
        post({ type: 'ready' });
      } catch (e) {
        task = undefined;
        post(failure(e));
      }
      break;
    case 'batch':
      if (!task) return;
      try {
        task.process(m);
      } catch (e) {
        post(failure(e, m.id));
      }
      break;
    case 'close':
      task = undefined;
      post({ type: 'closed' });
      break;
  }
});
