// ASSERT (NOT EXISTS) TOPIC, waiting up to its timeout for the topic to match.

import type { AssertTopic } from '../../parser/ast.js';
import { KsqlError, type KsqlEntity } from '../api.js';
import { entity } from '../entities.js';
import type { EngineContext } from './context.js';

export async function assertTopic(ctx: EngineContext, stmt: AssertTopic): Promise<KsqlEntity> {
  const props = Object.fromEntries(stmt.properties.map((p) => [p.name.toUpperCase(), p.value.value]));
  for (const k of Object.keys(props)) {
    if (k !== 'PARTITIONS' && k !== 'REPLICAS') throw new KsqlError(`Cannot assert unknown topic property: ${k}`);
  }
  const timeout = stmt.timeout?.ms ?? Number(ctx.config['ksql.assert.topic.default.timeout.ms'] ?? 1000);
  const deadline = Date.now() + timeout;
  let problem = '';
  for (;;) {
    const t = await ctx.log.describeTopic(stmt.topic);
    if (stmt.exists) {
      if (!t) problem = `Topic ${stmt.topic} does not exist`;
      else {
        const errs: string[] = [];
        if (props.PARTITIONS !== undefined && Number(props.PARTITIONS) !== t.partitions) {
          errs.push(`Mismatched configuration for topic ${stmt.topic}: For config partitions, expected ${String(props.PARTITIONS)} got ${t.partitions}`);
        }
        if (props.REPLICAS !== undefined && Number(props.REPLICAS) !== t.replicationFactor) {
          errs.push(`Mismatched configuration for topic ${stmt.topic}: For config replicas, expected ${String(props.REPLICAS)} got ${t.replicationFactor}`);
        }
        problem = errs.join('\n');
      }
    } else {
      problem = t ? `Topic ${stmt.topic} exists` : '';
    }
    if (problem === '' || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, deadline - Date.now()))));
  }
  if (problem !== '') throw new KsqlError(problem, 41700);
  return entity('assert_topic', stmt.text, { topicName: stmt.topic, exists: stmt.exists });
}
