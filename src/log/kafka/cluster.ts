// The kafkajs client and its clusters: one for metadata, admin, produce, offsets and
// transactions, and a pool of extra ones for fetches. Brokers answer the requests of one
// connection in order, so a long-polling fetch would hold up everything behind it on its
// connection; each fetch in flight therefore gets a connection of its own.

import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { KafkajsBroker } from './wire.js';

/** The part of kafkajs's (internal) Cluster this log uses. */
export interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  getNodeIds(): number[];
  findBroker(args: { nodeId: number }): Promise<KafkajsBroker>;
  findControllerBroker(): Promise<KafkajsBroker>;
  findGroupCoordinator(args: { groupId: string; coordinatorType?: number }): Promise<KafkajsBroker>;
}

export const COORDINATOR_GROUP = 0;
export const COORDINATOR_TRANSACTION = 1;

export interface ClientOptions {
  brokers: string[];
  clientId: string;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** Passed to kafkajs as is (TLS options or true). */
  ssl?: unknown;
  /** Passed to kafkajs as is ({ mechanism, username, password }). */
  sasl?: unknown;
  /** Receives kafkajs's warnings and errors; kafkajs is silent otherwise. */
  logger?: (level: 'error' | 'warn', message: string) => void;
}

type CreateCluster = (options: { allowAutoTopicCreation: boolean; metadataMaxAge?: number; maxInFlightRequests?: number | null }) => KafkajsCluster;

function quietLogCreator(sink: ClientOptions['logger']) {
  return () =>
    ({ level, log }: LogEntry) => {
      if (!sink || level > logLevel.WARN) return;
      const extra = (log as { error?: string }).error;
      sink(level === logLevel.ERROR ? 'error' : 'warn', `kafkajs ${log.message}${extra ? `: ${extra}` : ''}`);
    };
}

export class KafkaClient {
  private readonly createCluster: CreateCluster;
  private readonly idle: KafkajsCluster[] = [];
  private readonly fetchers = new Set<KafkajsCluster>();
  private readonly waiting: { resolve: (c: KafkajsCluster) => void; reject: (e: Error) => void }[] = [];
  private closed = false;
  main!: KafkajsCluster;

  static readonly MAX_FETCH_CONNECTIONS = 32;

  private constructor(options: ClientOptions) {
    const kafka = new Kafka({
      brokers: options.brokers,
      clientId: options.clientId,
      connectionTimeout: options.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      ssl: options.ssl as never,
      sasl: options.sasl as never,
      logLevel: logLevel.WARN,
      logCreator: quietLogCreator(options.logger),
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2000 },
    });
    // kafkajs builds clusters for its producers and consumers with this private factory;
    // the log needs the cluster itself (brokers, coordinators, raw requests).
    const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
    const factory = symbol && (kafka as unknown as Record<symbol, unknown>)[symbol];
    if (typeof factory !== 'function') throw new Error('This kafkajs version does not expose its cluster factory; Eddy needs kafkajs 2.x');
    this.createCluster = factory as CreateCluster;
  }

  static async connect(options: ClientOptions): Promise<KafkaClient> {
    const client = new KafkaClient(options);
    client.main = await client.newCluster();
    return client;
  }

  private async newCluster(): Promise<KafkajsCluster> {
    const cluster = this.createCluster({ allowAutoTopicCreation: false, maxInFlightRequests: null });
    await cluster.connect();
    await cluster.refreshMetadata();
    return cluster;
  }

  /** A cluster whose fetch connection no one else uses until release(). */
  async acquireFetcher(): Promise<KafkajsCluster> {
    if (this.closed) throw new Error('The Kafka log is closed');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.fetchers.size >= KafkaClient.MAX_FETCH_CONNECTIONS) return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    const placeholder = {} as KafkajsCluster;
    this.fetchers.add(placeholder);
    try {
      const cluster = await this.newCluster();
      if (this.closed) {
        // Closed while connecting: this connection has no owner left.
        void cluster.disconnect().catch(() => undefined);
        throw new Error('The Kafka log is closed');
      }
      this.fetchers.add(cluster);
      return cluster;
    } finally {
      this.fetchers.delete(placeholder);
    }
  }

  releaseFetcher(cluster: KafkajsCluster, broken = false): void {
    if (this.closed || broken) {
      this.fetchers.delete(cluster);
      void cluster.disconnect().catch(() => undefined);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(cluster);
    else this.idle.push(cluster);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new Error('The Kafka log is closed'));
    const all = [this.main, ...this.fetchers];
    this.idle.length = 0;
    this.fetchers.clear();
    // A fetcher still connecting is a placeholder without disconnect; acquiring it sees `closed`.
    await Promise.all(all.map((c) => (typeof c.disconnect === 'function' ? c.disconnect().catch(() => undefined) : undefined)));
  }
}
