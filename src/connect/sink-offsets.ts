// Where sinks that cannot store offsets with their writes keep them: the log's consumer
// group `connect-<name>` (as Kafka Connect's sink tasks do), committed after a batch is
// delivered, so a crash delivers the last batch again (at least once).

import type { TopicLog } from '../log/topic-log.js';
import { positionKey, splitPositionKey } from './topic-records.js';

export function sinkGroup(connector: string): string {
  return `connect-${connector}`;
}

export async function loadGroupOffsets(log: TopicLog, connector: string, topics: string[]): Promise<Map<string, number>> {
  const stored = new Map<string, number>();
  for (const topic of topics) {
    for (const [p, o] of await log.committedOffsets(sinkGroup(connector), topic)) stored.set(positionKey(topic, p), o);
  }
  return stored;
}

export async function commitGroupOffsets(log: TopicLog, connector: string, positions: Map<string, number>): Promise<void> {
  await log.commitOffsets(
    sinkGroup(connector),
    [...positions].map(([k, offset]) => ({ ...splitPositionKey(k), offset })),
  );
}

export function samePositions(a: Map<string, number>, b: Map<string, number>): boolean {
  for (const [k, v] of a) if ((b.get(k) ?? 0) !== v) return false;
  return true;
}
