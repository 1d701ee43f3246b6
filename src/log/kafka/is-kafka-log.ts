// Telling a log on a Kafka cluster from the others without loading the Kafka client
// (kafkajs and the wire protocol): a server on the embedded log never imports them.

import type { TopicLog } from '../topic-log.js';

/** Set to true on every KafkaLog. */
export const KAFKA_LOG = Symbol.for('eddy.kafka-log');

export function isKafkaLog(log: TopicLog): boolean {
  return (log as { [KAFKA_LOG]?: boolean })[KAFKA_LOG] === true;
}
