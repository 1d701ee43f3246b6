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

test('a multi-line statement is edited as a whole: up/down move between its lines', () => {
  let s = LineEditor.withText('SELECT a,\n  b\nFROM t;');
  assert.equal(LineEditor.down(s), null, 'on the last line down goes to the history');
  s = LineEditor.up(s)!;
  assert.deepEqual(s, { text: s.text, cursor: 13 }, 'column 7 clamps to the end of "  b"');
  s = LineEditor.up(s)!;
  assert.equal(s.cursor, 3);
  assert.equal(LineEditor.up(s), null, 'on the first line up goes to the history');
  s = LineEditor.insert(s, 'X');
  assert.equal(s.text, 'SELXECT a,\n  b\nFROM t;');
  assert.equal(LineEditor.down(s)!.cursor, 14);
  assert.equal(LineEditor.end(s).cursor, 10);
  assert.equal(LineEditor.home(LineEditor.down(s)!).cursor, 11);
});

test('Ctrl-R searches the history backwards, narrowing as one types', async () => {
  const { HistorySearch } = await import('../../cli/repl/history-search.js');
  const entries = ['SHOW STREAMS;', 'SELECT * FROM a EMIT CHANGES;', 'SHOW TABLES;', 'select 1 from b;'];
  let s = HistorySearch.start(entries);
  s = HistorySearch.type(s, entries, 'sel');
  assert.equal(HistorySearch.match(s, entries), 'select 1 from b;');
  s = HistorySearch.older(s, entries);
  assert.equal(HistorySearch.match(s, entries), 'SELECT * FROM a EMIT CHANGES;');
  assert.deepEqual(HistorySearch.older(s, entries), s, 'no older match: stays');
  s = HistorySearch.type(HistorySearch.start(entries), entries, 'show');
  assert.equal(HistorySearch.match(s, entries), 'SHOW TABLES;');
  s = HistorySearch.type(s, entries, 'x');
  assert.equal(s.index, -1);
  assert.equal(HistorySearch.match(HistorySearch.backspace(s, entries), entries), 'SHOW TABLES;');
});
