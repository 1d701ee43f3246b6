// ksqlDB's leniency on REST identifiers, against a real engine: an /inserts-stream target
// names its source in any case (unquoted), or exactly when quoted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedServer } from '../../cli/embedded.js';

let dir: string;
let server: EmbeddedServer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-rest-leniency-'));
  server = await startEmbedded({ dataDir: dir, port: 0, host: '127.0.0.1', config: {} });
  await server.engine.execute(
    "CREATE STREAM riderLocations (profileId VARCHAR, latitude DOUBLE) WITH (kafka_topic='locations', value_format='json', partitions=1);",
    { properties: {}, variables: {} },
  );
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function insert(target: string): Promise<string> {
  const res = await fetch(new URL('/inserts-stream', server.server.url), {
    method: 'POST',
    body: `${JSON.stringify({ target })}\n${JSON.stringify({ PROFILEID: 'c2309eec', LATITUDE: 37.7877 })}\n`,
  });
  assert.equal(res.status, 200);
  return res.text();
}

test('/inserts-stream accepts the source name in any case', async () => {
  for (const target of ['riderLocations', 'RIDERLOCATIONS', 'riderlocations', '`RIDERLOCATIONS`']) {
    assert.equal((await insert(target)).trim(), '{"status":"ok","seq":0}', target);
  }
  const wrong = JSON.parse(await insert('`riderLocations`')) as { status: string; message: string };
  assert.equal(wrong.status, 'error');
  assert.match(wrong.message, /unknown stream\/table/);
});
