// Sliding- and count-windowed keys in every key format: a windowed table written with
// KEY_FORMAT=<f> is read back through a source declared over its topic with the matching
// WINDOW_TYPE, and the rows, keys and window bounds come back as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SelectStatement } from '../../src/parser/ast.js';
import type { FormatName } from '../../src/serde/serde.js';
import { BIGINT, INTEGER, STRING, col, collect, makeEnv, parse, produce, register, removeDir, run, source } from './helpers.js';

const FORMATS = ['KAFKA', 'JSON', 'DELIMITED', 'AVRO', 'PROTOBUF', 'JSON_SR'];

for (const format of FORMATS) {
  test(`sliding and count windows with KEY_FORMAT='${format}' read back through a windowed source`, async () => {
    const env = await makeEnv();
    try {
      await register(env, source('S', 'STREAM', [col('ID', STRING, 'KEY'), col('V', INTEGER)]));
      run(env, `CREATE TABLE SL WITH (KEY_FORMAT='${format}') AS SELECT ID, COUNT(*) AS N FROM S WINDOW SLIDING (SIZE 10 MILLISECONDS) GROUP BY ID;`, 'CTAS_SL_0');
      run(env, `CREATE TABLE CO WITH (KEY_FORMAT='${format}') AS SELECT ID, COUNT(*) AS N FROM S WINDOW COUNT (SIZE 2) GROUP BY ID;`, 'CTAS_CO_0');
      await produce(env, 's', [
        { key: 'a', value: { V: 1 }, timestamp: 100 },
        { key: 'a', value: { V: 2 }, timestamp: 105 },
      ]);
      await env.service.drain();
      const columns = [col('ID', STRING, 'KEY'), col('N', BIGINT)];
      const keyFormat = (window: { type: 'HOPPING' | 'SESSION'; sizeMs?: number }) => ({ ...env.catalog.getSource('SL')!.keyFormat, format: format as FormatName, window });
      env.catalog.putSource(source('SL_READ', 'STREAM', columns, { topic: 'SL', keyFormat: keyFormat({ type: 'HOPPING', sizeMs: 10 }) }));
      env.catalog.putSource(source('CO_READ', 'STREAM', columns, { topic: 'CO', keyFormat: keyFormat({ type: 'SESSION' }) }));
      const read = async (sql: string) => {
        const q = await env.service.runTransient(parse<SelectStatement>(sql), env.ctx);
        return (await collect(q.items)).filter((i): i is { row: unknown[] } => 'row' in i).map((i) => i.row);
      };
      // 100: [90, 100]; 105: [95, 105], and [90, 100] does not hold it.
      assert.deepEqual(await read('SELECT ID, WINDOWSTART, WINDOWEND, N FROM SL_READ EMIT CHANGES LIMIT 2;'), [
        ['a', 90, 100, 1],
        ['a', 95, 105, 2],
      ]);
      // One window: opened at 100, then moved to [100, 105] (a tombstone for [100, 100] between).
      const co = await read('SELECT ID, WINDOWSTART, WINDOWEND, N FROM CO_READ EMIT CHANGES LIMIT 2;');
      assert.deepEqual(co, [
        ['a', 100, 100, 1],
        ['a', 100, 105, 2],
      ]);
    } finally {
      await env.close();
      removeDir(env.dir);
    }
  });
}
