// The late-record topic of a windowed query (WITH (LATE_RECORDS_TOPIC='...')): each record
// the aggregation dropped as late, with its original key, value, timestamp and headers, plus
// headers that say which window it missed, the stream time then, where it came from and
// which query dropped it.

import type { ProduceRecord, RecordHeader, TopicLog } from '../../log/topic-log.js';
import type { LateRecord } from './progress.js';

export const LATE_HEADER_PREFIX = 'eddy.late.';

function header(name: string, value: string | number): RecordHeader {
  return { key: LATE_HEADER_PREFIX + name, value: Buffer.from(String(value)) };
}

export function lateProduceRecords(queryId: string, late: LateRecord[]): ProduceRecord[] {
  return late.map(({ rec, window, streamTime }) => ({
    key: rec.key,
    value: rec.value,
    timestamp: rec.timestamp,
    headers: [
      ...rec.headers,
      header('window.start', window.start),
      header('window.end', window.end),
      header('stream.time', streamTime),
      header('query', queryId),
      header('source', `${rec.topic}/${rec.partition}/${rec.offset}`),
    ],
  }));
}

/** Creates the topic (one partition) unless it exists. */
export async function ensureLateTopic(log: TopicLog, topic: string): Promise<void> {
  if (!(await log.describeTopic(topic))) await log.createTopic(topic, { partitions: 1 });
}
