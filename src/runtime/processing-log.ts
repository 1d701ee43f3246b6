// The processing log: a topic (and the KSQL_PROCESSING_LOG stream over it) where the
// runtime records rows it could not read, evaluate or write, so users can query them.
// The query service writes entries through ProcessingLogWriter.

import type { TopicLog } from '../log/topic-log.js';
import type { LogicalSchema, SqlType } from '../common/types.js';
import { BIGINT, INTEGER, STRING, arrayOf, structOf } from '../common/types.js';

export const PROCESSING_LOG_STREAM = 'KSQL_PROCESSING_LOG';

/** `<serviceId>ksql_processing_log`, or `ksql.logging.processing.topic.name` when set. */
export function processingLogTopic(properties: Record<string, unknown>): string {
  const explicit = properties['ksql.logging.processing.topic.name'];
  if (typeof explicit === 'string' && explicit !== '') return explicit;
  return `${String(properties['ksql.service.id'] ?? 'default_')}ksql_processing_log`;
}

/** Message types of ksqlDB's processing log. */
export const ProcessingLogType = {
  DESERIALIZATION_ERROR: 0,
  RECORD_PROCESSING_ERROR: 1,
  PRODUCTION_ERROR: 2,
  SERIALIZATION_ERROR: 3,
  KAFKA_STREAMS_THREAD_ERROR: 4,
} as const;

export interface ProcessingLogEntry {
  /** `processing.<queryId>.<step>` */
  logger: string;
  level?: 'ERROR' | 'WARN' | 'INFO';
  /** Epoch ms; defaults to now. */
  time?: number;
  message: {
    type: number;
    deserializationError?: { target: 'key' | 'value'; errorMessage: string; recordB64: string | null; cause: string[]; topic: string };
    recordProcessingError?: { errorMessage: string; record: string | null; cause: string[] };
    productionError?: { errorMessage: string };
    serializationError?: { target: 'key' | 'value'; errorMessage: string; record: string | null; cause: string[]; topic: string };
    kafkaStreamsThreadError?: { threadName: string; errorMessage: string; cause: string[] };
  };
}

const S = STRING;
const MESSAGE_TYPE: SqlType = structOf([
  { name: 'TYPE', type: INTEGER },
  {
    name: 'DESERIALIZATIONERROR',
    type: structOf([
      { name: 'TARGET', type: S },
      { name: 'ERRORMESSAGE', type: S },
      { name: 'RECORDB64', type: S },
      { name: 'CAUSE', type: arrayOf(S) },
      { name: 'topic', type: S },
    ]),
  },
  {
    name: 'RECORDPROCESSINGERROR',
    type: structOf([
      { name: 'ERRORMESSAGE', type: S },
      { name: 'RECORD', type: S },
      { name: 'CAUSE', type: arrayOf(S) },
    ]),
  },
  { name: 'PRODUCTIONERROR', type: structOf([{ name: 'ERRORMESSAGE', type: S }]) },
  {
    name: 'SERIALIZATIONERROR',
    type: structOf([
      { name: 'TARGET', type: S },
      { name: 'ERRORMESSAGE', type: S },
      { name: 'RECORD', type: S },
      { name: 'CAUSE', type: arrayOf(S) },
      { name: 'topic', type: S },
    ]),
  },
  {
    name: 'KAFKASTREAMSTHREADERROR',
    type: structOf([
      { name: 'THREADNAME', type: S },
      { name: 'ERRORMESSAGE', type: S },
      { name: 'CAUSE', type: arrayOf(S) },
    ]),
  },
]);

/** Schema of the KSQL_PROCESSING_LOG stream (keyless, VALUE_FORMAT JSON). */
export const PROCESSING_LOG_SCHEMA: LogicalSchema = {
  key: [],
  value: [
    { name: 'LOGGER', type: S, namespace: 'VALUE' },
    { name: 'LEVEL', type: S, namespace: 'VALUE' },
    { name: 'TIME', type: BIGINT, namespace: 'VALUE' },
    { name: 'MESSAGE', type: MESSAGE_TYPE, namespace: 'VALUE' },
  ],
};

/** The JSON value of one entry, with the field names the stream's columns match. */
export function processingLogRecord(entry: ProcessingLogEntry, now = Date.now()): Record<string, unknown> {
  const m = entry.message;
  return {
    LOGGER: entry.logger,
    LEVEL: entry.level ?? 'ERROR',
    TIME: entry.time ?? now,
    MESSAGE: {
      TYPE: m.type,
      DESERIALIZATIONERROR: m.deserializationError
        ? {
            TARGET: m.deserializationError.target,
            ERRORMESSAGE: m.deserializationError.errorMessage,
            RECORDB64: m.deserializationError.recordB64,
            CAUSE: m.deserializationError.cause,
            topic: m.deserializationError.topic,
          }
        : null,
      RECORDPROCESSINGERROR: m.recordProcessingError
        ? {
            ERRORMESSAGE: m.recordProcessingError.errorMessage,
            RECORD: m.recordProcessingError.record,
            CAUSE: m.recordProcessingError.cause,
          }
        : null,
      PRODUCTIONERROR: m.productionError ? { ERRORMESSAGE: m.productionError.errorMessage } : null,
      SERIALIZATIONERROR: m.serializationError
        ? {
            TARGET: m.serializationError.target,
            ERRORMESSAGE: m.serializationError.errorMessage,
            RECORD: m.serializationError.record,
            CAUSE: m.serializationError.cause,
            topic: m.serializationError.topic,
          }
        : null,
      KAFKASTREAMSTHREADERROR: m.kafkaStreamsThreadError
        ? {
            THREADNAME: m.kafkaStreamsThreadError.threadName,
            ERRORMESSAGE: m.kafkaStreamsThreadError.errorMessage,
            CAUSE: m.kafkaStreamsThreadError.cause,
          }
        : null,
    },
  };
}

/** Appends processing-log entries to the topic; never throws into the caller's hot path. */
export class ProcessingLogWriter {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly log: TopicLog,
    readonly topic: string,
  ) {}

  write(entry: ProcessingLogEntry): void {
    const value = Buffer.from(JSON.stringify(processingLogRecord(entry)));
    this.pending = this.pending
      .then(() => this.log.produce(this.topic, [{ key: null, value }]))
      .catch(() => undefined);
  }

  /** Resolves when every entry written so far is in the log. */
  flush(): Promise<void> {
    return this.pending.then(() => undefined);
  }
}
