// The TopicLog contract on a real Apache Kafka cluster (3 KRaft nodes from scripts/kafka-cluster).

import { KafkaLog } from '../../src/log/kafka/index.js';
import { topicLogContract } from './contract.js';
import { realKafka } from './real-kafka.js';

const { cluster, skip } = realKafka('the TopicLog contract on real Kafka');

topicLogContract(
  'KafkaLog on a real Apache Kafka cluster',
  async () => {
    const log = await KafkaLog.connect({ brokers: cluster!.brokers, clientId: 'eddy-contract' });
    return { log, close: () => log.close() };
  },
  { skip },
);
