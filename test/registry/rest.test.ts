// The embedded registry's REST API against Confluent's shapes, status codes, error codes and
// content type, over real HTTP on 127.0.0.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistryServer } from '../../src/registry/server.js';
import { SchemaStore } from '../../src/registry/store.js';

const CT = 'application/vnd.schemaregistry.v1+json';
const V1 = JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'id', type: 'long' }] });
const V2 = JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'id', type: 'long' }, { name: 'name', type: 'string', default: '' }] });
const BAD = JSON.stringify({ type: 'record', name: 'User', fields: [{ name: 'id', type: 'string' }] });

async function withRegistry(body: (call: (method: string, path: string, json?: unknown) => Promise<{ status: number; body: any; type: string }>) => Promise<void>, auth?: string) {
  const server = await startRegistryServer(new SchemaStore(), { port: 0, ...(auth ? { basicAuth: auth } : {}) });
  try {
    await body(async (method, path, json) => {
      const res = await fetch(server.url + path, {
        method,
        headers: { 'Content-Type': CT, ...(auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
        signal: AbortSignal.timeout(10000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // raw schema text
      }
      return { status: res.status, body: parsed, type: res.headers.get('content-type') ?? '' };
    });
  } finally {
    await server.close();
  }
}

test('subjects, versions, ids and lookup answer in Confluent shapes', { timeout: 30000 }, () =>
  withRegistry(async (call) => {
    assert.deepEqual((await call('GET', '/subjects')).body, []);
    assert.deepEqual((await call('GET', '/schemas/types')).body, ['JSON', 'PROTOBUF', 'AVRO']);
    const r1 = await call('POST', '/subjects/users-value/versions', { schema: V1 });
    assert.equal(r1.status, 200);
    assert.ok(r1.type.startsWith(CT));
    assert.deepEqual(r1.body, { id: 1 });
    assert.deepEqual((await call('POST', '/subjects/users-value/versions', { schema: V1 })).body, { id: 1 }, 'same schema, same id');
    assert.deepEqual((await call('POST', '/subjects/other-value/versions', { schema: V1 })).body, { id: 1 }, 'ids are global by content');
    assert.deepEqual((await call('POST', '/subjects/users-value/versions', { schema: V2 })).body, { id: 2 });
    assert.deepEqual((await call('GET', '/subjects')).body, ['other-value', 'users-value']);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions')).body, [1, 2]);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions/latest')).body, { subject: 'users-value', version: 2, id: 2, schema: V2 });
    assert.equal((await call('GET', '/subjects/users-value/versions/1/schema')).body.name, 'User');
    assert.deepEqual((await call('GET', '/schemas/ids/2')).body, { schema: V2 });
    assert.deepEqual((await call('GET', '/schemas/ids/1/versions')).body, [
      { subject: 'other-value', version: 1 },
      { subject: 'users-value', version: 1 },
    ]);
    assert.deepEqual((await call('POST', '/subjects/users-value', { schema: V1 })).body, { subject: 'users-value', version: 1, id: 1, schema: V1 });
    const proto = 'syntax = "proto3";\nmessage M { string a = 1; }\n';
    const p = await call('POST', '/subjects/p-value/versions', { schemaType: 'PROTOBUF', schema: proto });
    assert.deepEqual((await call('GET', `/schemas/ids/${p.body.id}`)).body, { schemaType: 'PROTOBUF', schema: proto });
  }));

test('errors carry Confluent status and error codes', { timeout: 30000 }, () =>
  withRegistry(async (call) => {
    let r = await call('GET', '/subjects/none/versions');
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error_code: 40401, message: "Subject 'none' not found." });
    await call('POST', '/subjects/s/versions', { schema: V1 });
    r = await call('GET', '/subjects/s/versions/7');
    assert.deepEqual([r.status, r.body.error_code], [404, 40402]);
    r = await call('GET', '/schemas/ids/99');
    assert.deepEqual([r.status, r.body], [404, { error_code: 40403, message: 'Schema 99 not found' }]);
    r = await call('POST', '/subjects/s', { schema: V2 });
    assert.deepEqual([r.status, r.body.error_code], [404, 40403]);
    r = await call('GET', '/subjects/s/versions/abc');
    assert.deepEqual([r.status, r.body.error_code], [422, 42202]);
    r = await call('POST', '/subjects/s/versions', { schema: '{"type":"nope"}' });
    assert.deepEqual([r.status, r.body.error_code], [422, 42201]);
    r = await call('PUT', '/config', { compatibility: 'SIDEWAYS' });
    assert.deepEqual([r.status, r.body.error_code], [422, 42203]);
    r = await call('POST', '/subjects/s/versions', { schema: BAD });
    assert.equal(r.status, 409);
    assert.equal(r.body.error_code, 409);
    assert.match(r.body.message, /^Schema being registered is incompatible with an earlier schema for subject "s", details: \[\{errorType:'TYPE_MISMATCH'/);
    assert.match(r.body.message, /reader type: STRING not compatible with writer type: LONG/);
    r = await call('GET', '/config/s');
    assert.deepEqual([r.status, r.body.error_code], [404, 40408]);
  }));

test('config, compatibility checks, mode, soft and hard deletes', { timeout: 30000 }, () =>
  withRegistry(async (call) => {
    assert.deepEqual((await call('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    await call('POST', '/subjects/s/versions', { schema: V1 });
    let r = await call('POST', '/compatibility/subjects/s/versions/latest?verbose=true', { schema: BAD });
    assert.equal(r.body.is_compatible, false);
    assert.match(r.body.messages[0], /TYPE_MISMATCH/);
    assert.deepEqual((await call('POST', '/compatibility/subjects/s/versions/1', { schema: V2 })).body, { is_compatible: true });
    assert.deepEqual((await call('PUT', '/config/s', { compatibility: 'none' })).body, { compatibility: 'NONE' });
    assert.deepEqual((await call('GET', '/config/s')).body, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await call('POST', '/subjects/s/versions', { schema: BAD })).body, { id: 2 });
    assert.deepEqual((await call('DELETE', '/config/s')).body, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await call('GET', '/mode')).body, { mode: 'READWRITE' });
    assert.deepEqual((await call('PUT', '/mode/s', { mode: 'READONLY' })).body, { mode: 'READONLY' });
    r = await call('POST', '/subjects/s/versions', { schema: V2 });
    assert.deepEqual([r.status, r.body.error_code], [422, 42205]);
    await call('DELETE', '/mode/s');
    r = await call('DELETE', '/subjects/s?permanent=true');
    assert.deepEqual([r.status, r.body.error_code], [404, 40405]);
    assert.deepEqual((await call('DELETE', '/subjects/s/versions/2')).body, 2);
    assert.deepEqual((await call('GET', '/subjects/s/versions')).body, [1]);
    assert.deepEqual((await call('GET', '/subjects/s/versions?deleted=true')).body, [1, 2]);
    assert.deepEqual((await call('DELETE', '/subjects/s')).body, [1]);
    assert.deepEqual((await call('GET', '/subjects')).body, []);
    assert.deepEqual((await call('GET', '/subjects?deleted=true')).body, ['s']);
    assert.deepEqual((await call('DELETE', '/subjects/s?permanent=true')).body, [1, 2]);
    assert.deepEqual((await call('GET', '/subjects?deleted=true')).body, []);
    assert.deepEqual((await call('POST', '/subjects/s/versions', { schema: V2 })).body, { id: 3 }, 'a new schema gets a new id; ids are not reused');
  }));

test('references resolve through subjects and block deleting what they name', { timeout: 30000 }, () =>
  withRegistry(async (call) => {
    const dep = 'syntax = "proto3";\npackage dep;\nmessage D { string x = 1; }\n';
    const main = 'syntax = "proto3";\nimport "dep.proto";\nmessage M { dep.D d = 1; }\n';
    const d = await call('POST', '/subjects/dep.proto/versions', { schemaType: 'PROTOBUF', schema: dep });
    const m = await call('POST', '/subjects/m-value/versions', { schemaType: 'PROTOBUF', schema: main, references: [{ name: 'dep.proto', subject: 'dep.proto', version: 1 }] });
    assert.equal(m.status, 200, JSON.stringify(m.body));
    assert.deepEqual((await call('GET', '/subjects/dep.proto/versions/1/referencedby')).body, [m.body.id]);
    assert.deepEqual((await call('GET', `/schemas/ids/${m.body.id}`)).body.references, [{ name: 'dep.proto', subject: 'dep.proto', version: 1 }]);
    const del = await call('DELETE', '/subjects/dep.proto');
    assert.deepEqual([del.status, del.body.error_code], [422, 42206]);
    assert.ok(d.body.id < m.body.id);
  }));

test('basic auth: a request without the credentials gets 401', { timeout: 30000 }, async () => {
  const server = await startRegistryServer(new SchemaStore(), { port: 0, basicAuth: 'eddy:secret' });
  try {
    const res = await fetch(`${server.url}/subjects`, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 401);
    const ok = await fetch(`${server.url}/subjects`, { headers: { Authorization: `Basic ${Buffer.from('eddy:secret').toString('base64')}` }, signal: AbortSignal.timeout(5000) });
    assert.equal(ok.status, 200);
  } finally {
    await server.close();
  }
});
