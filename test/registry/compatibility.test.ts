// Compatibility levels for Avro and Protobuf through the store's register path: each level
// accepts the changes it allows and rejects the others with a message naming the rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaStore } from '../../src/registry/store.js';
import { RegistryError } from '../../src/registry/errors.js';
import type { CompatibilityLevel, SchemaType } from '../../src/registry/types.js';

const avro = (fields: object[]) => JSON.stringify({ type: 'record', name: 'R', fields });
const A = { name: 'a', type: 'long' };
const B_DEFAULT = { name: 'b', type: 'string', default: 'x' };
const B_REQUIRED = { name: 'b', type: 'string' };

/** Registers `versions` in order under a level; returns the error message of the last one, or 'ok'. */
function attempt(type: SchemaType, level: CompatibilityLevel, versions: string[]): string {
  const store = new SchemaStore();
  store.setCompatibility('s', level);
  for (const [i, v] of versions.entries()) {
    try {
      store.register('s', { schema: v, schemaType: type });
    } catch (e) {
      if (i < versions.length - 1) throw e;
      assert.ok(e instanceof RegistryError);
      assert.equal(e.status, 409);
      return e.message;
    }
  }
  return 'ok';
}

const AVRO_CASES: { change: string; from: object[]; to: object[]; ok: CompatibilityLevel[]; ruleWhenRejected?: RegExp }[] = [
  { change: 'add a field with a default', from: [A], to: [A, B_DEFAULT], ok: ['NONE', 'BACKWARD', 'FORWARD', 'FULL'] },
  { change: 'add a field without a default', from: [A], to: [A, B_REQUIRED], ok: ['NONE', 'FORWARD'], ruleWhenRejected: /READER_FIELD_MISSING_DEFAULT_VALUE.*'b'/ },
  { change: 'remove a field without a default', from: [A, B_REQUIRED], to: [A], ok: ['NONE', 'BACKWARD'], ruleWhenRejected: /READER_FIELD_MISSING_DEFAULT_VALUE.*in the old schema/ },
  { change: 'remove a field with a default', from: [A, B_DEFAULT], to: [A], ok: ['NONE', 'BACKWARD', 'FORWARD', 'FULL'] },
  { change: 'promote int to long', from: [{ name: 'a', type: 'int' }], to: [A], ok: ['NONE', 'BACKWARD'], ruleWhenRejected: /TYPE_MISMATCH.*reader type: INT not compatible with writer type: LONG/ },
  { change: 'change long to string', from: [A], to: [{ name: 'a', type: 'string' }], ok: ['NONE'], ruleWhenRejected: /TYPE_MISMATCH/ },
  { change: 'rename a field keeping an alias', from: [A], to: [{ name: 'a2', type: 'long', aliases: ['a'] }], ok: ['NONE', 'BACKWARD'] },
  { change: 'widen to a union with null', from: [A], to: [{ name: 'a', type: ['null', 'long'], default: null }], ok: ['NONE', 'BACKWARD'], ruleWhenRejected: /MISSING_UNION_BRANCH|TYPE_MISMATCH/ },
  // Avro resolution: each writer branch must resolve to a reader branch; string resolves to neither null nor long.
  {
    change: 'change a nullable field from string to long',
    from: [{ name: 'a', type: ['null', 'string'], default: null }],
    to: [{ name: 'a', type: ['null', 'long'], default: null }],
    ok: ['NONE'],
    ruleWhenRejected: /MISSING_UNION_BRANCH.*reader union lacking writer type: (STRING|LONG)/,
  },
  {
    change: 'promote a nullable field from int to long',
    from: [{ name: 'a', type: ['null', 'int'], default: null }],
    to: [{ name: 'a', type: ['null', 'long'], default: null }],
    ok: ['NONE', 'BACKWARD'],
    ruleWhenRejected: /MISSING_UNION_BRANCH.*reader union lacking writer type: LONG/,
  },
  {
    change: 'add a branch to a union',
    from: [{ name: 'a', type: ['null', 'string'], default: null }],
    to: [{ name: 'a', type: ['null', 'string', 'long'], default: null }],
    ok: ['NONE', 'BACKWARD'],
    ruleWhenRejected: /MISSING_UNION_BRANCH.*reader union lacking writer type: LONG/,
  },
];

for (const c of AVRO_CASES) {
  for (const level of ['NONE', 'BACKWARD', 'FORWARD', 'FULL'] as CompatibilityLevel[]) {
    test(`Avro ${level}: ${c.change} is ${c.ok.includes(level) ? 'accepted' : 'rejected'}`, () => {
      const got = attempt('AVRO', level, [avro(c.from), avro(c.to)]);
      if (c.ok.includes(level)) assert.equal(got, 'ok');
      else {
        assert.match(got, /^Schema being registered is incompatible with an earlier schema for subject "s"/);
        if (c.ruleWhenRejected) assert.match(got, c.ruleWhenRejected);
        assert.match(got, new RegExp(`compatibility: '${level}'`));
      }
    });
  }
}

test('Avro enums: a new symbol is backward compatible, a removed one is not forward compatible', () => {
  const e = (symbols: string[]) => JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols } }] });
  assert.equal(attempt('AVRO', 'BACKWARD', [e(['A']), e(['A', 'B'])]), 'ok');
  assert.match(attempt('AVRO', 'FORWARD', [e(['A']), e(['A', 'B'])]), /MISSING_ENUM_SYMBOLS.*\[B\]/);
});

test('Avro unions: a branch type change is refused wherever the union sits (top level, array items, map values, nested record, union of records)', () => {
  const nullable = (t: string) => ['null', t];
  const shapes: [string, (t: string) => unknown][] = [
    ['top level', (t) => nullable(t)],
    ['array items', (t) => ({ type: 'record', name: 'R', fields: [{ name: 'a', type: { type: 'array', items: nullable(t) } }] })],
    ['map values', (t) => ({ type: 'record', name: 'R', fields: [{ name: 'a', type: { type: 'map', values: nullable(t) } }] })],
    ['nested record', (t) => ({ type: 'record', name: 'R', fields: [{ name: 'n', type: { type: 'record', name: 'N', fields: [{ name: 'a', type: nullable(t), default: null }] } }] })],
    ['record inside a union', (t) => ({ type: 'record', name: 'R', fields: [{ name: 'n', type: ['null', { type: 'record', name: 'N', fields: [{ name: 'a', type: nullable(t), default: null }] }], default: null }] })],
    ['branch written as an object', (t) => ({ type: 'record', name: 'R', fields: [{ name: 'a', type: ['null', { type: t }], default: null }] })],
    ['namespaced record', (t) => ({ type: 'record', name: 'R', namespace: 'io.confluent.ksql.avro_schemas', fields: [{ name: 'A', type: nullable(t), default: null }] })],
  ];
  for (const [where, shape] of shapes) {
    for (const level of ['BACKWARD', 'FORWARD', 'FULL', 'BACKWARD_TRANSITIVE'] as CompatibilityLevel[]) {
      const got = attempt('AVRO', level, [JSON.stringify(shape('string')), JSON.stringify(shape('long'))]);
      assert.match(got, /MISSING_UNION_BRANCH|TYPE_MISMATCH/, `${where} under ${level}`);
    }
    assert.equal(attempt('AVRO', 'BACKWARD', [JSON.stringify(shape('int')), JSON.stringify(shape('long'))]), 'ok', `${where}: int → long is a promotion`);
  }
});

test('TRANSITIVE levels check every earlier version, the plain ones only the latest', () => {
  // v1 {a}, v2 {a, b=default} (compatible), v3 {a, b} without default: new reader of v1 data lacks b.
  const v1 = avro([A]);
  const v2 = avro([A, B_DEFAULT]);
  const v3 = avro([A, B_REQUIRED]);
  assert.equal(attempt('AVRO', 'BACKWARD', [v1, v2, v3]), 'ok');
  assert.match(attempt('AVRO', 'BACKWARD_TRANSITIVE', [v1, v2, v3]), /READER_FIELD_MISSING_DEFAULT_VALUE.*oldSchemaVersion: 1/);
  // Forward: old readers must read new data. v1 {a,b}, v2 {a,b=default}, v3 {a}: v1 (b without default) cannot read v3.
  const f1 = avro([A, B_REQUIRED]);
  const f2 = avro([A, B_DEFAULT]);
  const f3 = avro([A]);
  assert.equal(attempt('AVRO', 'FORWARD', [f1, f2, f3]), 'ok');
  assert.match(attempt('AVRO', 'FORWARD_TRANSITIVE', [f1, f2, f3]), /oldSchemaVersion: 1/);
  assert.equal(attempt('AVRO', 'FULL', [f1, f2, f3]), 'ok');
  assert.match(attempt('AVRO', 'FULL_TRANSITIVE', [f1, f2, f3]), /oldSchemaVersion: 1/);
});

const proto = (body: string, syntax = 'proto3') => `syntax = "${syntax}";\npackage p;\n${body}\n`;

// `ok: 'FORWARD'`: only the forward levels (old readers of new data) accept the change.
const PROTO_CASES: { change: string; from: string; to: string; ok: boolean | 'FORWARD'; rule?: RegExp }[] = [
  { change: 'add a field', from: proto('message M { string a = 1; }'), to: proto('message M { string a = 1; int64 b = 2; }'), ok: true },
  { change: 'remove a field', from: proto('message M { string a = 1; int64 b = 2; }'), to: proto('message M { string a = 1; }'), ok: true },
  { change: 'int32 to int64 (same wire group)', from: proto('message M { int32 a = 1; }'), to: proto('message M { int64 a = 1; }'), ok: true },
  { change: 'string to int32', from: proto('message M { string a = 1; }'), to: proto('message M { int32 a = 1; }'), ok: false, rule: /FIELD_SCALAR_KIND_CHANGED.*'a'/ },
  { change: 'scalar to message', from: proto('message M { string a = 1; } message N { string x = 1; }'), to: proto('message M { N a = 1; } message N { string x = 1; }'), ok: false, rule: /FIELD_KIND_CHANGED/ },
  { change: 'remove a message', from: proto('message M { string a = 1; } message N { string x = 1; }'), to: proto('message M { string a = 1; }'), ok: 'FORWARD', rule: /MESSAGE_REMOVED.*'N'/ },
  { change: 'change the package', from: proto('message M { string a = 1; }'), to: 'syntax = "proto3";\npackage q;\nmessage M { string a = 1; }\n', ok: false, rule: /PACKAGE_CHANGED/ },
];

for (const c of PROTO_CASES) {
  for (const level of ['BACKWARD', 'FORWARD', 'FULL', 'BACKWARD_TRANSITIVE', 'FORWARD_TRANSITIVE', 'FULL_TRANSITIVE', 'NONE'] as CompatibilityLevel[]) {
    const ok = c.ok === true || level === 'NONE' || (c.ok === 'FORWARD' && level.startsWith('FORWARD'));
    test(`Protobuf ${level}: ${c.change} is ${ok ? 'accepted' : 'rejected'}`, () => {
      const got = attempt('PROTOBUF', level, [c.from, c.to]);
      if (ok) assert.equal(got, 'ok');
      else assert.match(got, c.rule!);
    });
  }
}

test('Protobuf proto2 required fields: adding or removing one breaks both directions, as Confluent rules', () => {
  const base = proto('message M { optional string a = 1; }', 'proto2');
  const withRequired = proto('message M { optional string a = 1; required int32 b = 2; }', 'proto2');
  assert.match(attempt('PROTOBUF', 'BACKWARD', [base, withRequired]), /REQUIRED_FIELD_ADDED.*'b'/);
  assert.match(attempt('PROTOBUF', 'FORWARD', [base, withRequired]), /REQUIRED_FIELD_REMOVED.*'b'/);
  assert.match(attempt('PROTOBUF', 'BACKWARD', [withRequired, base]), /REQUIRED_FIELD_REMOVED.*'b'/);
  assert.equal(attempt('PROTOBUF', 'NONE', [withRequired, base]), 'ok');
});

test('Protobuf TRANSITIVE: a change undone and redone against an older version', () => {
  const v1 = proto('message M { string a = 1; }');
  const v2 = proto('message M { string a = 1; }\nmessage Extra { int32 x = 1; }');
  const v3 = proto('message M { int32 a = 1; }\nmessage Extra { int32 x = 1; }');
  // v3 breaks v2 too (string → int32), so both plain and transitive reject; a v2→v3 pair that is fine against v2 only:
  assert.match(attempt('PROTOBUF', 'BACKWARD', [v1, v2, v3]), /FIELD_SCALAR_KIND_CHANGED/);
  const w1 = proto('message M { string a = 1; }\nmessage Gone { int32 x = 1; }');
  const w2 = proto('message M { string a = 1; }');
  // w1 → w2 removes Gone (rejected for BACKWARD), so register w2 under NONE first, then check w3 = w2.
  const store = new SchemaStore();
  store.setCompatibility('s', 'NONE');
  store.register('s', { schema: w1, schemaType: 'PROTOBUF' });
  store.register('s', { schema: w2, schemaType: 'PROTOBUF' });
  store.setCompatibility('s', 'BACKWARD');
  const w3 = proto('message M { string a = 1; int32 b = 2; }');
  assert.deepEqual(store.compatibilityMessages('s', { schema: w3, schemaType: 'PROTOBUF' }), []);
  store.setCompatibility('s', 'BACKWARD_TRANSITIVE');
  assert.match(store.compatibilityMessages('s', { schema: w3, schemaType: 'PROTOBUF' }).join(' '), /MESSAGE_REMOVED.*'Gone'.*oldSchemaVersion: 1/);
});

test('JSON Schema: a property added to an open content model is rejected, to a closed one accepted', () => {
  const open = JSON.stringify({ type: 'object', properties: { a: { type: 'string' } } });
  const openMore = JSON.stringify({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } });
  const closed = JSON.stringify({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false });
  const closedMore = JSON.stringify({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, additionalProperties: false });
  assert.match(attempt('JSON', 'BACKWARD', [open, openMore]), /PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL.*'b'/);
  assert.equal(attempt('JSON', 'BACKWARD', [closed, closedMore]), 'ok');
  assert.match(attempt('JSON', 'BACKWARD', [openMore.replace('"integer"', '"number"'), openMore]), /^ok$|./);
  assert.match(attempt('JSON', 'BACKWARD', [JSON.stringify({ type: 'object', properties: { a: { type: 'number' } } }), JSON.stringify({ type: 'object', properties: { a: { type: 'integer' } } })]), /TYPE_NARROWED/);
});
