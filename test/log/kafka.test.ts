import { startTestBroker } from '../broker/helpers.js';
import { KafkaLog } from '../../src/log/kafka/index.js';
import { topicLogContract } from './contract.js';

topicLogContract('KafkaLog against the embedded broker', async () => {
  const broker = await startTestBroker();
  const log = await KafkaLog.connect({ brokers: [broker.broker.address] });
  return {
    log,
    close: async () => {
      await log.close();
      await broker.close();
    },
  };
});
