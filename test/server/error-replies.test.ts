import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EddyError, KsqlError, StatementError, positionOf } from '../../src/common/errors.js';
import { toErrorReply } from '../../src/server/errors.js';
import { ParseError } from '../../src/parser/errors.js';
import { QueryPlanningError } from '../../src/planner/query/errors.js';
import { SerdeError } from '../../src/serde/serde.js';
import { UnknownTopicError } from '../../src/log/topic-log.js';
import { firstQueryStatement, WRONG_ENDPOINT_MESSAGE } from '../../src/engine/query-endpoint.js';

test('a statement error answers statement_error with its code, text and entities', () => {
  const entity = { '@type': 'currentStatus', statementText: 'CREATE STREAM A ...;', warnings: [] };
  const reply = toErrorReply(new StatementError('boom', 'SELECT 1;', [entity], 40002));
  assert.deepEqual(reply, {
    status: 400,
    body: { '@type': 'statement_error', error_code: 40002, message: 'boom', statementText: 'SELECT 1;', entities: [entity] },
  });
});

test('a refusal with a code answers generic_error; its own HTTP status wins', () => {
  assert.deepEqual(toErrorReply(new KsqlError('shutting down', 50303)), {
    status: 503,
    body: { '@type': 'generic_error', error_code: 50303, message: 'shutting down' },
  });
  assert.equal(toErrorReply(new KsqlError('odd', 40000, 409)).status, 409);
});

test('errors without a code are internal (500); client errors of fastify keep their 4xx', () => {
  assert.deepEqual(toErrorReply(new SerdeError('bad bytes')), {
    status: 500,
    body: { '@type': 'generic_error', error_code: 50000, message: 'bad bytes' },
  });
  assert.equal(toErrorReply(new Error('bug')).body.error_code, 50000);
  assert.equal(toErrorReply(Object.assign(new Error('Body is too large'), { statusCode: 413 })).body.error_code, 41300);
  assert.equal(toErrorReply('text').body.message, 'text');
});

test('every error carries its kind and, where known, its position', () => {
  const parse = new ParseError('line 2:5: Syntax Error', { line: 2, column: 5 });
  assert.ok(parse instanceof EddyError);
  assert.equal(parse.kind, 'syntax');
  assert.deepEqual(positionOf(parse), { line: 2, column: 5 });
  const plan = new QueryPlanningError('no such column', { line: 1, column: 8, offset: 7 });
  assert.equal(plan.kind, 'plan');
  assert.deepEqual(positionOf(plan), { line: 1, column: 8 });
  assert.equal(new UnknownTopicError('gone').kind, 'log');
  assert.equal(positionOf(new Error('plain')), undefined);
});

test('SELECT and PRINT are found in a request, past comments, for the /ksql refusal', () => {
  assert.equal(firstQueryStatement("CREATE STREAM s (v INT) WITH (kafka_topic='s');\n-- then\n  select * from s;"), 'select * from s;');
  assert.equal(firstQueryStatement("/* x; */ PRINT 'topic';"), "PRINT 'topic';");
  assert.equal(firstQueryStatement('CREATE STREAM x AS SELECT * FROM y;'), undefined);
  assert.match(WRONG_ENDPOINT_MESSAGE, /websocket endpoint '\/query':\n\t\* PRINT\n\t\* SELECT$/);
});
