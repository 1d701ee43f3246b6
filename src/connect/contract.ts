// What a built-in connector is to the runner: a plugin (class name, type, config check) that
// makes a task; the task runs until its signal aborts, reporting through a TaskReporter. The
// runner (runner.ts) restarts a task that throws, so a connector can never stop the server.

import type { Catalog } from '../catalog/catalog.js';
import type { TopicLog } from '../log/topic-log.js';
import type { ProcessingLogWriter } from '../runtime/processing-log.js';
import type { ConnectorConfig } from './config.js';

export type ConnectorType = 'SOURCE' | 'SINK';

/** Kafka Connect's connector and task states. */
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'STOPPED';

/** A connector as CREATE ... CONNECTOR defines it. */
export interface ConnectorSpec {
  name: string;
  type: ConnectorType;
  /** Every WITH property, names as written, values as strings (Kafka Connect's config map). */
  config: Record<string, string>;
}

/** What a task may use of the server. */
export interface ConnectorHost {
  readonly log: TopicLog;
  readonly catalog: Catalog;
  readonly processingLog: ProcessingLogWriter;
  /** Server configuration. */
  readonly config: Record<string, unknown>;
}

/** How far a sink task has consumed one partition (DESCRIBE CONNECTOR's lag). */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The next offset the connector will consume. */
  currentOffset: number;
  endOffset: number;
  lag: number;
}

export interface TaskReporter {
  /** The task is connected and working (clears a FAILED state left by an earlier attempt). */
  running(): void;
  /** A failure that does not stop the task (a record skipped under errors.tolerance=all, a retry). */
  recordError(error: unknown, record?: string): void;
}

export interface ConnectorTask {
  /** Runs until `signal` aborts; a throw fails the task (the runner restarts it with backoff). */
  run(signal: AbortSignal): Promise<void>;
  /** The topics it reads (sinks) or writes (sources). */
  topics(): string[];
  /** Sinks: how far each partition is consumed. */
  lag?(): Promise<PartitionLag[]>;
}

export interface ConnectorPlugin {
  /** The Kafka Connect class name users know (connector.class), e.g. io.confluent.connect.jdbc.JdbcSinkConnector. */
  className: string;
  /** Shorter names accepted in connector.class. */
  aliases: string[];
  type: ConnectorType;
  /** Throws ConnectorConfigError naming each bad or missing setting. */
  validate(config: ConnectorConfig, host: ConnectorHost): void;
  createTask(config: ConnectorConfig, host: ConnectorHost, reporter: TaskReporter): ConnectorTask;
}
