// The command topic: every catalog-changing statement is appended here before it takes
// effect, and replayed at startup to rebuild the catalog and restart live queries. A
// persistent query's command carries its step tree, so the replay runs the stored plan.

import { TopicExistsError, type TopicLog } from '../log/topic-log.js';
import type { StoredQueryPlan } from '../runtime/contract.js';
import { planReplacer, planReviver } from '../plan/json.js';

export const COMMAND_LOG_VERSION = 1;

export function commandTopicName(serviceId: string): string {
  return `_confluent-ksql-${serviceId}_command_topic`;
}

export interface Command {
  /** The statement text after variable substitution. */
  statement: string;
  /** The request's overrides at the time (SET included), so a replay plans identically. */
  streamsProperties: Record<string, unknown>;
  originalProperties: Record<string, unknown>;
  /**
   * CSAS, CTAS, INSERT INTO: the query's step tree with its plan version. A replay starts
   * this plan instead of planning the statement again; commands written before plans were
   * stored have none and are planned from the statement.
   */
  plan?: StoredQueryPlan;
  version: number;
}

export interface StoredCommand {
  commandId: string;
  command: Command;
  /** The command's offset: its command sequence number. */
  sequence: number;
}

export class CommandLog {
  constructor(
    private readonly log: TopicLog,
    readonly topic: string,
  ) {}

  async ensureTopic(): Promise<void> {
    if (await this.log.describeTopic(this.topic)) return;
    try {
      await this.log.createTopic(this.topic, { partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '-1', 'cleanup.policy': 'delete' } });
    } catch (e) {
      if (!(e instanceof TopicExistsError) && !(await this.log.describeTopic(this.topic))) throw e;
    }
  }

  /** The sequence number the next appended command will get. */
  async nextSequence(): Promise<number> {
    const [end] = await this.log.endOffsets(this.topic);
    return end ?? 0;
  }

  async append(commandId: string, command: Command): Promise<number> {
    const [r] = await this.log.produce(this.topic, [
      { key: Buffer.from(commandId), value: Buffer.from(JSON.stringify(command, planReplacer)), partition: 0 },
    ]);
    return r!.offset;
  }

  /** Every command from the start of the topic (or from sequence `from`) up to its current end. */
  async readAll(from = 0): Promise<StoredCommand[]> {
    const out: StoredCommand[] = [];
    const [start] = await this.log.beginningOffsets(this.topic);
    const [end] = await this.log.endOffsets(this.topic);
    let offset = Math.max(start ?? 0, from);
    while (offset < (end ?? 0)) {
      const batch = await this.log.fetch([{ topic: this.topic, partition: 0, offset }], { maxRecords: 500, maxWaitMs: 0 });
      if (batch.length === 0) break;
      for (const r of batch) {
        offset = r.offset + 1;
        if (r.value === null) continue;
        out.push({
          commandId: r.key?.toString() ?? '',
          command: JSON.parse(r.value.toString(), planReviver) as Command,
          sequence: r.offset,
        });
      }
    }
    return out;
  }
}
