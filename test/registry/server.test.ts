// `eddy server` with no configuration serves the embedded Schema Registry: AVRO, PROTOBUF and
// JSON_SR streams register their schemas there, a SIGKILL and restart keep every subject,
// version and id and every record readable, and with ksql.schema.registry.url naming another
// server's registry (behind basic auth) the schemas land there and not in its own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryGet, startEddy, until } from './eddy-process.js';

async function subjectsWithIds(registry: string, auth?: string): Promise<Record<string, { version: number; id: number }[]>> {
  const out: Record<string, { version: number; id: number }[]> = {};
  for (const s of (await registryGet(registry, '/subjects', auth)).body as string[]) {
    const versions = (await registryGet(registry, `/subjects/${encodeURIComponent(s)}/versions`, auth)).body as number[];
    out[s] = [];
    for (const v of versions) out[s].push({ version: v, id: (await registryGet(registry, `/subjects/${encodeURIComponent(s)}/versions/${v}`, auth)).body.id });
  }
  return out;
}

const ROWS = [
  [1, 'ann', 1.5],
  [2, 'bob', 2.5],
  [3, 'cy', 3.5],
];

test('SR formats need no configuration, and survive SIGKILL with the same subjects, versions and ids', { timeout: 240_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-sr-'));
  const dataDir = join(root, 'data');
  let eddy = await startEddy(dataDir);
  try {
    assert.ok(eddy.registry, eddy.stdout());
    await eddy.ksql(`CREATE STREAM users (id INT KEY, name STRING, score DOUBLE) WITH (KAFKA_TOPIC='users', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);`);
    for (const [id, name, score] of ROWS) await eddy.ksql(`INSERT INTO users (id, name, score) VALUES (${id}, '${name}', ${score});`);
    await eddy.ksql(`CREATE STREAM users_pb WITH (KAFKA_TOPIC='users_pb', VALUE_FORMAT='PROTOBUF') AS SELECT * FROM users;`, { 'auto.offset.reset': 'earliest' });
    await eddy.ksql(`CREATE STREAM users_js WITH (KAFKA_TOPIC='users_js', VALUE_FORMAT='JSON_SR') AS SELECT * FROM users;`, { 'auto.offset.reset': 'earliest' });
    const read = async () => ({
      avro: await eddy.rows(`SELECT id, name, score FROM users EMIT CHANGES LIMIT 3;`),
      pb: await eddy.rows(`SELECT id, name, score FROM users_pb EMIT CHANGES LIMIT 3;`),
      js: await eddy.rows(`SELECT id, name, score FROM users_js EMIT CHANGES LIMIT 3;`),
    });
    const before = await read();
    const sort = (r: unknown[][]) => [...r].sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(sort(before.avro), ROWS);
    assert.deepEqual(sort(before.pb), ROWS);
    assert.deepEqual(sort(before.js), ROWS);
    const subjects = await subjectsWithIds(eddy.registry!);
    assert.deepEqual(Object.keys(subjects).sort(), ['users-key', 'users-value', 'users_js-value', 'users_pb-key', 'users_pb-value', 'users_js-key'].filter((s) => s in subjects).sort());
    for (const s of ['users-key', 'users-value', 'users_pb-value', 'users_js-value']) assert.ok(subjects[s], `subject ${s} in ${JSON.stringify(subjects)}`);
    const ids = Object.values(subjects).flat().map((v) => v.id);
    assert.equal(subjects['users-key']![0]!.id, subjects['users_pb-key']?.[0]?.id ?? subjects['users-key']![0]!.id, 'one schema, one id across subjects');
    assert.notEqual(subjects['users-value']![0]!.id, subjects['users_pb-value']![0]!.id);
    const types = (await registryGet(eddy.registry!, `/schemas/ids/${subjects['users_js-value']![0]!.id}`)).body;
    assert.equal(types.schemaType, 'JSON', 'JSON_SR registered a JSON schema and writes its id');

    // PRINT decodes each SR format through the registry.
    for (const topic of ['users', 'users_pb', 'users_js']) {
      const printed = await eddy.queryText(`PRINT '${topic}' FROM BEGINNING LIMIT 3;`);
      assert.match(printed, /"NAME":"ann"|NAME: "ann"|"NAME": "ann"/, `${topic}: ${printed}`);
    }
    await eddy.kill('SIGKILL');
    eddy = await startEddy(dataDir);
    assert.deepEqual(await subjectsWithIds(eddy.registry!), subjects);
    const after = await read();
    assert.deepEqual(sort(after.avro), ROWS);
    assert.deepEqual(sort(after.pb), ROWS);
    assert.deepEqual(sort(after.js), ROWS);
    // A new schema after the restart takes a new id, never one already given.
    await eddy.ksql(`CREATE STREAM other (x BIGINT) WITH (KAFKA_TOPIC='other', VALUE_FORMAT='AVRO', PARTITIONS=1);`);
    await eddy.ksql(`INSERT INTO other (x) VALUES (7);`);
    const other = await until(async () => (await subjectsWithIds(eddy.registry!))['other-value'], 'other-value');
    assert.ok(other[0]!.id > Math.max(...ids));
  } finally {
    await eddy.kill();
    rmSync(root, { recursive: true, force: true });
  }
});

test('ksql.schema.registry.url with basic auth: schemas land in that registry, not in our own', { timeout: 240_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-sr-ext-'));
  const auth = 'eddy:s3cret';
  const registryServer = await startEddy(join(root, 'b'), { 'eddy.schema.registry.basic.auth.user.info': auth });
  let client: Awaited<ReturnType<typeof startEddy>> | undefined;
  try {
    assert.equal((await registryGet(registryServer.registry!, '/subjects')).status, 401);
    client = await startEddy(join(root, 'a'), {
      'ksql.schema.registry.url': `http://127.0.0.1:1,${registryServer.registry!}`,
      'ksql.schema.registry.basic.auth.credentials.source': 'USER_INFO',
      'ksql.schema.registry.basic.auth.user.info': auth,
    });
    assert.equal(client.registry, undefined, 'no embedded registry is served when an external one is configured');
    assert.match(client.stdout(), /No embedded schema registry: this server uses the one at/);
    await client.ksql(`CREATE STREAM ext (id INT, name STRING) WITH (KAFKA_TOPIC='ext', VALUE_FORMAT='AVRO', PARTITIONS=1);`);
    await client.ksql(`INSERT INTO ext (id, name) VALUES (1, 'one');`);
    await client.ksql(`CREATE STREAM ext_copy WITH (VALUE_FORMAT='PROTOBUF') AS SELECT * FROM ext;`, { 'auto.offset.reset': 'earliest' });
    assert.deepEqual(await client.rows(`SELECT id, name FROM ext_copy EMIT CHANGES LIMIT 1;`), [[1, 'one']]);
    const there = (await registryGet(registryServer.registry!, '/subjects', auth)).body as string[];
    assert.deepEqual(there.sort(), ['EXT_COPY-value', 'ext-value']);
    const topics = JSON.stringify(await client.ksql('SHOW ALL TOPICS;'));
    assert.doesNotMatch(topics, /"_schemas"/, 'the client keeps no registry of its own');
  } finally {
    await client?.kill();
    await registryServer.kill();
    rmSync(root, { recursive: true, force: true });
  }
});

test('an unreachable registry gives a clear error naming it', { timeout: 120_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'eddy-sr-down-'));
  const eddy = await startEddy(join(root, 'a'), { 'ksql.schema.registry.url': 'http://127.0.0.1:1' });
  try {
    // Declared columns are registered by the CREATE itself, so it is the statement that fails.
    await assert.rejects(
      eddy.ksql(`CREATE STREAM down (id INT) WITH (KAFKA_TOPIC='down', VALUE_FORMAT='AVRO', PARTITIONS=1);`),
      /Could not register schema for topic: The Schema Registry is not reachable \(http:\/\/127\.0\.0\.1:1: ECONNREFUSED.*Check that it is running and that ksql.schema.registry.url names it/,
    );
  } finally {
    await eddy.kill();
    rmSync(root, { recursive: true, force: true });
  }
});
