import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasOpenQuote, isQueryStatement, leadingKeyword, splitStatementTexts } from '../../src/server/statement-text.js';
import { negotiate } from '../../src/server/media-types.js';

test('splits on semicolons outside quotes and drops comments', () => {
  const r = splitStatementTexts("-- intro\nINSERT INTO s VALUES ('a;b', `x;y`); /* c; */ SELECT 1 FROM t;\nSHOW");
  assert.deepEqual(r.statements, ["INSERT INTO s VALUES ('a;b', `x;y`);", 'SELECT 1 FROM t;']);
  assert.equal(r.rest, 'SHOW');
});

test('doubled quotes stay inside the string', () => {
  const r = splitStatementTexts("INSERT INTO s VALUES ('it''s; fine');");
  assert.deepEqual(r.statements, ["INSERT INTO s VALUES ('it''s; fine');"]);
  assert.equal(r.rest, '');
});

test('open quotes and block comments are detected', () => {
  assert.equal(hasOpenQuote("SELECT 'abc"), true);
  assert.equal(hasOpenQuote("SELECT 'abc'"), false);
  assert.equal(hasOpenQuote('SELECT /* x'), true);
  assert.equal(hasOpenQuote("SELECT 'it''s'"), false);
  assert.equal(hasOpenQuote("-- don't"), false);
});

test('leading keyword decides what is a query', () => {
  assert.equal(leadingKeyword('  select * from x;'), 'SELECT');
  assert.equal(isQueryStatement("print 'topic';"), true);
  assert.equal(isQueryStatement('CREATE STREAM x AS SELECT * FROM y;'), false);
});

test('Accept negotiation honours q weights, wildcards and order', () => {
  const offered = ['application/vnd.ksqlapi.delimited.v1', 'application/json', 'application/vnd.ksql.v1+json'];
  assert.equal(negotiate(undefined, offered), offered[0]);
  assert.equal(negotiate('*/*', offered), offered[0]);
  assert.equal(negotiate('application/json', offered), 'application/json');
  assert.equal(negotiate('application/json;q=0.2, application/vnd.ksql.v1+json;q=0.9', offered), 'application/vnd.ksql.v1+json');
  assert.equal(negotiate('application/*;q=0.5, application/json', offered), 'application/json');
  assert.equal(negotiate('text/plain', offered), null);
  assert.equal(negotiate('application/json;q=0', offered), null);
});
