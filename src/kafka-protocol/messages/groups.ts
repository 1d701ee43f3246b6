// Consumer groups: coordinators, membership, offsets.
// Bodies in the schema language of ../schema.ts.

import { defineMessage } from '../schema.js';

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
