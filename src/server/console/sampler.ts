// Throughput and lag over the last minutes, for the console's plots: every few seconds the
// sampler notes each topic's end offsets and each persistent query's committed input
// offsets, lag and output end offsets; rates are differences between neighbouring samples.
// It starts with the first console request and stops with the server.

import { consumerGroup } from '../../runtime/persistent-query.js';
import { visibleTopics } from '../../engine/show-topics.js';
import type { ConsumerGroupInfo } from '../../engine/consumer-groups.js';
import { errorMessage, type ConsoleBackend } from './backend.js';

interface QuerySample {
  /** Committed offsets summed per input topic. */
  consumed: Map<string, number>;
  produced: number;
  lag: number;
}

interface Sample {
  at: number;
  topics: Map<string, number>;
  queries: Map<string, QuerySample>;
}

export interface Series {
  /** Sample times, epoch seconds. */
  times: number[];
  /** Records a second appended to each topic. */
  topics: Record<string, (number | null)[]>;
  /** Records a second each query read, wrote, and its lag (records behind its inputs' ends). */
  queries: Record<string, { in: (number | null)[]; out: (number | null)[]; lag: (number | null)[] }>;
  intervalMs: number;
  lastError?: string;
}

export interface QueryRates {
  in: number | null;
  out: number | null;
  lag: number | null;
  /** Records a second the query read from each input topic. */
  sourceRates: Record<string, number | null>;
}

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

function consumedOf(s: Sample, queryId: string): number | undefined {
  const q = s.queries.get(queryId);
  return q && sum([...q.consumed.values()]);
}

export class Sampler {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly backend: ConsoleBackend,
    readonly intervalMs = 2000,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Starts sampling (once); the first sample is taken at once. */
  start(): void {
    if (this.timer || !this.backend.log) return;
    this.timer = setInterval(() => void this.sampleNow(), this.intervalMs);
    this.timer.unref();
    void this.sampleNow();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  sampleNow(): Promise<void> {
    this.running ??= this.take()
      .catch((err) => {
        this.lastError = errorMessage(err);
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async take(): Promise<void> {
    const log = this.backend.log!;
    const ends = new Map<string, number[]>();
    for (const t of await visibleTopics(log, true, '')) ends.set(t.name, await log.endOffsets(t.name));
    const groups = new Map<string, ConsumerGroupInfo>((this.backend.consumerGroups ? await this.backend.consumerGroups() : []).map((g) => [g.groupId, g]));
    const queries = new Map<string, QuerySample>();
    const listed = await this.backend.statement('SHOW QUERIES;');
    for (const q of (listed.queries as { id: string; queryType?: string; sinkKafkaTopics?: string[] }[] | undefined) ?? []) {
      if (q.queryType !== undefined && q.queryType !== 'PERSISTENT') continue;
      const group = groups.get(consumerGroup(this.backend.config, q.id));
      const committed = group?.offsets ?? [];
      const lag = sum(committed.map((o) => Math.max(0, (ends.get(o.topic)?.[o.partition] ?? o.offset) - o.offset)));
      const consumed = new Map<string, number>();
      for (const o of committed) consumed.set(o.topic, (consumed.get(o.topic) ?? 0) + o.offset);
      queries.set(q.id, {
        consumed,
        produced: sum((q.sinkKafkaTopics ?? []).map((t) => sum(ends.get(t) ?? []))),
        lag,
      });
    }
    const topics = new Map([...ends].map(([name, e]) => [name, sum(e)]));
    this.samples.push({ at: Date.now(), topics, queries });
    const oldest = Date.now() - this.windowMs;
    while (this.samples.length > 2 && this.samples[0]!.at < oldest) this.samples.shift();
    this.lastError = undefined;
  }

  /** Rates between neighbouring samples, aligned on the later sample's time. */
  series(): Series {
    const pairs = this.samples.slice(1).map((s, i) => [this.samples[i]!, s] as const);
    const rate = (a: number | undefined, b: number | undefined, seconds: number): number | null =>
      a === undefined || b === undefined || seconds <= 0 ? null : Math.max(0, (b - a) / seconds);
    const topicNames = new Set(this.samples.flatMap((s) => [...s.topics.keys()]));
    const queryIds = new Set(this.samples.flatMap((s) => [...s.queries.keys()]));
    const topics: Series['topics'] = {};
    for (const name of topicNames) topics[name] = pairs.map(([a, b]) => rate(a.topics.get(name), b.topics.get(name), (b.at - a.at) / 1000));
    const queries: Series['queries'] = {};
    for (const id of queryIds) {
      queries[id] = {
        in: pairs.map(([a, b]) => rate(consumedOf(a, id), consumedOf(b, id), (b.at - a.at) / 1000)),
        out: pairs.map(([a, b]) => rate(a.queries.get(id)?.produced, b.queries.get(id)?.produced, (b.at - a.at) / 1000)),
        lag: pairs.map(([, b]) => b.queries.get(id)?.lag ?? null),
      };
    }
    return { times: pairs.map(([, b]) => b.at / 1000), topics, queries, intervalMs: this.intervalMs, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  /** The latest rates of one query: in, out, lag, and per input topic (for the step graph). */
  latest(queryId: string): QueryRates {
    const s = this.series();
    const last = (xs: (number | null)[] | undefined): number | null => (xs && xs.length > 0 ? xs[xs.length - 1]! : null);
    const q = s.queries[queryId];
    const sourceRates: Record<string, number | null> = {};
    const [a, b] = this.samples.slice(-2);
    const qa = a?.queries.get(queryId);
    const qb = b?.queries.get(queryId);
    if (a && b && qa && qb) {
      for (const [topic, n] of qb.consumed) {
        const before = qa.consumed.get(topic);
        sourceRates[topic] = before === undefined ? null : Math.max(0, (n - before) / ((b.at - a.at) / 1000));
      }
    }
    return { in: last(q?.in), out: last(q?.out), lag: last(q?.lag), sourceRates };
  }
}
