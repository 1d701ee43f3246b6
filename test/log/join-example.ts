// The example of issue 16, shared by the join-order tests: a table USERS of `users` rows and
// a stream CLICKS of three clicks per user, written users first (so every user row is older
// than every click), then a stream-table join started from earliest. Records are written
// with kcat when it is installed, else through the engine's log.

import { spawnSync } from 'node:child_process';
import type { LogRecord, TopicLog } from '../../src/log/topic-log.js';
import { runKcat } from '../broker/helpers.js';

export const USERS_DDL = "CREATE TABLE users (id VARCHAR PRIMARY KEY, country VARCHAR) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=2);";
export const CLICKS_DDL = "CREATE STREAM clicks (user_id VARCHAR, page VARCHAR) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=2);";
export const ENRICHED_CSAS = 'CREATE STREAM enriched AS SELECT c.user_id, c.page, u.country FROM clicks c JOIN users u ON c.user_id = u.id;';

export const kcatInstalled = (() => {
  const r = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
})();

export function userLines(users: number): string[] {
  return Array.from({ length: users }, (_, i) => `u${i}|${JSON.stringify({ COUNTRY: `c${i % 50}` })}`);
}

/** Click n is for user n mod users, page `p<n>`. */
export function clickLines(from: number, to: number, users: number): string[] {
  const out: string[] = [];
  for (let n = from; n < to; n++) out.push(JSON.stringify({ USER_ID: `u${n % users}`, PAGE: `p${n}` }));
  return out;
}

/** Writes lines (`key|value` when keyed) to a topic: with kcat through `bootstrap`, else through `log`. */
export async function write(topic: string, lines: string[], keyed: boolean, bootstrap: string | undefined, log: TopicLog): Promise<void> {
  if (kcatInstalled && bootstrap) {
    const r = await runKcat(bootstrap, ['-P', '-t', topic, ...(keyed ? ['-K', '|'] : [])], lines.join('\n') + '\n', 120_000);
    if (r.code !== 0) throw new Error(`kcat -P -t ${topic} failed: ${r.stderr}`);
    return;
  }
  for (let i = 0; i < lines.length; i += 1000) {
    await log.produce(
      topic,
      lines.slice(i, i + 1000).map((l) => {
        const bar = keyed ? l.indexOf('|') : -1;
        return bar < 0 ? { key: null, value: Buffer.from(l) } : { key: Buffer.from(l.slice(0, bar)), value: Buffer.from(l.slice(bar + 1)) };
      }),
    );
  }
}

export async function readTopic(log: TopicLog, topic: string): Promise<LogRecord[]> {
  const d = await log.describeTopic(topic);
  const out: LogRecord[] = [];
  for (let p = 0; p < (d?.partitions ?? 0); p++) {
    for (let offset = 0; ; ) {
      const batch = await log.fetch([{ topic, partition: p, offset }], { maxRecords: 5000 });
      if (batch.length === 0) break;
      out.push(...batch);
      offset = batch[batch.length - 1]!.offset + 1;
    }
  }
  return out;
}

export interface EnrichedSummary {
  records: number;
  /** Distinct pages (clicks) among the outputs. */
  pages: number;
  /** Outputs whose COUNTRY is not the one of their user. */
  wrong: number;
}

export function summarize(records: LogRecord[], users: number): EnrichedSummary {
  const pages = new Set<string>();
  let wrong = 0;
  for (const r of records) {
    const v = JSON.parse(r.value!.toString()) as { PAGE: string; COUNTRY: string | null };
    pages.add(v.PAGE);
    const n = Number(v.PAGE.slice(1));
    if (v.COUNTRY !== `c${(n % users) % 50}`) wrong++;
  }
  return { records: records.length, pages: pages.size, wrong };
}

/** Polls `probe` until `done`, failing with the last value after `ms`. */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last seen ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
