// Request and response bodies of the APIs this broker speaks, in the schema language of
// schema.ts, for the versions it supports (see ADVERTISED in api-versions.ts).

import { defineMessage, type MessageSchema } from './schema.js';

const NEVER = Infinity;

export const Produce = defineMessage(
  'Produce', 0, 9,
  `
  transactionalId string 3+ null=3+ def=null
  acks int16 0+
  timeoutMs int32 0+
  topicData [] 0+
    name string 0+
    partitionData [] 0+
      index int32 0+
      records records 0+ null=0+
  `,
  `
  responses [] 0+
    name string 0+
    partitionResponses [] 0+
      index int32 0+
      errorCode int16 0+
      baseOffset int64 0+
      logAppendTimeMs int64 2+ def=-1
      logStartOffset int64 5+ def=-1
      recordErrors [] 8+
        batchIndex int32 8+
        batchIndexErrorMessage string 8+ null=8+ def=null
      errorMessage string 8+ null=8+ def=null
  throttleTimeMs int32 1+
  `,
);

export const Fetch = defineMessage(
  'Fetch', 1, 12,
  `
  replicaId int32 0-14 def=-1
  maxWaitMs int32 0+
  minBytes int32 0+
  maxBytes int32 3+ def=2147483647
  isolationLevel int8 4+ def=0
  sessionId int32 7+ def=0
  sessionEpoch int32 7+ def=-1
  topics [] 0+
    topic string 0-12
    partitions [] 0+
      partition int32 0+
      currentLeaderEpoch int32 9+ def=-1
      fetchOffset int64 0+
      lastFetchedEpoch int32 12+ def=-1
      logStartOffset int64 5+ def=-1
      partitionMaxBytes int32 0+
  forgottenTopicsData [] 7+
    topic string 7-12
    partitions []int32 7+
  rackId string 11+ def=
  `,
  `
  throttleTimeMs int32 1+
  errorCode int16 7+
  sessionId int32 7+ def=0
  responses [] 0+
    topic string 0-12
    partitions [] 0+
      partitionIndex int32 0+
      errorCode int16 0+
      highWatermark int64 0+
      lastStableOffset int64 4+ def=-1
      logStartOffset int64 5+ def=-1
      abortedTransactions [] 4+ null=4+
        producerId int64 4+
        firstOffset int64 4+
      preferredReadReplica int32 11+ def=-1
      records records 0+ null=0+
  `,
);

export const ListOffsets = defineMessage(
  'ListOffsets', 2, 6,
  `
  replicaId int32 0+
  isolationLevel int8 2+
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      currentLeaderEpoch int32 4+ def=-1
      timestamp int64 0+
      maxNumOffsets int32 0 def=1
  `,
  `
  throttleTimeMs int32 2+
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      errorCode int16 0+
      oldStyleOffsets []int64 0
      timestamp int64 1+ def=-1
      offset int64 1+ def=-1
      leaderEpoch int32 4+ def=-1
  `,
);

export const Metadata = defineMessage(
  'Metadata', 3, 9,
  `
  topics [] 0+ null=1+
    name string 0+
  allowAutoTopicCreation bool 4+ def=true
  includeClusterAuthorizedOperations bool 8-10
  includeTopicAuthorizedOperations bool 8+
  `,
  `
  throttleTimeMs int32 3+
  brokers [] 0+
    nodeId int32 0+
    host string 0+
    port int32 0+
    rack string 1+ null=1+ def=null
  clusterId string 2+ null=2+ def=null
  controllerId int32 1+ def=-1
  topics [] 0+
    errorCode int16 0+
    name string 0+
    isInternal bool 1+ def=false
    partitions [] 0+
      errorCode int16 0+
      partitionIndex int32 0+
      leaderId int32 0+
      leaderEpoch int32 7+ def=-1
      replicaNodes []int32 0+
      isrNodes []int32 0+
      offlineReplicas []int32 5+
    topicAuthorizedOperations int32 8+ def=-2147483648
  clusterAuthorizedOperations int32 8-10 def=-2147483648
  `,
);

export const OffsetCommit = defineMessage(
  'OffsetCommit', 8, 8,
  `
  groupId string 0+
  generationId int32 1+ def=-1
  memberId string 1+
  groupInstanceId string 7+ null=7+ def=null
  retentionTimeMs int64 2-4 def=-1
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      committedOffset int64 0+
      committedLeaderEpoch int32 6+ def=-1
      commitTimestamp int64 1 def=-1
      committedMetadata string 0+ null=0+
  `,
  `
  throttleTimeMs int32 3+
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      errorCode int16 0+
  `,
);

export const OffsetFetch = defineMessage(
  'OffsetFetch', 9, 6,
  `
  groupId string 0-7
  topics [] 0-7 null=2-7
    name string 0-7
    partitionIndexes []int32 0-7
  requireStable bool 7+ def=false
  `,
  `
  throttleTimeMs int32 3+
  topics [] 0-7
    name string 0-7
    partitions [] 0-7
      partitionIndex int32 0-7
      committedOffset int64 0-7
      committedLeaderEpoch int32 5-7 def=-1
      metadata string 0-7 null=0-7
      errorCode int16 0-7
  errorCode int16 2-7 def=0
  `,
);

export const FindCoordinator = defineMessage(
  'FindCoordinator', 10, 3,
  `
  key string 0-3
  keyType int8 1+ def=0
  coordinatorKeys []string 4+
  `,
  `
  throttleTimeMs int32 1+
  errorCode int16 0-3
  errorMessage string 1-3 null=1-3
  nodeId int32 0-3
  host string 0-3
  port int32 0-3
  coordinators [] 4+
    key string 4+
    nodeId int32 4+
    host string 4+
    port int32 4+
    errorCode int16 4+
    errorMessage string 4+ null=4+
  `,
);

export const JoinGroup = defineMessage(
  'JoinGroup', 11, 6,
  `
  groupId string 0+
  sessionTimeoutMs int32 0+
  rebalanceTimeoutMs int32 1+ def=-1
  memberId string 0+
  groupInstanceId string 5+ null=5+ def=null
  protocolType string 0+
  protocols [] 0+
    name string 0+
    metadata bytes 0+
  reason string 8+ null=8+ def=null
  `,
  `
  throttleTimeMs int32 2+
  errorCode int16 0+
  generationId int32 0+ def=-1
  protocolType string 7+ null=7+ def=null
  protocolName string 0+ null=7+
  leader string 0+
  skipAssignment bool 9+ def=false
  memberId string 0+
  members [] 0+
    memberId string 0+
    groupInstanceId string 5+ null=5+ def=null
    metadata bytes 0+
  `,
);

export const Heartbeat = defineMessage(
  'Heartbeat', 12, 4,
  `
  groupId string 0+
  generationId int32 0+
  memberId string 0+
  groupInstanceId string 3+ null=3+ def=null
  `,
  `
  throttleTimeMs int32 1+
  errorCode int16 0+
  `,
);

export const LeaveGroup = defineMessage(
  'LeaveGroup', 13, 4,
  `
  groupId string 0+
  memberId string 0-2
  members [] 3+
    memberId string 3+
    groupInstanceId string 3+ null=3+ def=null
    reason string 5+ null=5+ def=null
  `,
  `
  throttleTimeMs int32 1+
  errorCode int16 0+
  members [] 3+
    memberId string 3+
    groupInstanceId string 3+ null=3+
    errorCode int16 3+
  `,
);

export const SyncGroup = defineMessage(
  'SyncGroup', 14, 4,
  `
  groupId string 0+
  generationId int32 0+
  memberId string 0+
  groupInstanceId string 3+ null=3+ def=null
  protocolType string 5+ null=5+ def=null
  protocolName string 5+ null=5+ def=null
  assignments [] 0+
    memberId string 0+
    assignment bytes 0+
  `,
  `
  throttleTimeMs int32 1+
  errorCode int16 0+
  protocolType string 5+ null=5+ def=null
  protocolName string 5+ null=5+ def=null
  assignment bytes 0+
  `,
);

export const DescribeGroups = defineMessage(
  'DescribeGroups', 15, 5,
  `
  groups []string 0+
  includeAuthorizedOperations bool 3+
  `,
  `
  throttleTimeMs int32 1+
  groups [] 0+
    errorCode int16 0+
    groupId string 0+
    groupState string 0+
    protocolType string 0+
    protocolData string 0+
    members [] 0+
      memberId string 0+
      groupInstanceId string 4+ null=4+ def=null
      clientId string 0+
      clientHost string 0+
      memberMetadata bytes 0+
      memberAssignment bytes 0+
    authorizedOperations int32 3+ def=-2147483648
  `,
);

export const ListGroups = defineMessage(
  'ListGroups', 16, 3,
  `
  statesFilter []string 4+
  typesFilter []string 5+
  `,
  `
  throttleTimeMs int32 1+
  errorCode int16 0+
  groups [] 0+
    groupId string 0+
    protocolType string 0+
    groupState string 4+
    groupType string 5+
  `,
);

export const SaslHandshake = defineMessage(
  'SaslHandshake', 17, NEVER,
  `
  mechanism string 0+
  `,
  `
  errorCode int16 0+
  mechanisms []string 0+
  `,
);

export const ApiVersions = defineMessage(
  'ApiVersions', 18, 3,
  `
  clientSoftwareName string 3+
  clientSoftwareVersion string 3+
  `,
  `
  errorCode int16 0+
  apiKeys [] 0+
    apiKey int16 0+
    minVersion int16 0+
    maxVersion int16 0+
  throttleTimeMs int32 1+
  `,
);

export const CreateTopics = defineMessage(
  'CreateTopics', 19, 5,
  `
  topics [] 0+
    name string 0+
    numPartitions int32 0+
    replicationFactor int16 0+
    assignments [] 0+
      partitionIndex int32 0+
      brokerIds []int32 0+
    configs [] 0+
      name string 0+
      value string 0+ null=0+
  timeoutMs int32 0+ def=60000
  validateOnly bool 1+ def=false
  `,
  `
  throttleTimeMs int32 2+
  topics [] 0+
    name string 0+
    errorCode int16 0+
    errorMessage string 1+ null=0+
    numPartitions int32 5+ def=-1
    replicationFactor int16 5+ def=-1
    configs [] 5+ null=5+
      name string 5+
      value string 5+ null=5+
      readOnly bool 5+
      configSource int8 5+ def=-1
      isSensitive bool 5+
  `,
);

export const DeleteTopics = defineMessage(
  'DeleteTopics', 20, 4,
  `
  topicNames []string 0-5
  timeoutMs int32 0+
  `,
  `
  throttleTimeMs int32 1+
  responses [] 0+
    name string 0+
    errorCode int16 0+
    errorMessage string 5+ null=5+ def=null
  `,
);

export const DeleteRecords = defineMessage(
  'DeleteRecords', 21, 2,
  `
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      offset int64 0+
  timeoutMs int32 0+
  `,
  `
  throttleTimeMs int32 0+
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      lowWatermark int64 0+
      errorCode int16 0+
  `,
);

export const InitProducerId = defineMessage(
  'InitProducerId', 22, 2,
  `
  transactionalId string 0+ null=0+
  transactionTimeoutMs int32 0+
  producerId int64 3+ def=-1
  producerEpoch int16 3+ def=-1
  `,
  `
  throttleTimeMs int32 0+
  errorCode int16 0+
  producerId int64 0+ def=-1
  producerEpoch int16 0+
  `,
);

export const AddPartitionsToTxn = defineMessage(
  'AddPartitionsToTxn', 24, 3,
  `
  transactionalId string 0-3
  producerId int64 0-3
  producerEpoch int16 0-3
  topics [] 0-3
    name string 0+
    partitions []int32 0+
  `,
  `
  throttleTimeMs int32 0+
  results [] 0-3
    name string 0+
    results [] 0+
      partitionIndex int32 0+
      errorCode int16 0+
  `,
);

export const AddOffsetsToTxn = defineMessage(
  'AddOffsetsToTxn', 25, 3,
  `
  transactionalId string 0+
  producerId int64 0+
  producerEpoch int16 0+
  groupId string 0+
  `,
  `
  throttleTimeMs int32 0+
  errorCode int16 0+
  `,
);

export const EndTxn = defineMessage(
  'EndTxn', 26, 3,
  `
  transactionalId string 0+
  producerId int64 0+
  producerEpoch int16 0+
  committed bool 0+
  `,
  `
  throttleTimeMs int32 0+
  errorCode int16 0+
  `,
);

export const TxnOffsetCommit = defineMessage(
  'TxnOffsetCommit', 28, 3,
  `
  transactionalId string 0+
  groupId string 0+
  producerId int64 0+
  producerEpoch int16 0+
  generationId int32 3+ def=-1
  memberId string 3+ def=
  groupInstanceId string 3+ null=3+ def=null
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      committedOffset int64 0+
      committedLeaderEpoch int32 2+ def=-1
      committedMetadata string 0+ null=0+
  `,
  `
  throttleTimeMs int32 0+
  topics [] 0+
    name string 0+
    partitions [] 0+
      partitionIndex int32 0+
      errorCode int16 0+
  `,
);

export const DescribeConfigs = defineMessage(
  'DescribeConfigs', 32, 4,
  `
  resources [] 0+
    resourceType int8 0+
    resourceName string 0+
    configurationKeys []string 0+ null=0+
  includeSynonyms bool 1+ def=false
  includeDocumentation bool 3+ def=false
  `,
  `
  throttleTimeMs int32 0+
  results [] 0+
    errorCode int16 0+
    errorMessage string 0+ null=0+
    resourceType int8 0+
    resourceName string 0+
    configs [] 0+
      name string 0+
      value string 0+ null=0+
      readOnly bool 0+
      isDefault bool 0
      configSource int8 1+ def=-1
      isSensitive bool 0+
      synonyms [] 1+
        name string 1+
        value string 1+ null=0+
        source int8 1+
      configType int8 3+ def=0
      documentation string 3+ null=0+
  `,
);

export const AlterConfigs = defineMessage(
  'AlterConfigs', 33, 2,
  `
  resources [] 0+
    resourceType int8 0+
    resourceName string 0+
    configs [] 0+
      name string 0+
      value string 0+ null=0+
  validateOnly bool 0+
  `,
  `
  throttleTimeMs int32 0+
  responses [] 0+
    errorCode int16 0+
    errorMessage string 0+ null=0+
    resourceType int8 0+
    resourceName string 0+
  `,
);

export const CreatePartitions = defineMessage(
  'CreatePartitions', 37, 2,
  `
  topics [] 0+
    name string 0+
    count int32 0+
    assignments [] 0+ null=0+
      brokerIds []int32 0+
  timeoutMs int32 0+
  validateOnly bool 0+
  `,
  `
  throttleTimeMs int32 0+
  results [] 0+
    name string 0+
    errorCode int16 0+
    errorMessage string 0+ null=0+ def=null
  `,
);

export const DeleteGroups = defineMessage(
  'DeleteGroups', 42, 2,
  `
  groupsNames []string 0+
  `,
  `
  throttleTimeMs int32 0+
  results [] 0+
    groupId string 0+
    errorCode int16 0+
  `,
);

export const DescribeCluster = defineMessage(
  'DescribeCluster', 60, 0,
  `
  includeClusterAuthorizedOperations bool 0+
  endpointType int8 1+ def=1
  `,
  `
  throttleTimeMs int32 0+
  errorCode int16 0+
  errorMessage string 0+ null=0+ def=null
  endpointType int8 1+ def=1
  clusterId string 0+
  controllerId int32 0+ def=-1
  brokers [] 0+
    brokerId int32 0+
    host string 0+
    port int32 0+
    rack string 0+ null=0+ def=null
  clusterAuthorizedOperations int32 0+ def=-2147483648
  `,
);

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
