export { KafkaLog, type KafkaLogOptions } from './kafka-log.js';
export { KafkaError } from './kafka-errors.js';
