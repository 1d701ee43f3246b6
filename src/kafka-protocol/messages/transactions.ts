// Transactions: producer ids, partitions and offsets in a transaction, its end.
// Bodies in the schema language of ../schema.ts.

import { defineMessage } from '../schema.js';

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
