// `eddy schema …` against the embedded registry's REST API on 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaCommand } from '../../cli/schema.js';
import { startRegistryServer } from '../../src/registry/server.js';
import { SchemaStore } from '../../src/registry/store.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await schemaCommand(args, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} });
  return { code, out, err };
}

test('eddy schema register, list, get, check and delete', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-schema-cli-'));
  const server = await startRegistryServer(new SchemaStore(), { port: 0 });
  const r = ['--registry', server.url];
  try {
    const v1 = join(dir, 'v1.avsc');
    const bad = join(dir, 'bad.avsc');
    writeFileSync(v1, JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'id', type: 'long' }] }));
    writeFileSync(bad, JSON.stringify({ type: 'record', name: 'U', fields: [{ name: 'id', type: 'string' }] }));
    assert.deepEqual(await run(['register', 'users-value', v1, ...r]), { code: 0, out: 'Registered under users-value with id 1.\n', err: '' });
    assert.equal((await run(['list', ...r])).out, 'users-value\tversion 1\tid 1\tAVRO\n');
    assert.match((await run(['get', 'users-value', ...r])).out, /^subject users-value, version 1, id 1, AVRO\n\{\n {2}"type": "record"/);
    assert.match((await run(['get', '--id', '1', ...r])).out, /"name": "U"/);
    const check = await run(['check', 'users-value', bad, ...r]);
    assert.equal(check.code, 1);
    assert.match(check.out, /^Incompatible with users-value:\n {2}\{errorType:'TYPE_MISMATCH'/);
    assert.equal((await run(['check', 'users-value', v1, ...r])).out, 'Compatible with users-value.\n');
    const rejected = await run(['register', 'users-value', bad, ...r]);
    assert.equal(rejected.code, 1);
    assert.match(rejected.err, /HTTP 409 \(error 409\): Schema being registered is incompatible/);
    assert.equal((await run(['delete', 'users-value', ...r])).out, 'Deleted (soft) users-value version(s) 1.\n');
    assert.equal((await run(['delete', 'users-value', '--permanent', ...r])).out, 'Deleted permanently users-value version(s) 1.\n');
    const missing = await run(['get', 'users-value', ...r]);
    assert.match(missing.err, /HTTP 404 \(error 40401\): Subject 'users-value' not found\./);
    const down = await run(['list', '--registry', 'http://127.0.0.1:1']);
    assert.equal(down.code, 1);
    assert.match(down.err, /No schema registry answered at http:\/\/127\.0\.0\.1:1/);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
