export { EmbeddedLog, type EmbeddedLogOptions, type AppendListener, type TopicState } from './embedded-log.js';
