// What every sink task that reads Eddy topics shares: the reader, the positions it has
// committed downstream, and the lag DESCRIBE CONNECTOR shows from the two.
import type { TopicLog } from '../log/topic-log.js';
import type { ConnectorTask, PartitionLag } from './contract.js';
import { TopicReader } from './topic-records.js';

export abstract class TopicSinkTask implements ConnectorTask {
  protected reader?: TopicReader;
  protected committed = new Map<string, number>();

  abstract run(signal: AbortSignal): Promise<void>;
  abstract topics(): string[];

  async lag(): Promise<PartitionLag[]> {
    return this.reader ? this.reader.lag(this.committed) : [];
  }

  /** Opens the reader at the positions stored downstream, which become the committed ones. */
  protected async openReader(log: TopicLog, connector: string, topics: string[], stored: Map<string, number>): Promise<TopicReader> {
    this.committed = stored;
    this.reader = await TopicReader.open(log, connector, topics, stored);
    return this.reader;
  }
}
