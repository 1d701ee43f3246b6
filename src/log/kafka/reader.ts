// Reading from a Kafka cluster: Fetch requests to each partition's leader (on the pooled
// fetcher connections, so a long poll does not hold up produce) and ListOffsets.

import * as M from '../../kafka-protocol/messages.js';
import { ErrorCode } from '../errors.js';
import { UnknownTopicError, type FetchOptions, type FetchRequest, type LogRecord } from '../topic-log.js';
import type { KafkaClient } from './cluster.js';
import { decodeRecordSet } from './fetched-records.js';
import { KafkaError, checkError, isStaleMetadata } from './kafka-errors.js';
import { STALE_RETRIES, sleep, type Body, type KafkaRouting } from './routing.js';
import { sendRequest } from './wire.js';

const PARTITION_FETCH_BYTES = 4 * 1024 * 1024;
export const LATEST = -1;
export const EARLIEST = -2;

export class KafkaReader {
  constructor(
    private readonly client: KafkaClient,
    private readonly routing: KafkaRouting,
    private readonly requestTimeoutMs: number,
  ) {}

  async fetch(requests: FetchRequest[], options: FetchOptions = {}): Promise<LogRecord[]> {
    if (requests.length === 0) return [];
    const maxRecords = options.maxRecords ?? 10_000;
    const maxWaitMs = Math.max(0, options.maxWaitMs ?? 0);
    const readCommitted = options.readCommitted ?? true;
    let offsets = requests.map((r) => r.offset);
    for (let attempt = 0; ; attempt++) {
      const stale: unknown[] = [];
      const groups = await this.routing.groupByLeader(
        requests.map((r, i) => ({ ...r, offset: offsets[i]!, index: i })),
        attempt > 0,
      );
      const perRequest: LogRecord[][] = requests.map(() => []);
      const outOfRange: number[] = [];
      await Promise.all(
        [...groups.values()].map(async ({ broker, items }) => {
          const res = await this.fetchFrom(broker.nodeId ?? -1, items, maxWaitMs, readCommitted);
          const byKey = new Map(items.map((it) => [`${it.topic}\u0000${it.partition}`, it]));
          for (const t of res.responses as Body[]) {
            for (const p of t.partitions as Body[]) {
              const item = byKey.get(`${t.topic}\u0000${p.partitionIndex}`);
              if (!item) continue;
              if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
                outOfRange.push(item.index);
                continue;
              }
              if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
                this.routing.meta.delete(item.topic);
                stale.push(new UnknownTopicError(`Topic '${item.topic}' does not exist`));
                continue;
              }
              if (isStaleMetadata(p.errorCode)) {
                stale.push(new KafkaError(p.errorCode, `Could not fetch ${item.topic}-${item.partition}`));
                continue;
              }
              checkError(p.errorCode, `Could not fetch ${item.topic}-${item.partition}`);
              decodeRecordSet(
                {
                  topic: item.topic,
                  partition: item.partition,
                  fetchOffset: item.offset,
                  records: p.records,
                  abortedTransactions: p.abortedTransactions,
                },
                perRequest[item.index]!,
                maxRecords,
              );
            }
          }
        }),
      );
      const out: LogRecord[] = [];
      for (const recs of perRequest) for (const r of recs) if (out.length < maxRecords) out.push(r);
      if (stale.length === 0 && outOfRange.length === 0) return out;
      if (out.length > 0) return out;
      if (attempt >= STALE_RETRIES) throw stale[0] ?? new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, 'Fetch offset out of range');
      if (stale.some((e) => e instanceof UnknownTopicError)) {
        // confirm against fresh metadata before reporting the topic as gone
        for (const r of requests) if (!(await this.routing.topicMeta(r.topic, true))) throw new UnknownTopicError(`Topic '${r.topic}' does not exist`);
      }
      if (outOfRange.length > 0) {
        offsets = [...offsets];
        for (const i of outOfRange) {
          const r = requests[i]!;
          const [start] = await this.listOffsets(r.topic, [r.partition], EARLIEST, false);
          // Before the log start: read from the start. Past the end: nothing to read yet.
          if (offsets[i]! < start!) offsets[i] = start!;
          else return out;
        }
      }
      if (stale.length > 0) await sleep(50 * (attempt + 1));
    }
  }

  private async fetchFrom(
    nodeId: number,
    items: { topic: string; partition: number; offset: number }[],
    maxWaitMs: number,
    readCommitted: boolean,
  ): Promise<Body> {
    const byTopic = new Map<string, { partition: number; fetchOffset: number }[]>();
    for (const it of items) {
      let list = byTopic.get(it.topic);
      if (!list) byTopic.set(it.topic, (list = []));
      list.push({ partition: it.partition, fetchOffset: it.offset });
    }
    const fetcher = await this.client.acquireFetcher();
    let broken = false;
    try {
      const broker = await fetcher.findBroker({ nodeId });
      return await sendRequest<Body>(
        broker,
        M.Fetch,
        11,
        {
          replicaId: -1,
          maxWaitMs,
          minBytes: 1,
          maxBytes: 64 * 1024 * 1024,
          isolationLevel: readCommitted ? 1 : 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...byTopic].map(([topic, parts]) => ({
            topic,
            partitions: parts.map((p) => ({ ...p, currentLeaderEpoch: -1, logStartOffset: -1, partitionMaxBytes: PARTITION_FETCH_BYTES })),
          })),
          forgottenTopicsData: [],
          rackId: '',
        },
        { requestTimeout: this.requestTimeoutMs + maxWaitMs },
      );
    } catch (e) {
      broken = true;
      throw e;
    } finally {
      this.client.releaseFetcher(fetcher, broken);
    }
  }

  /** ListOffsets for the given partitions at a timestamp (or LATEST / EARLIEST); -1 where none. */
  async listOffsets(topic: string, partitions: number[], timestamp: number, readCommitted: boolean): Promise<number[]> {
    const out = new Array<number>(partitions.length).fill(-1);
    for (let attempt = 0; ; attempt++) {
      const groups = await this.routing.groupByLeader(
        partitions.map((partition, index) => ({ topic, partition, index })),
        attempt > 0,
      );
      let stale = false;
      await Promise.all(
        [...groups.values()].map(async ({ broker, items }) => {
          const res = await sendRequest<Body>(broker, M.ListOffsets, 5, {
            replicaId: -1,
            isolationLevel: readCommitted ? 1 : 0,
            topics: [{ name: topic, partitions: items.map((it) => ({ partitionIndex: it.partition, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1 })) }],
          });
          for (const t of res.topics as Body[]) {
            for (const p of t.partitions as Body[]) {
              const item = items.find((it) => it.partition === p.partitionIndex);
              if (!item) continue;
              if (isStaleMetadata(p.errorCode) && attempt < STALE_RETRIES) {
                stale = true;
                continue;
              }
              if (p.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new UnknownTopicError(`Topic '${topic}' does not exist`);
              checkError(p.errorCode, `Could not list offsets of ${topic}-${p.partitionIndex}`);
              out[item.index] = res.apiVersion === 0 ? ((p.oldStyleOffsets as number[])[0] ?? -1) : (p.offset as number);
            }
          }
        }),
      );
      if (!stale) return out;
      await sleep(50 * (attempt + 1));
    }
  }
}
