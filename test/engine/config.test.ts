import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkOverridable,
  getProperty,
  loadServerConfig,
  parsePropertiesText,
  propertiesFromEnv,
  PropertyError,
} from '../../src/config/index.js';

test('defaults carry the service id, key format and offset reset', () => {
  const c = loadServerConfig();
  assert.equal(c['ksql.service.id'], 'default_');
  assert.equal(c['ksql.persistence.default.format.key'], 'KAFKA');
  assert.equal(getProperty(c, 'auto.offset.reset'), 'latest');
  assert.equal(c['ksql.persistence.default.format.value'], undefined);
});

test('properties file, then EDDY_* environment, then overrides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-config-'));
  const file = join(dir, 'server.properties');
  writeFileSync(file, '# comment\nksql.service.id = from_file_\nksql.persistence.wrap.single.values=false\nauto.offset.reset: earliest\n');
  const c = loadServerConfig({ file, env: { EDDY_KSQL_SERVICE_ID: 'from_env_', PATH: '/bin' } });
  assert.equal(c['ksql.service.id'], 'from_env_');
  assert.equal(c['ksql.persistence.wrap.single.values'], false);
  assert.equal(getProperty(c, 'auto.offset.reset'), 'earliest');
  const o = loadServerConfig({ file, overrides: { 'ksql.service.id': 'x_' } });
  assert.equal(o['ksql.service.id'], 'x_');
});

test('properties text parsing and env name mapping', () => {
  assert.deepEqual(parsePropertiesText('a.b=1\n!c\nd : two words\nlong=x\\\n  y'), { 'a.b': '1', 'd': 'two words', long: 'xy' });
  assert.deepEqual(propertiesFromEnv({ EDDY_KSQL_STREAMS_NUM__STANDBY_REPLICAS: '1' }), { 'ksql.streams.num_standby.replicas': '1' });
});

test('SET of denied or unknown names is refused', () => {
  const c = loadServerConfig({ overrides: { 'ksql.properties.overrides.denylist': 'ksql.streams.num.stream.threads' } });
  assert.throws(() => checkOverridable('ksql.service.id', c), PropertyError);
  assert.throws(() => checkOverridable('num.stream.threads', c), /Cannot override property 'num.stream.threads'/);
  assert.throws(() => checkOverridable('bogus', c), /Not recognizable/);
  checkOverridable('auto.offset.reset', c);
  checkOverridable('ksql.streams.auto.offset.reset', c);
});
