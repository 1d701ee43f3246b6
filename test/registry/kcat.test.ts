// kcat reads Eddy's AVRO output: with an Avro-enabled kcat, `-s value=avro -r <registry>`
// decodes it through the embedded registry. Debian's kcat 1.7.1 is built without Avro
// ("This build of kcat lacks Avro/Schema-Registry support"); then the test reads the raw
// value bytes with kcat and checks they are Confluent's wire format whose schema id the
// registry serves and whose body that schema decodes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { missingTool } from '../broker/helpers.js';
import { registryGet, startEddy } from './eddy-process.js';

const missing = missingTool('kcat', ['-V'], 'apt-get install kcat');
const skip = missing && process.env.CI !== 'true' ? missing : false;
const avroBuild = !missing && /avro/i.test(spawnSync('kcat', ['-V'], { encoding: 'utf8' }).stdout);

function kcatRaw(bootstrap: string, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat timed out: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

test('kcat reads Eddy AVRO output through the embedded registry', { skip, timeout: 180_000 }, async () => {
  assert.equal(missing, undefined, missing);
  const root = mkdtempSync(join(tmpdir(), 'eddy-kcat-sr-'));
  const eddy = await startEddy(join(root, 'data'));
  try {
    await eddy.ksql(`CREATE STREAM src (id INT, name STRING) WITH (KAFKA_TOPIC='src', VALUE_FORMAT='JSON', PARTITIONS=1);`);
    await eddy.ksql(`INSERT INTO src (id, name) VALUES (42, 'answer');`);
    await eddy.ksql(`CREATE STREAM out_avro WITH (KAFKA_TOPIC='out_avro', VALUE_FORMAT='AVRO') AS SELECT * FROM src;`, { 'auto.offset.reset': 'earliest' });
    await eddy.rows(`SELECT * FROM out_avro EMIT CHANGES LIMIT 1;`);
    if (avroBuild) {
      const r = await kcatRaw(eddy.broker!, ['-C', '-t', 'out_avro', '-o', 'beginning', '-c', '1', '-e', '-s', 'value=avro', '-r', eddy.registry!]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout.toString('utf8')), { ID: { int: 42 }, NAME: { string: 'answer' } });
      return;
    }
    const probe = await kcatRaw(eddy.broker!, ['-C', '-t', 'out_avro', '-o', 'beginning', '-c', '1', '-e', '-s', 'value=avro', '-r', eddy.registry!]);
    assert.match(probe.stderr, /lacks Avro/, 'a kcat without Avro says so');
    const r = await kcatRaw(eddy.broker!, ['-C', '-t', 'out_avro', '-o', 'beginning', '-c', '1', '-e', '-f', '%s']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout[0], 0, 'magic byte');
    const id = r.stdout.readInt32BE(1);
    const schema = (await registryGet(eddy.registry!, `/schemas/ids/${id}`)).body.schema as string;
    const value = avro.Type.forSchema(JSON.parse(schema) as avro.Schema).fromBuffer(r.stdout.subarray(5)) as Record<string, unknown>;
    assert.deepEqual({ ...value }, { ID: 42, NAME: 'answer' });
  } finally {
    await eddy.kill();
    rmSync(root, { recursive: true, force: true });
  }
});
