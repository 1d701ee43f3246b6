// A persistent query's pipeline options from its properties: one home for the reading, so
// a query run in the main thread and one run in worker threads behave alike.

import { getProperty } from '../config/index.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { PipelineOptions, ProcessingLogSink } from './pipeline.js';

function flag(v: unknown): boolean {
  return v === true || String(v).toLowerCase() === 'true';
}

export function pipelineOptions(
  queryId: string,
  functions: FunctionRegistry,
  properties: Record<string, unknown>,
  processingLog: ProcessingLogSink,
): PipelineOptions {
  return {
    queryId,
    functions,
    processingLog,
    includeRows: flag(getProperty(properties, 'ksql.logging.processing.rows.include')),
    throwOnInvalidTimestamp: flag(getProperty(properties, 'ksql.timestamp.throw.on.invalid')),
    failOnDeserializationError: flag(getProperty(properties, 'ksql.fail.on.deserialization.error')),
    failOnProductionError: String(getProperty(properties, 'ksql.fail.on.production.error')).toLowerCase() !== 'false',
  };
}
