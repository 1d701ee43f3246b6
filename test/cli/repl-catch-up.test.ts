// The REPL in a pseudo-terminal: a CTAS started over a backlog shows a status line with how
// far it is behind while the prompt stays usable, and says once when it has caught up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';
import type { EmbeddedLog } from '../../src/log/embedded/index.js';
import { PtySession, hasScriptTool } from './pty.js';

const skip = !hasScriptTool() && 'needs util-linux script (apt-get install bsdutils)';
const STARTUP_MS = 60_000;
const BACKLOG = 600_000;
let dir: string;
let server: EmbeddedServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-repl-catch-up-'));
  server = await startEmbedded({ dataDir: join(dir, 'data'), port: 0, host: '127.0.0.1', config: {} });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a CTAS over a backlog shows how far it is behind under the prompt, then that it has caught up', { skip, timeout: 240_000 }, async () => {
  await server.engine.execute("CREATE STREAM visits (id INT KEY, page VARCHAR) WITH (kafka_topic='visits', value_format='JSON', partitions=1);", { properties: {}, variables: {} });
  const log = (server.engine as unknown as { log: EmbeddedLog }).log;
  for (let i = 0; i < BACKLOG; i += 20_000) {
    await log.produce('visits', Array.from({ length: 20_000 }, (_, j) => ({ key: null, value: Buffer.from(`{"PAGE":"p${(i + j) % 100}"}`) })));
  }
  const r = new PtySession(`${process.execPath} --import tsx cli/eddy.ts ${server.server.url}`, { HOME: dir, EDDY_HISTORY_FILE: join(dir, 'history') }, process.cwd(), 100, 40);
  try {
    await r.waitFor(/eddy> /, 0, STARTUP_MS);
    r.type("SET 'auto.offset.reset' = 'earliest';\r");
    await r.waitFor(/Successfully changed/, 0);
    const from = r.mark();
    r.type('CREATE TABLE page_counts AS SELECT page, COUNT(*) AS n FROM visits GROUP BY page;\r');
    const behind = await r.waitFor(/CTAS_PAGE_COUNTS_\d+ catching up: [\d,]+ records behind, [\d,]+ processed \([\d,]+ records\/s\)/, from, 30_000);
    assert.ok(behind.length > 0);
    // The prompt works meanwhile.
    r.type('SHOW STREAMS;\r');
    await r.waitFor(/VISITS/, from, 20_000);
    await r.waitFor(/CTAS_PAGE_COUNTS_\d+ has caught up: 600,000 records processed in [\d.]+ s\./, from, 180_000);
  } finally {
    r.kill();
  }
});
