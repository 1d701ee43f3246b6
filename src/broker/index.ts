export { startBroker, type Broker, type BrokerOptions } from './server.js';
