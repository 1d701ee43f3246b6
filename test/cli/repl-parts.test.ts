import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLocalCommand } from '../../cli/repl/local-commands.js';
import { LineEditor } from '../../cli/repl/line-editor.js';
import { History } from '../../cli/repl/history.js';

test('local commands are case-insensitive and take an optional semicolon', () => {
  assert.deepEqual(parseLocalCommand('HELP;'), { name: 'help' });
  assert.deepEqual(parseLocalCommand(' quit '), { name: 'exit' });
  assert.deepEqual(parseLocalCommand('output json'), { name: 'output', format: 'json' });
  assert.deepEqual(parseLocalCommand('server http://h:1'), { name: 'server', url: 'http://h:1' });
  assert.deepEqual(parseLocalCommand('run script ./a.sql'), { name: 'run-script', path: './a.sql' });
  assert.equal(parseLocalCommand("RUN SCRIPT 'a.sql';"), null, 'the SQL form is a statement');
  assert.equal(parseLocalCommand('SHOW STREAMS;'), null);
});

test('line editing inserts at the cursor and moves within bounds', () => {
  let s = LineEditor.insert(LineEditor.empty(), 'SELEC');
  s = LineEditor.insert(LineEditor.left(LineEditor.left(s)), 'x');
  assert.deepEqual(s, { text: 'SELxEC', cursor: 4 });
  s = LineEditor.backspace(s);
  assert.deepEqual(s, { text: 'SELEC', cursor: 3 });
  assert.equal(LineEditor.left(LineEditor.home(s)).cursor, 0);
  assert.equal(LineEditor.right(LineEditor.end(s)).cursor, 5);
});

test('history is kept one entry per line across sessions', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'eddy-hist-')), 'h');
  const h = new History(file);
  h.add('SELECT 1\nFROM t;');
  h.add('SELECT 1\nFROM t;');
  h.add('SHOW STREAMS;');
  assert.equal(readFileSync(file, 'utf8'), 'SELECT 1 FROM t;\nSHOW STREAMS;\n');
  assert.deepEqual(new History(file).entries, ['SELECT 1 FROM t;', 'SHOW STREAMS;']);
});
