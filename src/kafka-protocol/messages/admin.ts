// Connection setup and administration: versions, SASL, topics, configs, cluster.
// Bodies in the schema language of ../schema.ts.

import { defineMessage } from '../schema.js';

const NEVER = Infinity;

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
