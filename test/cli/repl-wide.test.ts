// The REPL in an 80-column pseudo-terminal against a real engine: wide results, SHOW
// QUERIES and EXPLAIN fit, vertical output, progress over a 1M-record backlog, editing a
// multi-line statement, Ctrl-R, Ctrl-L, a lost server and the host's exit warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';
import type { EmbeddedLog } from '../../src/log/embedded/index.js';
import { PtySession, hasScriptTool } from './pty.js';

const skip = !hasScriptTool() && 'needs util-linux script (apt-get install bsdutils)';
const COLUMNS = 80;
/** Starting the REPL through tsx can take long on a loaded machine. */
const STARTUP_MS = 60_000;
let dir: string;
let server: EmbeddedServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-repl-wide-'));
  server = await startEmbedded({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', config: {} });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function repl(url: string, extra = ''): PtySession {
  return new PtySession(`${process.execPath} --import tsx cli/eddy.ts ${extra} ${url}`, { HOME: dir, EDDY_HISTORY_FILE: join(dir, `history-${Math.random()}`) }, process.cwd(), COLUMNS, 40);
}

async function run(r: PtySession, statement: string, done: RegExp, timeoutMs = 20000): Promise<string[]> {
  const from = r.mark();
  const raw = r.rawMark();
  r.type(statement + '\r');
  await r.waitFor(done, from, timeoutMs);
  await new Promise((res) => setTimeout(res, 100));
  return r.lines(raw);
}

const tooLong = (lines: string[]) => lines.filter((l) => l.length > COLUMNS);

const THIRTEEN = ['RIDER_ID', 'LATITUDE', 'LONGITUDE', 'CITY', 'COUNTRY', 'SPEED_KMH', 'HEADING', 'BATTERY', 'STATUS', 'VEHICLE_TYPE', 'UPDATED_AT', 'ZONE', 'NOTES'];

test('80 columns: a 13-column SELECT *, SHOW QUERIES and EXPLAIN fit; vertical mode shows one column per line', { skip, timeout: 120_000 }, async () => {
  const r = repl(server.server.url);
  try {
    await r.waitFor(/eddy> /, 0, STARTUP_MS);
    const columns = THIRTEEN.map((c, i) => `${c} ${i === 0 ? 'VARCHAR KEY' : 'VARCHAR'}`).join(', ');
    await run(r, `CREATE STREAM riders (${columns}) WITH (kafka_topic='riders', value_format='JSON', partitions=1);`, /Stream created[\s\S]*eddy> /);
    const values = THIRTEEN.map((c) => `'${c.toLowerCase()} is a value much wider than its column'`).join(', ');
    await run(r, `INSERT INTO riders (${THIRTEEN.join(', ')}) VALUES (${values});`, /eddy> INSERT[\s\S]*eddy> /);
    await run(r, "SET 'auto.offset.reset' = 'earliest';", /Successfully changed[\s\S]*eddy> /);

    const select = await run(r, 'SELECT * FROM riders EMIT CHANGES LIMIT 1;', /Limit Reached[\s\S]*eddy> /);
    assert.deepEqual(tooLong(select), [], select.join('\n'));
    assert.ok(select.some((l) => /^\|RIDER/.test(l)), 'a boxed table');
    assert.ok(select.some((l) => l.includes('…')), 'long values are cut with a marker');

    await run(r, 'CREATE STREAM fast_riders AS SELECT rider_id, city, speed_kmh FROM riders WHERE speed_kmh > \'50\';', /Created query with ID[\s\S]*eddy> /);
    const queries = await run(r, 'SHOW QUERIES;', /For detailed information on a Query run[\s\S]*eddy> /);
    assert.deepEqual(tooLong(queries), [], queries.join('\n'));
    const id = /CSAS_FAST_RIDERS_\d+/.exec(queries.join("\n"))?.[0];
    assert.ok(id, queries.join("\n"));
    const explain = await run(r, `EXPLAIN ${id};`, /Processing topology|Execution plan[\s\S]*eddy> /);
    assert.deepEqual(tooLong(explain), [], explain.join('\n'));

    await run(r, 'SET CLI OUTPUT VERTICAL;', /VERTICAL[\s\S]*eddy> /);
    const vertical = await run(r, 'SELECT * FROM riders EMIT CHANGES LIMIT 1;', /Limit Reached[\s\S]*eddy> /);
    assert.ok(vertical.some((l) => /^-\[ RECORD 1 \]/.test(l)), vertical.join('\n'));
    for (const c of THIRTEEN) assert.ok(vertical.some((l) => new RegExp(`^${c} +\\| ${c.toLowerCase()} is a value`).test(l)), `a line for ${c}`);
    assert.deepEqual(tooLong(vertical), []);
    const toggled = await run(r, '\\x', /Output format set to TABULAR[\s\S]*eddy> /);
    assert.ok(toggled.length > 0);
  } finally {
    r.kill();
  }
});

test('a push query from earliest over 1M records shows a progress line within 1 s', { skip, timeout: 180_000 }, async () => {
  await server.engine.execute("CREATE STREAM big (id INT KEY, v VARCHAR) WITH (kafka_topic='big', value_format='JSON', partitions=1);", { properties: {}, variables: {} });
  const log = (server.engine as unknown as { log: EmbeddedLog }).log;
  const value = Buffer.from('{"V":"a record of the backlog"}');
  for (let i = 0; i < 1_000_000; i += 20_000) {
    await log.produce('big', Array.from({ length: 20_000 }, () => ({ key: null, value })));
  }
  const r = repl(server.server.url);
  try {
    await r.waitFor(/eddy> /, 0, STARTUP_MS);
    await run(r, "SET 'auto.offset.reset' = 'earliest';", /Successfully changed[\s\S]*eddy> /);
    const from = r.mark();
    const sent = Date.now();
    r.type("SELECT * FROM big WHERE v = 'no such value' EMIT CHANGES;\r");
    const shown = await r.waitFor(/Scanning: [\d,]+ records read, [\d,]+ left \([\d,]+ records\/s\)/, from, 5000);
    const ms = Date.now() - sent;
    process.stdout.write(`# progress line ${ms} ms after the query was sent\n`);
    assert.ok(ms < 1000, `the progress line took ${ms} ms:\n${shown}`);
    r.type('\x03');
    await r.waitFor(/Query terminated[\s\S]*eddy> /, from);
  } finally {
    r.kill();
  }
});

test('editing: up moves within a multi-line statement before the history, Ctrl-R finds, Ctrl-L clears', { skip, timeout: 120_000 }, async () => {
  const r = repl(server.server.url);
  try {
    await r.waitFor(/eddy> /, 0, STARTUP_MS);
    let from = r.mark();
    r.type('SHOW STRAEMS\r');
    await r.waitFor(/ {4}> /, from);
    await new Promise((res) => setTimeout(res, 150));
    from = r.mark();
    r.type('\x1b[A'); // up: back to line 1 of the statement, not the history
    await new Promise((res) => setTimeout(res, 150));
    r.type('\x05'); // Ctrl-E: end of line 1
    await new Promise((res) => setTimeout(res, 150));
    for (let i = 0; i < 7; i++) {
      r.type('\x7f'); // fix the typo on line 1, one key at a time (keys sent together arrive as a paste)
      await new Promise((res) => setTimeout(res, 40));
    }
    r.type('STREAMS');
    await new Promise((res) => setTimeout(res, 150));
    r.type('\x1b[B;\r'); // down to line 2, finish the statement
    const shown = await r.waitFor(/Stream Name[\s\S]*eddy> /, from);
    assert.match(shown, /eddy> SHOW STREAMS\n {4}> ;/, 'the edited statement ran as a whole');

    from = r.mark();
    r.type('\x12'); // Ctrl-R
    await new Promise((res) => setTimeout(res, 100));
    r.type('STREAMS');
    await r.waitFor(/reverse-i-search\)'STREAMS': SHOW STREAMS/, from);
    r.type('\r');
    await new Promise((res) => setTimeout(res, 150));
    from = r.mark();
    r.type('\r');
    await r.waitFor(/eddy> SHOW STREAMS\s*;?[\s\S]*Stream Name[\s\S]*eddy> /, from);

    const raw = r.rawMark();
    r.type('\x0c'); // Ctrl-L
    await new Promise((res) => setTimeout(res, 200));
    assert.ok(r.rawText(raw).includes('\x1b[2J'), 'the screen was cleared');
  } finally {
    r.kill();
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test('connection state: a lost server is reported with reconnection; the host REPL warns before exiting under other clients', { skip, timeout: 90_000 }, async () => {
  const port = await freePort();
  const cwd = mkdtempSync(join(tmpdir(), 'eddy-host-'));
  const host = new PtySession(`${process.execPath} --import ${import.meta.resolve('tsx')} ${join(process.cwd(), 'cli', 'eddy.ts')} --embedded http://127.0.0.1:${port}`, { HOME: cwd, EDDY_HISTORY_FILE: join(cwd, 'h') }, cwd, COLUMNS, 40);
  let guest: PtySession | undefined;
  try {
    await host.waitFor(/started an embedded Eddy server[\s\S]*eddy> /, 0, STARTUP_MS);
    guest = repl(`http://127.0.0.1:${port}`);
    await guest.waitFor(/Server Status: RUNNING[\s\S]*eddy> /, 0, STARTUP_MS);
    await new Promise((res) => setTimeout(res, 1500)); // a heartbeat or two

    let from = host.mark();
    host.type('exit\r');
    await host.waitFor(/WARNING: 1 other client is connected[\s\S]*again to leave anyway/, from);
    const guestFrom = guest.mark();
    const stopped = Date.now();
    host.type('exit\r');
    assert.equal(await host.exited, 0);
    await guest.waitFor(/Lost the connection to the server at http:\/\/127\.0\.0\.1:\d+[\s\S]*Reconnecting/, guestFrom, 5000);
    process.stdout.write(`# lost server reported ${Date.now() - stopped} ms after it stopped\n`);

    const back = await startEmbedded({ dataDir: join(cwd, 'again'), port, host: '127.0.0.1', config: {} });
    try {
      await guest.waitFor(/Reconnected to the server at/, guestFrom, 10000);
    } finally {
      guest.kill();
      await back.close();
    }
  } finally {
    host.kill();
    guest?.kill();
    rmSync(cwd, { recursive: true, force: true });
  }
});
