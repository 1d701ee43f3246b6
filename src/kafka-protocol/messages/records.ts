// Produce, Fetch, ListOffsets and Metadata: reading and writing records and finding their leaders.
// Bodies in the schema language of ../schema.ts.

import { defineMessage } from '../schema.js';

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
