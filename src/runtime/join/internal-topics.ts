// Creates and deletes a join query's internal topics, named `<query group>-<name>` as ksqlDB
// names them: its repartition topics (as many partitions as the rekeyed input's topic),
// created here, and the changelog topics of its state stores, deleted here. A single server
// keeps join state in SQLite and writes no changelog, so it creates none: an empty topic
// under a changelog's name would promise a backup that is not there. A clustered query
// creates the one changelog it writes (cluster/changelog.ts).

import { getProperty } from '../../config/index.js';
import type { TopicLog } from '../../log/topic-log.js';
import type { JoinAnalysis } from '../../planner/query/join.js';
import type { JoinRepartitions } from './repartition-writer.js';

export function joinChangelogTopics(group: string, join: JoinAnalysis): string[] {
  return join.steps.flatMap((s) => s.topology?.stores ?? []).map((store) => `${group}-${store}-changelog`);
}

function repartitionTopics(group: string, join: JoinAnalysis): { topic: string; sourceTopic: string }[] {
  return join.steps.flatMap((s) =>
    (s.topology?.repartitions ?? []).map((r) => ({ topic: `${group}-${r.topic}`, sourceTopic: join.sources[r.side === 'LEFT' ? 0 : s.right]!.source.topic })),
  );
}

async function ensureTopic(log: TopicLog, topic: string, partitions: number, replicas: number | undefined): Promise<void> {
  if (await log.describeTopic(topic)) return;
  try {
    await log.createTopic(topic, { partitions, ...(replicas ? { replicationFactor: replicas } : {}) });
  } catch (e) {
    if (!(await log.describeTopic(topic))) throw e;
  }
}

export async function ensureJoinInternalTopics(
  log: TopicLog,
  group: string,
  join: JoinAnalysis,
  repartitions: JoinRepartitions | null,
  partitions: Map<string, number>,
  properties: Record<string, unknown>,
): Promise<void> {
  const r = Number(getProperty(properties, 'ksql.internal.topic.replicas') ?? -1);
  const replicas = Number.isInteger(r) && r > 0 ? r : undefined;
  const leftPartitions = partitions.get(join.sources[0]!.source.topic) ?? 1;
  for (const t of repartitions?.topics ?? repartitionTopics(group, join)) {
    await ensureTopic(log, t.topic, partitions.get(t.sourceTopic) ?? leftPartitions, replicas);
  }
}

export async function deleteJoinInternalTopics(log: TopicLog, group: string, join: JoinAnalysis): Promise<void> {
  for (const topic of [...repartitionTopics(group, join).map((t) => t.topic), ...joinChangelogTopics(group, join)]) {
    if (await log.describeTopic(topic)) await log.deleteTopic(topic);
  }
}
