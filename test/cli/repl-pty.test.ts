// The REPL under a real pseudo-terminal: banner, multi-line input, a live push query with
// LIMIT, Ctrl-C to cancel, history, and leaving with Ctrl-D.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { ScriptedEngine } from '../server/scripted-engine.js';
import { PtySession, hasScriptTool } from './pty.js';

let engine: ScriptedEngine;
let server: RunningServer;

before(async () => {
  engine = new ScriptedEngine();
  server = await startServer(engine, { port: 0, host: '127.0.0.1' });
});
after(() => server.close());

test('REPL: statements, a live LIMIT query, Ctrl-C, history and Ctrl-D', { skip: !hasScriptTool() && 'needs util-linux script (apt-get install bsdutils)' }, async () => {
  const home = mkdtempSync(join(tmpdir(), 'eddy-repl-'));
  const historyFile = join(home, '.eddy_history');
  const repl = new PtySession(`${process.execPath} --import tsx cli/eddy.ts ${server.url}`, { HOME: home }, process.cwd());
  try {
    await repl.waitFor(/Server Status: RUNNING[\s\S]*eddy> /, 0, 60_000); // tsx start-up on a loaded machine

    let from = repl.mark();
    repl.type('CREATE STREAM s (k STRING KEY,\r');
    await repl.waitFor(/    > /, from);
    repl.type("  v INT) WITH (kafka_topic='s', value_format='JSON');\r");
    await repl.waitFor(/Stream created[\s\S]*eddy> /, from);

    from = repl.mark();
    repl.type("INSERT INTO s (k, v) VALUES ('a', 1);\r");
    await repl.waitFor(/eddy> INSERT INTO s[\s\S]*eddy> /, from);
    assert.match(engine.executed.at(-1)!.sql, /^INSERT INTO s \(k, v\) VALUES \('a', 1\);$/);

    engine.onQuery = (s) => {
      setTimeout(() => s.push({ row: ['a', 1] }), 50);
      setTimeout(() => {
        s.push({ row: ['b', 2] });
        s.finish('Limit Reached');
      }, 150);
    };
    from = repl.mark();
    repl.type('SELECT * FROM s EMIT CHANGES LIMIT 2;\r');
    const shown = await repl.waitFor(/Limit Reached[\s\S]*eddy> /, from);
    assert.match(shown, /\|K +\|V +\|/);
    assert.match(shown, /\|a +\|1 +\|[\s\S]*\|b +\|2 +\|[\s\S]*Limit Reached/);

    // A push query without LIMIT runs until Ctrl-C, which stops it on the server too.
    engine.onQuery = (s) => setTimeout(() => s.push({ row: ['c', 3] }), 50);
    from = repl.mark();
    repl.type('SELECT * FROM s EMIT CHANGES;\r');
    await repl.waitFor(/\|c +\|3 +\|/, from);
    repl.type('\x03');
    await repl.waitFor(/Query terminated[\s\S]*eddy> /, from);
    const stream = engine.streams.at(-1)!;
    for (let i = 0; i < 100 && !stream.closed; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(stream.closed, 'Ctrl-C closed the query on the server');

    // Up recalls the previous statement.
    from = repl.mark();
    repl.type('\x1b[A');
    await repl.waitFor(/eddy> SELECT \* FROM s EMIT CHANGES;/, from);
    repl.type('\x03'); // clears the recalled line
    await new Promise((r) => setTimeout(r, 200)); // keys typed together would arrive as one paste

    from = repl.mark();
    repl.type('version\r');
    await repl.waitFor(/Version: \d/, from);

    repl.type('\x04');
    assert.equal(await repl.exited, 0);
    const history = readFileSync(historyFile, 'utf8');
    assert.match(history, /CREATE STREAM s \(k STRING KEY, v INT\) WITH \(kafka_topic='s', value_format='JSON'\);\n/);
    assert.match(history, /SELECT \* FROM s EMIT CHANGES LIMIT 2;\n/);
  } finally {
    repl.kill();
  }
});
