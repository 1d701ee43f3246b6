// Request and response bodies of the APIs this broker speaks, in the schema language of
// schema.ts, one file per API family, generated from Apache Kafka's JSON message definitions
// (scripts/gen-kafka-messages.ts); ADVERTISED below says which versions the broker serves.

import type { MessageSchema } from './schema.js';
import { Produce, Fetch, ListOffsets, Metadata } from './messages/generated/records.js';
import { OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups, ConsumerGroupHeartbeat, ConsumerGroupDescribe } from './messages/generated/groups.js';
import { DeleteGroups } from './messages/delete-groups.js';
import { InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit } from './messages/generated/transactions.js';
import { SaslAuthenticate, CreateAcls, DescribeAcls, DeleteAcls } from './messages/generated/security.js';
import { SaslHandshake, ApiVersions, CreateTopics, DeleteTopics, DeleteRecords, DescribeConfigs, AlterConfigs, CreatePartitions, DescribeCluster, IncrementalAlterConfigs, ListTransactions, DescribeTransactions, DescribeProducers, OffsetDelete, DescribeLogDirs } from './messages/generated/admin.js';

export {
  Produce, Fetch, ListOffsets, Metadata,
  OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups, DeleteGroups,
  InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit,
  SaslHandshake, ApiVersions, CreateTopics, DeleteTopics, DeleteRecords, DescribeConfigs, AlterConfigs, CreatePartitions, DescribeCluster,
  IncrementalAlterConfigs, ListTransactions, DescribeTransactions, DescribeProducers, OffsetDelete, DescribeLogDirs,
  SaslAuthenticate, CreateAcls, DescribeAcls, DeleteAcls, ConsumerGroupHeartbeat, ConsumerGroupDescribe,
};

export const MESSAGES: MessageSchema[] = [
  Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat,
  LeaveGroup, SyncGroup, DescribeGroups, ListGroups, SaslHandshake, ApiVersions, CreateTopics, DeleteTopics,
  DeleteRecords, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit, DescribeConfigs,
  AlterConfigs, CreatePartitions, DeleteGroups, DescribeCluster, SaslAuthenticate, CreateAcls, DescribeAcls, DeleteAcls,
  ConsumerGroupHeartbeat, ConsumerGroupDescribe, IncrementalAlterConfigs, ListTransactions, DescribeTransactions, DescribeProducers, OffsetDelete, DescribeLogDirs,
];

/**
 * Versions this broker serves per API key: up to what Apache Kafka 4.x brokers offer (the
 * JSON definitions' maxima), and down to the old versions the Debian clients still send
 * (CLIENTS.md §5.2). AddPartitionsToTxn stops at 3: v4+ is the broker-to-broker batch form.
 */
export const ADVERTISED: Record<number, [number, number]> = {
  [Produce.apiKey]: [3, 11],
  [Fetch.apiKey]: [4, 17],
  [ListOffsets.apiKey]: [1, 10],
  [Metadata.apiKey]: [0, 12],
  [OffsetCommit.apiKey]: [0, 9],
  [OffsetFetch.apiKey]: [1, 9],
  [FindCoordinator.apiKey]: [0, 6],
  [JoinGroup.apiKey]: [0, 9],
  [Heartbeat.apiKey]: [0, 4],
  [LeaveGroup.apiKey]: [0, 5],
  [SyncGroup.apiKey]: [0, 5],
  [DescribeGroups.apiKey]: [0, 5],
  [ListGroups.apiKey]: [0, 5],
  [SaslHandshake.apiKey]: [0, 1],
  [ApiVersions.apiKey]: [0, 4],
  [CreateTopics.apiKey]: [0, 7],
  [DeleteTopics.apiKey]: [0, 6],
  [DeleteRecords.apiKey]: [0, 2],
  [InitProducerId.apiKey]: [0, 5],
  [AddPartitionsToTxn.apiKey]: [0, 3],
  [AddOffsetsToTxn.apiKey]: [0, 4],
  [EndTxn.apiKey]: [0, 5],
  [TxnOffsetCommit.apiKey]: [0, 4],
  [DescribeConfigs.apiKey]: [0, 4],
  [AlterConfigs.apiKey]: [0, 2],
  [CreatePartitions.apiKey]: [0, 3],
  [DeleteGroups.apiKey]: [0, 2],
  [DescribeCluster.apiKey]: [0, 1],
  [SaslAuthenticate.apiKey]: [0, 2],
  [DescribeAcls.apiKey]: [0, 3],
  [CreateAcls.apiKey]: [0, 3],
  [DeleteAcls.apiKey]: [0, 3],
  [ConsumerGroupHeartbeat.apiKey]: [0, 1],
  [ConsumerGroupDescribe.apiKey]: [0, 0],
  [IncrementalAlterConfigs.apiKey]: [0, 1],
  [ListTransactions.apiKey]: [0, 1],
  [DescribeTransactions.apiKey]: [0, 0],
  [DescribeProducers.apiKey]: [0, 0],
  [OffsetDelete.apiKey]: [0, 0],
  [DescribeLogDirs.apiKey]: [0, 4],
};

for (const m of MESSAGES) {
  const range = ADVERTISED[m.apiKey];
  if (range && range[1] > m.maxVersion) throw new Error(`${m.name} is advertised up to v${range[1]} but defined only up to v${m.maxVersion}`);
}
