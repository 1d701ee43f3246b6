import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import type { RequestContext } from '../../src/engine/api.js';

const NEW_PLANNER = { 'ksql.new.query.planner.enabled': 'true' };
const ctx = (properties: Record<string, unknown> = NEW_PLANNER): RequestContext => ({ properties, variables: {} });

async function withEngine(fn: (e: Engine) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-new-planner-'));
  const engine = await Engine.open({ dataDir: dir });
  try {
    await engine.execute("CREATE STREAM input (id INT KEY, age INT KEY, name STRING) WITH (kafka_topic='in', format='JSON', partitions=1);", ctx({}));
    await fn(engine);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('new planner: key columns follow the select order and may be left out', async () => {
  await withEngine(async (e) => {
    await e.execute('CREATE STREAM reordered AS SELECT age, id, name FROM input;', ctx());
    assert.deepEqual(e.catalog.getSource('REORDERED')!.schema.key.map((c) => c.name), ['AGE', 'ID']);
    await e.execute('CREATE STREAM keyless AS SELECT name FROM input;', ctx());
    const keyless = e.catalog.getSource('KEYLESS')!;
    assert.deepEqual(keyless.schema.key, []);
    assert.deepEqual(keyless.schema.value.map((c) => c.name), ['NAME']);
    // The default planner still needs every key.
    await assert.rejects(e.execute('CREATE STREAM old AS SELECT name FROM input;', ctx({})), /must include the key columns ID and AGE/);
  });
});

test('new planner: shapes it cannot plan are refused with the setting to change', async () => {
  await withEngine(async (e) => {
    await e.execute("CREATE TABLE t (id INT PRIMARY KEY, v STRING) WITH (kafka_topic='t', format='JSON', partitions=1);", ctx({}));
    for (const [sql, message] of [
      ["CREATE STREAM a AS SELECT id, name FROM input WHERE name = 'x';", 'New query planner does not support WHERE.'],
      ['CREATE STREAM b AS SELECT id, name FROM input PARTITION BY name;', 'New query planner does not support PARTITION BY.'],
      ['CREATE STREAM c AS SELECT id, age, UCASE(name) AS n FROM input;', 'only support column references'],
      ['CREATE TABLE d AS SELECT id, v FROM t;', 'Input TABLES are not supported by the new planner.'],
    ] as const) {
      await assert.rejects(e.execute(sql, ctx()), (err: Error) => err.message.includes(message) && err.message.includes('ksql.new.query.planner.enabled=false'), sql);
    }
  });
});
