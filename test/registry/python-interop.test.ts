// Interop with Python's confluent-kafka (from PyPI, in the venv scripts/python-venv makes):
// its AvroSerializer, ProtobufSerializer and JSONSerializer write to `eddy server`'s embedded
// broker and registry; Eddy declares streams from the registered schemas (no column list),
// copies each into AVRO with a CSAS, and confluent-kafka's AvroDeserializer reads Eddy's
// output with the same field values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEddy } from './eddy-process.js';

const VENV = process.env.EDDY_PY_VENV ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'eddy', 'python-venv');
const PY = join(VENV, 'bin', 'python');
const SCRIPT = join(import.meta.dirname, 'python', 'sr_interop.py');

function venvReady(): boolean {
  return existsSync(PY);
}

const skip = !venvReady()
  ? process.env.CI === 'true'
    ? false
    : `no Python venv with confluent-kafka at ${VENV}: run scripts/python-venv to create it`
  : false;

function python(args: string[], timeoutMs = 90_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(PY, [SCRIPT, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`python ${args[0]} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const ROWS = [
  { id: 1, name: 'ann', score: 1.5 },
  { id: 2, name: 'bob', score: 2.5 },
  { id: 3, name: 'cy', score: 3.5 },
];

function lowerKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}

test('confluent-kafka serializers → Eddy streams from registered schemas → AVRO → AvroDeserializer', { skip, timeout: 300_000 }, async () => {
  assert.ok(existsSync(PY), `CI: the venv ${VENV} is missing (scripts/python-venv makes it)`);
  const root = mkdtempSync(join(tmpdir(), 'eddy-py-sr-'));
  const eddy = await startEddy(join(root, 'data'));
  try {
    const produced = JSON.parse(await python(['produce', eddy.broker!, eddy.registry!])) as { unflushed: number; subjects: string[] };
    assert.equal(produced.unflushed, 0);
    assert.deepEqual(produced.subjects, ['py_avro-value', 'py_json-value', 'py_proto-value']);
    for (const [topic, format] of [
      ['py_avro', 'AVRO'],
      ['py_proto', 'PROTOBUF'],
      ['py_json', 'JSON_SR'],
    ] as const) {
      await eddy.ksql(`CREATE STREAM ${topic} WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='${format}');`);
      const described = await eddy.ksql(`DESCRIBE ${topic};`);
      const fields = (described[0].sourceDescription.fields as { name: string }[]).map((f) => f.name);
      assert.deepEqual(fields, ['ID', 'NAME', 'SCORE'], `${topic} columns from its registered schema`);
      await eddy.ksql(`CREATE STREAM ${topic}_out WITH (KAFKA_TOPIC='${topic}_out', VALUE_FORMAT='AVRO') AS SELECT * FROM ${topic};`, { 'auto.offset.reset': 'earliest' });
    }
    for (const topic of ['py_avro_out', 'py_proto_out', 'py_json_out']) {
      const got = JSON.parse(await python(['consume', eddy.broker!, eddy.registry!, topic, '3'])) as Record<string, unknown>[];
      const values = got.map(lowerKeys).sort((a, b) => Number(a.id) - Number(b.id));
      assert.deepEqual(values, ROWS, `${topic} read by AvroDeserializer`);
    }
  } finally {
    await eddy.kill();
    rmSync(root, { recursive: true, force: true });
  }
});
