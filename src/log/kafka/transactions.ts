// Kafka transactions for the Kafka log: one producer session (id and epoch from
// InitProducerId) per transactional id, reused by its successive transactions. Beginning a
// transaction while the previous one of the same id is still open starts a new session,
// which bumps the epoch and so fences the old one, here and on the brokers.

import * as M from '../../kafka-protocol/messages.js';
import { ErrorCode } from '../errors.js';
import type { BatchProducer } from '../record-batch.js';
import { ProducerFencedError, type LogTransaction, type ProduceRecord, type TopicPartitionOffset } from '../topic-log.js';
import { COORDINATOR_GROUP, COORDINATOR_TRANSACTION } from './cluster.js';
import { untilGroupOffsetsStable } from './group-offsets.js';
import { KafkaError, checkError } from './kafka-errors.js';
import { sendRequest, type KafkajsBroker } from './wire.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TRANSACTION_TIMEOUT_MS = 60_000;
const BUSY_RETRIES = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What transactions need of the Kafka log: coordinators, partitioning and produce. */
export interface TransactionalLog {
  readonly requestTimeoutMs: number;
  withCoordinator<T>(key: string, type: number, fn: (broker: KafkajsBroker) => Promise<T>): Promise<T>;
  assignPartitions(topic: string, records: ProduceRecord[]): Promise<number[]>;
  produceAs(
    topic: string,
    records: ProduceRecord[],
    txn: { transactionalId: string; producer: (partition: number, count: number) => BatchProducer } | null,
    partitions?: number[],
  ): Promise<{ partition: number; offset: number }[]>;
}

interface ProducerSession {
  transactionalId: string;
  producerId: number;
  epoch: number;
  /** Next sequence number per "topic\0partition". */
  sequences: Map<string, number>;
  open: KafkaTransaction | null;
}

export class KafkaTransactions {
  private readonly sessions = new Map<string, ProducerSession>();

  constructor(private readonly log: TransactionalLog) {}

  async begin(transactionalId: string): Promise<LogTransaction> {
    let session = this.sessions.get(transactionalId);
    if (!session || session.open) {
      session = await this.initProducer(transactionalId);
      this.sessions.set(transactionalId, session);
    }
    const txn = new KafkaTransaction(this.log, this, session);
    session.open = txn;
    return txn;
  }

  /** Drops a session whose state is unknown (a failed commit or abort); the next begin starts afresh. */
  forget(session: ProducerSession): void {
    if (this.isCurrent(session)) this.sessions.delete(session.transactionalId);
  }

  isCurrent(session: ProducerSession): boolean {
    return this.sessions.get(session.transactionalId) === session;
  }

  private async initProducer(transactionalId: string): Promise<ProducerSession> {
    const res = await this.onCoordinator(transactionalId, (broker) =>
      sendRequest<Body>(broker, M.InitProducerId, 1, { transactionalId, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS }),
    );
    return { transactionalId, producerId: res.producerId, epoch: res.producerEpoch, sequences: new Map(), open: null };
  }

  /**
   * Sends a request to the transaction coordinator, checking its top-level errorCode; retries
   * while the coordinator moves or is still finishing an earlier transaction.
   */
  async onCoordinator(transactionalId: string, send: (broker: Parameters<typeof sendRequest>[0]) => Promise<Body>): Promise<Body> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.log.withCoordinator(transactionalId, COORDINATOR_TRANSACTION, async (broker) => {
        const r = await send(broker);
        const code = (r.errorCode as number | undefined) ?? 0;
        if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
          throw new KafkaError(code, `Transaction coordinator for '${transactionalId}'`);
        }
        return r;
      });
      const code = (res.errorCode as number | undefined) ?? 0;
      if (code === ErrorCode.CONCURRENT_TRANSACTIONS && attempt < BUSY_RETRIES) {
        await sleep(Math.min(20 * (attempt + 1), 250));
        continue;
      }
      return res;
    }
  }
}

class KafkaTransaction implements LogTransaction {
  private readonly partitions = new Set<string>();
  /** Per group, the partitions whose offsets this transaction commits. */
  private readonly groups = new Map<string, Map<string, Set<number>>>();
  private done = false;

  constructor(
    private readonly log: TransactionalLog,
    private readonly owner: KafkaTransactions,
    private readonly session: ProducerSession,
  ) {}

  private get ids() {
    return { transactionalId: this.session.transactionalId, producerId: this.session.producerId, producerEpoch: this.session.epoch };
  }

  private ensureActive(): void {
    if (!this.owner.isCurrent(this.session) || this.session.open !== this) {
      throw new ProducerFencedError(`Transaction '${this.session.transactionalId}' was fenced by a newer transaction with the same id`);
    }
    if (this.done) throw new Error(`Transaction '${this.session.transactionalId}' is already finished`);
  }

  async produce(topic: string, records: ProduceRecord[]): Promise<void> {
    this.ensureActive();
    if (records.length === 0) return;
    const partitions = await this.log.assignPartitions(topic, records);
    const fresh = [...new Set(partitions)].filter((p) => !this.partitions.has(`${topic}\u0000${p}`));
    if (fresh.length > 0) {
      const res = await this.owner.onCoordinator(this.session.transactionalId, async (broker) => {
        const r = await sendRequest<Body>(broker, M.AddPartitionsToTxn, 1, { ...this.ids, topics: [{ name: topic, partitions: fresh }] });
        // Partition results carry the error codes; surface the first one at the top.
        const first = (r.results as Body[]).flatMap((t) => t.results as Body[]).find((p) => p.errorCode !== 0);
        return { ...r, errorCode: first ? first.errorCode : 0 };
      });
      checkError(res.errorCode, `Could not add ${topic} partitions ${fresh.join(',')} to transaction '${this.session.transactionalId}'`);
      for (const p of fresh) this.partitions.add(`${topic}\u0000${p}`);
    }
    this.ensureActive();
    const session = this.session;
    // A produce that failed (a broker gone mid-request) leaves the sequence numbers unknown:
    // the session is dropped, so the next transaction starts with a new epoch.
    await this.produceOrForget(() => this.log.produceAs(
      topic,
      records,
      {
        transactionalId: session.transactionalId,
        producer: (partition, count) => {
          const key = `${topic}\u0000${partition}`;
          const baseSequence = session.sequences.get(key) ?? 0;
          session.sequences.set(key, (baseSequence + count) % 2147483648);
          return { producerId: session.producerId, producerEpoch: session.epoch, baseSequence, transactional: true };
        },
      },
      partitions,
    ));
  }

  private async produceOrForget(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (e) {
      this.owner.forget(this.session);
      throw e;
    }
  }

  async commitOffsets(group: string, offsets: TopicPartitionOffset[]): Promise<void> {
    this.ensureActive();
    if (offsets.length === 0) return;
    let touched = this.groups.get(group);
    if (!touched) {
      const res = await this.owner.onCoordinator(this.session.transactionalId, (broker) => sendRequest<Body>(broker, M.AddOffsetsToTxn, 1, { ...this.ids, groupId: group }));
      checkError(res.errorCode, `Could not add the offsets of group '${group}' to transaction '${this.session.transactionalId}'`);
      this.groups.set(group, (touched = new Map()));
    }
    for (const o of offsets) {
      let parts = touched.get(o.topic);
      if (!parts) touched.set(o.topic, (parts = new Set()));
      parts.add(o.partition);
    }
    const byTopic = new Map<string, Body[]>();
    for (const o of offsets) {
      let list = byTopic.get(o.topic);
      if (!list) byTopic.set(o.topic, (list = []));
      list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: null });
    }
    await this.log.withCoordinator(group, COORDINATOR_GROUP, async (broker) => {
      const res = await sendRequest<Body>(broker, M.TxnOffsetCommit, 2, {
        ...this.ids,
        groupId: group,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      });
      for (const t of res.topics as Body[]) {
        for (const p of t.partitions as Body[]) checkError(p.errorCode, `Could not commit offsets of group '${group}' in transaction '${this.session.transactionalId}'`);
      }
    });
  }

  commit(): Promise<void> {
    return this.end(true);
  }

  abort(): Promise<void> {
    return this.end(false);
  }

  private async end(committed: boolean): Promise<void> {
    this.ensureActive();
    this.done = true;
    try {
      if (this.partitions.size === 0 && this.groups.size === 0) return;
      const res = await this.owner.onCoordinator(this.session.transactionalId, (broker) => sendRequest<Body>(broker, M.EndTxn, 1, { ...this.ids, committed }));
      checkError(res.errorCode, `Could not ${committed ? 'commit' : 'abort'} transaction '${this.session.transactionalId}'`);
      if (committed) {
        for (const [group, topics] of this.groups) {
          await untilGroupOffsetsStable(this.log, group, [...topics].map(([name, parts]) => ({ name, partitionIndexes: [...parts] })));
        }
      }
    } catch (e) {
      this.owner.forget(this.session);
      throw e;
    } finally {
      if (this.session.open === this) this.session.open = null;
    }
  }
}
