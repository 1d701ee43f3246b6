// Request and response bodies of the APIs this broker speaks, in the schema language of
// schema.ts, for the versions it supports (see ADVERTISED below), one file per API family.

import type { MessageSchema } from './schema.js';
import { Produce, Fetch, ListOffsets, Metadata } from './messages/records.js';
import { OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups, DeleteGroups } from './messages/groups.js';
import { InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit } from './messages/transactions.js';
import { SaslHandshake, ApiVersions, CreateTopics, DeleteTopics, DeleteRecords, DescribeConfigs, AlterConfigs, CreatePartitions, DescribeCluster } from './messages/admin.js';

export {
  Produce, Fetch, ListOffsets, Metadata,
  OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup, DescribeGroups, ListGroups, DeleteGroups,
  InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit,
  SaslHandshake, ApiVersions, CreateTopics, DeleteTopics, DeleteRecords, DescribeConfigs, AlterConfigs, CreatePartitions, DescribeCluster,
};

export const MESSAGES: MessageSchema[] = [
  Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat,
  LeaveGroup, SyncGroup, DescribeGroups, ListGroups, SaslHandshake, ApiVersions, CreateTopics, DeleteTopics,
  DeleteRecords, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn, TxnOffsetCommit, DescribeConfigs,
  AlterConfigs, CreatePartitions, DeleteGroups, DescribeCluster,
];

/** Versions this broker advertises per API key (CLIENTS.md §5.2, profile A plus a few cheap extras). */
export const ADVERTISED: Record<number, [number, number]> = {
  [Produce.apiKey]: [3, 8],
  [Fetch.apiKey]: [4, 11],
  [ListOffsets.apiKey]: [1, 5],
  [Metadata.apiKey]: [0, 8],
  [OffsetCommit.apiKey]: [0, 7],
  [OffsetFetch.apiKey]: [1, 5],
  [FindCoordinator.apiKey]: [0, 2],
  [JoinGroup.apiKey]: [0, 5],
  [Heartbeat.apiKey]: [0, 3],
  [LeaveGroup.apiKey]: [0, 3],
  [SyncGroup.apiKey]: [0, 3],
  [DescribeGroups.apiKey]: [0, 4],
  [ListGroups.apiKey]: [0, 2],
  [SaslHandshake.apiKey]: [0, 1],
  [ApiVersions.apiKey]: [0, 3],
  [CreateTopics.apiKey]: [0, 4],
  [DeleteTopics.apiKey]: [0, 3],
  [DeleteRecords.apiKey]: [0, 1],
  [InitProducerId.apiKey]: [0, 1],
  [AddPartitionsToTxn.apiKey]: [0, 1],
  [AddOffsetsToTxn.apiKey]: [0, 1],
  [EndTxn.apiKey]: [0, 1],
  [TxnOffsetCommit.apiKey]: [0, 2],
  [DescribeConfigs.apiKey]: [0, 2],
  [AlterConfigs.apiKey]: [0, 1],
  [CreatePartitions.apiKey]: [0, 1],
  [DeleteGroups.apiKey]: [0, 1],
  [DescribeCluster.apiKey]: [0, 1],
};
