// Kafka Connect's REST shapes as ksqlDB returns them inside its connector entities
// (ConnectorInfo, ConnectorStateInfo, SimpleConnectorInfo), shared by both backends.

import type { PartitionLag } from './contract.js';

/** Kafka Connect writes connector types in lower case. */
export type ConnectTypeName = 'source' | 'sink' | 'unknown';

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: ConnectTypeName;
}

export interface ConnectorStateInfo {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
  type: ConnectTypeName;
}

export interface SimpleConnectorInfo {
  name: string;
  type: ConnectTypeName;
  className: string;
  state: string;
}

/** What DESCRIBE CONNECTOR shows: ksqlDB's fields plus the built-in backend's lag and last error. */
export interface ConnectorDetails {
  connectorClass: string;
  status: ConnectorStateInfo;
  topics: string[];
  lag?: PartitionLag[];
  lastError?: { message: string; time: number } | null;
}

/** One backend of the connector statements: the built-in runner or a Kafka Connect cluster. */
export interface ConnectorBackend {
  create(name: string, type: 'SOURCE' | 'SINK', config: Record<string, string>): Promise<ConnectorInfo>;
  exists(name: string): Promise<boolean>;
  /** False when there was no such connector. */
  drop(name: string): Promise<boolean>;
  list(): Promise<SimpleConnectorInfo[]>;
  describe(name: string): Promise<ConnectorDetails | undefined>;
}
