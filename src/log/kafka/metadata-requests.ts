// Metadata requests of the Kafka log: one broker's view of some topics, and the wait until
// every broker of the cluster has a newly created topic.

import * as M from '../../kafka-protocol/messages.js';
import type { KafkajsCluster } from './cluster.js';
import { sendRequest, type KafkajsBroker } from './wire.js';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One broker's metadata for the topics (all topics when null). */
export function requestMetadata(broker: KafkajsBroker, topics: string[] | null): Promise<Body> {
  return sendRequest<Body>(broker, M.Metadata, 8, {
    topics: topics === null ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
}

/**
 * A cluster answers CreateTopics before every broker has the topic in its metadata, and a
 * group or transaction coordinator that has not yet seen it answers UNKNOWN_TOPIC_OR_PARTITION;
 * so creation waits until each broker lists the topic with a leader for every partition.
 */
export async function untilEveryBrokerKnows(cluster: KafkajsCluster, name: string, partitions: number): Promise<void> {
  const nodes = cluster.getNodeIds();
  for (let attempt = 0; attempt < 100; attempt++) {
    const views = await Promise.all(
      nodes.map(async (nodeId) => {
        const res = await requestMetadata(await cluster.findBroker({ nodeId }), [name]);
        const t = (res.topics as Body[]).find((x) => x.name === name);
        const parts = (t?.partitions ?? []) as Body[];
        return !!t && t.errorCode === 0 && parts.length === partitions && parts.every((p) => p.leaderId >= 0);
      }).map((view) => view.catch(() => true)), // a broker that is down does not hold creation up
    );
    if (views.every(Boolean)) return;
    await sleep(Math.min(5 * 2 ** attempt, 200));
  }
}
