// Topic ids (KIP-516) for Metadata v10+, Fetch v13+, CreateTopics v7 and DeleteTopics v6.
// The embedded log keeps no ids, so each is derived from the cluster id and the topic name:
// stable across restarts, never the all-zero id Kafka reserves for "none".

import { createHash } from 'node:crypto';
import type { BrokerContext } from './context.js';

const ZERO = Buffer.alloc(16);
const cache = new WeakMap<BrokerContext, Map<string, Buffer>>();

export function topicIdOf(ctx: BrokerContext, name: string): Buffer {
  let ids = cache.get(ctx);
  if (!ids) cache.set(ctx, (ids = new Map()));
  let id = ids.get(name);
  if (!id) {
    id = createHash('sha256').update(`${ctx.clusterId}\u0000${name}`).digest().subarray(0, 16);
    id[6] = (id[6] & 0x0f) | 0x40; // a version-4 UUID layout, like Kafka's random ids
    id[8] = (id[8] & 0x3f) | 0x80;
    ids.set(name, id);
  }
  return id;
}

/** The name of the existing topic with this id, or undefined. */
export function topicNameOf(ctx: BrokerContext, id: Buffer): string | undefined {
  if (id.equals(ZERO)) return undefined;
  for (const name of ctx.log.topics.keys()) if (topicIdOf(ctx, name).equals(id)) return name;
  return undefined;
}

/** Kafka's UNKNOWN_TOPIC_ID error code (KIP-516). */
export const UNKNOWN_TOPIC_ID = 100;
