// The CLI's text for the connector entities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderEntity } from '../../cli/render/entities.js';

test('DESCRIBE CONNECTOR renders state, tasks, lag, last error and topics', () => {
  const text = renderEntity({
    '@type': 'connector_description',
    statementText: 'DESCRIBE CONNECTOR s;',
    connectorClass: 'io.confluent.connect.jdbc.JdbcSinkConnector',
    status: { name: 'S', connector: { state: 'FAILED', worker_id: 'h:built-in', trace: 'Error: table "T" does not exist\n    at x' }, tasks: [{ id: 0, state: 'FAILED', worker_id: 'h:built-in', trace: 'Error: table "T" does not exist\n    at x' }], type: 'sink' },
    topics: ['T'],
    sources: [{ name: 'T', type: 'TABLE', topic: 'T' }],
    lag: [{ topic: 'T', partition: 0, currentOffset: 3, endOffset: 5, lag: 2 }],
    lastError: { message: 'table "T" does not exist', time: 0 },
    warnings: [],
  }).join('\n');
  assert.match(text, /Name {17}: S/);
  assert.match(text, /State {16}: FAILED/);
  assert.match(text, /Last Error {11}: table "T" does not exist \(1970-01-01T00:00:00.000Z\)/);
  assert.match(text, /\b0\s+\| FAILED\s+\| Error: table "T" does not exist/);
  assert.match(text, /T\s+\| 0\s+\| 3\s+\| 5\s+\| 2/);
  assert.match(text, /Related Topics/);
  assert.deepEqual(renderEntity({ '@type': 'connector_info', statementText: '', info: { name: 'S' }, warnings: [] }).filter((l) => l.includes('Created')), [' Created connector S ']);
});
