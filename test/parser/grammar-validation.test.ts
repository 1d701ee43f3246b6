// The grammar and token checks the server skips at start (see SqlParser's constructor):
// chevrotain throws here on an ambiguous alternative, left recursion or a bad token pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lexer } from '../../src/parser/chevrotain.js';
import { SqlParser } from '../../src/parser/grammar.js';
import { allTokens, lexerConfig } from '../../src/parser/lexer.js';

test('the SQL grammar and its tokens pass chevrotain validation', () => {
  assert.doesNotThrow(() => new SqlParser({ validate: true }));
  const lexer = new Lexer(allTokens, lexerConfig);
  assert.deepEqual(lexer.lexerDefinitionErrors ?? [], []);
});
