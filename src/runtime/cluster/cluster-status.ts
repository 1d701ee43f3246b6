// `/clusterStatus` in ksqlDB's shape: the servers of this Eddy cluster as the last
// assignment of each shared query names them, with the partitions (tasks) each one runs,
// and for this server's own tasks how far their consumer group is behind the source topics.

import type { TopicLog } from '../../log/topic-log.js';

export interface SharedQueryView {
  readonly id: string;
  readonly endpoint: string;
  storeName(): string | undefined;
  sourceTopics(): string[];
  taskOwners(): Record<number, string>;
  localTasks(): number[];
  groupId(): string;
  topicLog(): TopicLog;
}

interface TopicPartition {
  topic: string;
  partition: number;
}

interface HostStatus {
  hostAlive: boolean;
  lastStatusUpdateMs: number;
  activeStandbyPerQuery: Record<string, { activeStores: string[]; activePartitions: TopicPartition[]; standByStores: string[]; standByPartitions: TopicPartition[] }>;
  hostStoreLags: { stateStoreLags: Record<string, { lagByPartition: Record<string, { currentOffsetPosition: number; endOffsetPosition: number; offsetLag: number }> }>; updateTimeMs: number };
}

function hostKey(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint || 'local';
  }
}

export async function clusterStatus(queries: SharedQueryView[], self: string): Promise<{ clusterStatus: Record<string, HostStatus> }> {
  const now = Date.now();
  const hosts = new Map<string, HostStatus>();
  const host = (endpoint: string) => {
    const key = hostKey(endpoint);
    let h = hosts.get(key);
    if (!h) {
      h = { hostAlive: true, lastStatusUpdateMs: now, activeStandbyPerQuery: {}, hostStoreLags: { stateStoreLags: {}, updateTimeMs: now } };
      hosts.set(key, h);
    }
    return h;
  };
  host(self);
  for (const q of queries) {
    const store = q.storeName();
    for (const [task, endpoint] of Object.entries(q.taskOwners())) {
      const entry = (host(endpoint).activeStandbyPerQuery[q.id] ??= { activeStores: store ? [store] : [], activePartitions: [], standByStores: [], standByPartitions: [] });
      for (const topic of q.sourceTopics()) entry.activePartitions.push({ topic, partition: Number(task) });
    }
    if (!store) continue;
    const log = q.topicLog();
    const lagByPartition: Record<string, { currentOffsetPosition: number; endOffsetPosition: number; offsetLag: number }> = {};
    for (const topic of q.sourceTopics()) {
      const ends = await log.endOffsets(topic).catch(() => [] as number[]);
      const committed = await log.committedOffsets(q.groupId(), topic).catch(() => new Map<number, number>());
      for (const t of q.localTasks()) {
        const end = ends[t] ?? 0;
        const current = committed.get(t) ?? 0;
        lagByPartition[String(t)] = { currentOffsetPosition: current, endOffsetPosition: end, offsetLag: Math.max(0, end - current) };
      }
    }
    host(self).hostStoreLags.stateStoreLags[store] = { lagByPartition };
  }
  return { clusterStatus: Object.fromEntries(hosts) };
}
