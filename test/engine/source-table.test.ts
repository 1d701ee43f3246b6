import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';

const ctx = { properties: {}, variables: {} };

async function pullRows(e: Engine, sql: string): Promise<unknown[]> {
  const stream = await e.query(sql, ctx);
  const rows: unknown[] = [];
  for await (const item of stream.items) if ('row' in item) rows.push(item.row);
  return rows;
}

test('CREATE SOURCE TABLE is materialized by a CST_ query, pull-queryable and survives a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-cst-'));
  try {
    let e = await Engine.open({ dataDir: dir });
    try {
      const [created] = await e.execute(
        `CREATE SOURCE TABLE users (id STRING PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', VALUE_FORMAT='JSON', PARTITIONS=1);`,
        ctx,
      );
      assert.equal(created!['@type'], 'currentStatus');
      const queries = e.catalog.listQueries().map((q) => q.id);
      assert.equal(queries.length, 1);
      assert.match(queries[0]!, /^CST_USERS_\d+$/);
      await e.log.produce('users', [
        { key: Buffer.from('u1'), value: Buffer.from('{"NAME":"ada"}') },
        { key: Buffer.from('u2'), value: Buffer.from('{"NAME":"bob"}') },
        { key: Buffer.from('u1'), value: Buffer.from('{"NAME":"ada l."}') },
        { key: Buffer.from('u2'), value: null },
      ]);
      await e.drain();
      assert.deepEqual(await pullRows(e, `SELECT * FROM users;`), [['u1', 'ada l.']]);
      assert.deepEqual(await pullRows(e, `SELECT name FROM users WHERE id = 'u1';`), [['ada l.']]);
      await assert.rejects(e.execute(`INSERT INTO users (id, name) VALUES ('u3', 'x');`, ctx), /read-only|source/i);
    } finally {
      await e.close();
    }

    e = await Engine.open({ dataDir: dir });
    try {
      await e.log.produce('users', [{ key: Buffer.from('u3'), value: Buffer.from('{"NAME":"cy"}') }]);
      await e.drain();
      assert.deepEqual(await pullRows(e, `SELECT * FROM users;`), [['u1', 'ada l.'], ['u3', 'cy']]);
      await e.execute(`DROP TABLE users;`, ctx);
      assert.deepEqual(e.catalog.listQueries(), []);
    } finally {
      await e.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
