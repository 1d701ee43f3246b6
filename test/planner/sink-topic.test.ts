import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatement, type CreateAsSelect } from '../../src/parser/index.js';
import { propertyMap, sinkTopicName } from '../../src/planner/query/sink.js';

function topicOf(sql: string, config: Record<string, unknown> = {}): string {
  const stmt = parseStatement(sql) as CreateAsSelect;
  return sinkTopicName(stmt.name, propertyMap(stmt), config);
}

test("a sink's default topic is its name as written, after the output prefix", () => {
  assert.equal(topicOf('CREATE STREAM `foo-too` AS SELECT * FROM s;'), 'foo-too');
  assert.equal(topicOf('CREATE STREAM out AS SELECT * FROM s;'), 'OUT');
  assert.equal(topicOf('CREATE TABLE `Mixed` AS SELECT * FROM s;', { 'ksql.output.topic.name.prefix': 'p_' }), 'p_Mixed');
  assert.equal(topicOf("CREATE STREAM out WITH (kafka_topic='given') AS SELECT * FROM s;"), 'given');
});
