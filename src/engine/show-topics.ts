// SHOW [ALL] TOPICS [EXTENDED]: the `kafka_topics` / `kafka_topics_extended` entities of
// ksqlDB (name, replicaInfo, and for EXTENDED consumerCount and consumerGroupCount). The
// extended form also carries Eddy's additions, which ksqlDB clients ignore: `consumerLag`
// (sum over the topic's groups) and `consumerGroups` with per-partition committed/end
// offsets and lag.

import type { TopicDescription, TopicLog } from '../log/topic-log.js';
import { topicConsumers, type ConsumerGroupInfo } from './consumer-groups.js';

export interface ShowTopicsInput {
  log: TopicLog;
  /** SHOW ALL TOPICS: include internal and hidden topics. */
  all: boolean;
  extended: boolean;
  /** `ksql.hidden.topics`: comma-separated regular expressions. */
  hiddenTopics: unknown;
  /** Every consumer group of the cluster, Eddy's own queries included (EXTENDED only). */
  consumerGroups: () => Promise<ConsumerGroupInfo[]>;
}

function hiddenMatchers(setting: unknown): RegExp[] {
  return String(setting ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .flatMap((p) => {
      try {
        return [new RegExp(`^(?:${p})$`)];
      } catch {
        return [];
      }
    });
}

export async function visibleTopics(log: TopicLog, all: boolean, hiddenTopics: unknown): Promise<TopicDescription[]> {
  const hidden = hiddenMatchers(hiddenTopics);
  return (await log.listTopics())
    .filter((t) => all || !(t.name.startsWith('_confluent-ksql-') || hidden.some((r) => r.test(t.name))))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const replicaInfo = (t: TopicDescription): number[] => Array.from({ length: t.partitions }, () => t.replicationFactor);

/** The entity body (without @type, statementText, warnings). */
export async function showTopics(input: ShowTopicsInput): Promise<{ type: 'kafka_topics' | 'kafka_topics_extended'; body: Record<string, unknown> }> {
  const topics = await visibleTopics(input.log, input.all, input.hiddenTopics);
  if (!input.extended) {
    return { type: 'kafka_topics', body: { topics: topics.map((t) => ({ name: t.name, replicaInfo: replicaInfo(t) })) } };
  }
  const groups = await input.consumerGroups();
  const items = [];
  for (const t of topics) {
    const c = topicConsumers(t.name, await input.log.endOffsets(t.name), groups);
    items.push({
      name: t.name,
      replicaInfo: replicaInfo(t),
      consumerCount: c.consumerCount,
      consumerGroupCount: c.consumerGroupCount,
      consumerLag: c.lag,
      consumerGroups: c.groups,
    });
  }
  return { type: 'kafka_topics_extended', body: { topics: items } };
}
