// What a query's main-thread host and its worker threads say to each other. Record data
// travels as encoded batches in transferred ArrayBuffers, never as decoded records.

import type { SqlType } from '../../common/types.js';
import type { AbortedRange } from '../../log/raw-batches.js';
import type { QueryPlan } from '../../plan/steps.js';
import type { ProcessingLogEntry } from '../processing-log.js';

/** What a worker needs to run a query's tasks: the stored plan, compiled in the worker. */
export interface WorkerInit {
  plan: QueryPlan;
  /** CREATE TYPE names the plan's CASTs use, resolved by the host. */
  types: Record<string, SqlType>;
  properties: Record<string, unknown>;
  sourceTopic: string;
  sinkPartitions: number;
}

/** Host → worker: stored batches of one source partition; records before `from` are skipped. */
export interface BatchMessage {
  type: 'batch';
  id: number;
  partition: number;
  from: number;
  bytes: Uint8Array;
  aborted: AbortedRange[];
}

export type ToWorker =
  /** Take on a query's tasks (a pooled worker runs one query at a time). */
  | { type: 'open'; init: WorkerInit }
  | BatchMessage
  /** Drop the query: answered with 'closed' once everything sent before is answered. */
  | { type: 'close' };

export interface EncodedBatch {
  partition: number;
  bytes: Uint8Array;
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'closed' }
  /** A batch done: the sink batches to append, with what was consumed and produced. */
  | { type: 'done'; id: number; consumed: number; produced: number; batches: EncodedBatch[] }
  | { type: 'log'; entry: ProcessingLogEntry }
  /** `queryFailure`: the query stops (a record it may not skip), as opposed to a bug. */
  | { type: 'failed'; id?: number; message: string; stack?: string; queryFailure: boolean };

/** `buf` as bytes with an ArrayBuffer of their own, so it can be transferred (Buffers may share a pool). */
export function ownedBytes(buf: Uint8Array): Uint8Array {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength && buf.buffer instanceof ArrayBuffer) return buf;
  return new Uint8Array(buf);
}
