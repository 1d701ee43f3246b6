// Runs the walkthrough of docs/connectors.md: its SQL blocks in order (the DEFINEs pointed at
// this test's PostgreSQL), then checks PostgreSQL holds the rows the page shows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Engine } from '../../src/engine/engine.js';
import { eventually, freshDatabase, postgresService } from './services.js';

const service = postgresService();
after(() => service.stop());

const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'connectors.md'), 'utf8');
const walkthrough = page.slice(page.indexOf('## Walkthrough'));

test('the walkthrough of docs/connectors.md', { skip: service.skip }, async () => {
  const db = await freshDatabase(service.url);
  const blocks = [...walkthrough.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 3, 'the walkthrough has its SQL blocks');
  const sql = blocks
    .join('\n')
    .replace(/DEFINE pg_url = '[^']*';/, `DEFINE pg_url = '${db.jdbc}';`)
    .replace(/DEFINE pg_user = '[^']*';/, `DEFINE pg_user = '${db.user}';`);
  const shown = /```\neddy=# (SELECT[^\n]*)\n[^\n]*\n-+[-+]*\n([\s\S]*?)```/.exec(walkthrough);
  assert.ok(shown, 'the walkthrough shows a psql query and its rows');
  const expected = shown[2]!.trim().split('\n').map((l) => l.split('|').map((c) => c.trim()));

  const dir = mkdtempSync(join(tmpdir(), 'eddy-walkthrough-'));
  const engine = await Engine.open({ dataDir: dir });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await engine.execute(sql, { properties: {}, variables: {} });
    const rows = await eventually('the rows the page shows', async () => {
      const r = await client.query({ text: shown[1]!.replace(/;$/, ''), rowMode: 'array' }).catch(() => undefined);
      const got = r?.rows.map((row) => row.map(String));
      return got && JSON.stringify(got) === JSON.stringify(expected) ? got : undefined;
    });
    assert.deepEqual(rows, expected);
    const [d] = (await engine.execute('DESCRIBE CONNECTOR spend_pg;', { properties: {}, variables: {} })) as any[];
    assert.equal(d.status.connector.state, 'RUNNING');
  } finally {
    await engine.close();
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
});
