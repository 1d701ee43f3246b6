import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSchema } from '../../src/common/types.js';
import type { CreateAsSelect, InsertInto } from '../../src/parser/ast.js';
import { BIGINT, INTEGER, STRING, col, makeEnv, parse, register, removeDir, source } from './helpers.js';

async function withEnv(fn: (env: Awaited<ReturnType<typeof makeEnv>>) => Promise<void> | void): Promise<void> {
  const env = await makeEnv();
  try {
    await register(env, source('INPUT', 'STREAM', [col('ID', INTEGER, 'KEY'), col('NAME', STRING), col('AGE', INTEGER)]), 4);
    await register(env, source('T', 'TABLE', [col('K', STRING, 'KEY'), col('V', BIGINT), col('ARR', { base: 'ARRAY', item: BIGINT })]));
    await fn(env);
  } finally {
    await env.close();
    removeDir(env.dir);
  }
}

function plan(env: Awaited<ReturnType<typeof makeEnv>>, sql: string) {
  return env.service.planPersistent(parse<CreateAsSelect | InsertInto>(sql), 'CSAS_OUTPUT_0', env.ctx);
}

test('projection rules for persistent queries use ksqlDB error texts', async () => {
  await withEnv((env) => {
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT NAME FROM INPUT;'), {
      message: 'The query used to build `OUTPUT` must include the key column ID in its projection (eg, SELECT ID...).',
    });
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT ID FROM INPUT;'), { message: 'The projection contains no value columns.' });
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT ID, ID AS ID2, NAME FROM INPUT;'), {
      message: 'The projection contains a key column (`ID`) more than once, aliased as: ID and ID2.',
    });
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT ID, ROWOFFSET FROM INPUT;'), {
      message: 'Reserved column name in select: `ROWOFFSET`. Please remove or alias the column.',
    });
    assert.throws(() => plan(env, 'CREATE TABLE OUTPUT AS SELECT * FROM INPUT;'), {
      message: 'Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.',
    });
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT * FROM T;'), {
      message: 'Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.',
    });
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT * FROM NOPE;'), /Source `NOPE` does not exist/);
    if (env.ctx.functions.kindOf('EXPLODE') === 'TABLE') {
      assert.throws(() => plan(env, 'CREATE TABLE OUTPUT AS SELECT K, EXPLODE(ARR) AS X FROM T;'), {
        message: 'Table source is not supported with table functions',
      });
    }
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT ID, NAME FROM INPUT LIMIT 2;'), {
      message: "CREATE STREAM AS SELECT statements don't support LIMIT clause.",
    });
  });
});

test('naming, star expansion and sink properties', async () => {
  await withEnv((env) => {
    const p = plan(env, "CREATE STREAM OutPut WITH (VALUE_FORMAT='DELIMITED') AS SELECT *, ABS(AGE), ID FROM INPUT PARTITION BY NAME;");
    assert.equal(formatSchema(p.sink.schema), '`NAME` STRING KEY, `AGE` INTEGER, `ID` INTEGER, `KSQL_COL_0` INTEGER, `ID_1` INTEGER');
    assert.equal(p.sink.topic, 'OUTPUT');
    assert.equal(p.sink.valueFormat.format, 'DELIMITED');
    assert.equal(p.sink.keyFormat.format, 'KAFKA');
    assert.equal(p.sinkTopic.partitions, 4, 'partitions are inherited from the source topic');
    assert.match(p.explain, /Physical plan:/);
    assert.match(p.explain, /PARTITION_BY/);

    const byNull = plan(env, 'CREATE STREAM OUTPUT AS SELECT ID, NAME FROM INPUT PARTITION BY NULL;');
    assert.equal(byNull.sink.keyFormat.format, 'NONE');
    assert.equal(formatSchema(byNull.sink.schema), '`ID` INTEGER, `NAME` STRING');

    const expr = plan(env, 'CREATE STREAM OUTPUT AS SELECT NAME, ID, ABS(ID) FROM INPUT PARTITION BY ABS(ID);');
    assert.equal(formatSchema(expr.sink.schema), '`KSQL_COL_0` INTEGER KEY, `NAME` STRING, `ID` INTEGER');

    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT ID, AGE, NAME AS something FROM INPUT PARTITION BY something;'), {
      message: "PARTITION BY column 'SOMETHING' cannot be resolved. 'SOMETHING' must be a column in the source schema since PARTITION BY is applied on the input.",
    });
    assert.throws(() => plan(env, 'CREATE STREAM OUTPUT AS SELECT ID, AGE, NAME FROM INPUT PARTITION BY ID, AGE;'), (e: Error) =>
      e.message.includes("The 'KAFKA' format only supports a single field. Got: [`ID` INTEGER KEY, `AGE` INTEGER KEY]"),
    );
    const topic = plan(env, "CREATE STREAM OUTPUT WITH (KAFKA_TOPIC='Fred', PARTITIONS=2, TIMESTAMP='ts') AS SELECT *, ROWTIME AS TS FROM INPUT;");
    assert.equal(topic.sink.topic, 'Fred');
    assert.equal(topic.sinkTopic.partitions, 2);
    assert.deepEqual(topic.sink.timestamp, { column: 'TS' });
    assert.throws(() => plan(env, "CREATE STREAM OUTPUT WITH (TIMESTAMP='age') AS SELECT * FROM INPUT;"), /should be LONG\(INT64\), TIMESTAMP/);
  });
});

test('INSERT INTO checks the result schema against the sink', async () => {
  await withEnv(async (env) => {
    await register(env, source('OTHER', 'STREAM', [col('ID', INTEGER, 'KEY'), col('NAME', STRING)]));
    assert.throws(() => plan(env, 'INSERT INTO OTHER SELECT * FROM INPUT;'), (e: Error) =>
      e.message.includes('Incompatible schema between results and sink') &&
      e.message.includes('Result schema is `ID` INTEGER KEY, `NAME` STRING, `AGE` INTEGER\nSink schema is `ID` INTEGER KEY, `NAME` STRING'),
    );
    const ok = plan(env, 'INSERT INTO OTHER SELECT ID, NAME FROM INPUT;');
    assert.equal(ok.sink.name, 'OTHER');
    assert.throws(() => plan(env, 'INSERT INTO T SELECT * FROM T;'), { message: 'INSERT INTO can only be used to insert into a stream. T is a table.' });
  });
});
