// The one rule for creating a persistent query's sink topic: when it does not exist, create
// it with the planned spec, taking the partition count of `inheritPartitionsFrom` when the
// statement gave none; another creator winning the race is fine.

import type { TopicDescription, TopicLog, TopicSpec } from '../log/topic-log.js';

export async function ensureSinkTopic(
  log: TopicLog,
  topic: string,
  spec: TopicSpec,
  inheritPartitionsFrom?: string,
  known?: TopicDescription,
): Promise<void> {
  if (await log.describeTopic(topic)) return;
  let partitions = spec.partitions;
  if (inheritPartitionsFrom) {
    const from = known?.name === inheritPartitionsFrom ? known : await log.describeTopic(inheritPartitionsFrom);
    if (from) partitions = from.partitions;
  }
  try {
    await log.createTopic(topic, { ...spec, partitions });
  } catch (e) {
    if (!(await log.describeTopic(topic))) throw e;
  }
}
