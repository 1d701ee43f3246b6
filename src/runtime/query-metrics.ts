// Per-query Prometheus metrics: records each persistent query consumed and produced and the
// processing-log errors it wrote (labelled by query id), and pull/push query counts with
// the time a pull query takes to answer.

import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '../common/metrics.js';
import type { ProcessingLogSink } from './pipeline.js';

export const queryRecordsConsumed = new Counter({
  name: 'eddy_query_records_consumed_total',
  help: 'Input records a persistent query processed, by query id',
  labelNames: ['query_id'] as const,
  registers: [metricsRegistry],
});

export const queryRecordsProduced = new Counter({
  name: 'eddy_query_records_produced_total',
  help: 'Records a persistent query wrote to its sink topic, by query id',
  labelNames: ['query_id'] as const,
  registers: [metricsRegistry],
});

export const queryProcessingErrors = new Counter({
  name: 'eddy_query_processing_errors_total',
  help: 'Processing-log entries (records that could not be processed) a persistent query wrote, by query id',
  labelNames: ['query_id'] as const,
  registers: [metricsRegistry],
});

export const transientQueries = new Counter({
  name: 'eddy_transient_queries_total',
  help: 'Push and pull queries started, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const pullQueryDuration = new Histogram({
  name: 'eddy_pull_query_duration_seconds',
  help: 'Time from the start of a pull query to its last row',
  buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
  registers: [metricsRegistry],
});

/** A processing-log sink that also counts the query's errors. */
export function countingProcessingLog(queryId: string, sink: ProcessingLogSink): ProcessingLogSink {
  return {
    write(entry) {
      queryProcessingErrors.inc({ query_id: queryId });
      sink.write(entry);
    },
  };
}
