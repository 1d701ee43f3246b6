// The connector statements against a real Apache Kafka Connect worker (connect-runtime 4.x in
// distributed mode, from Maven Central through scripts/kafka-connect) running on Eddy's
// embedded broker: ksql.connect.url sends CREATE, DESCRIBE, SHOW and DROP CONNECTOR to it,
// and its FileStream connectors move lines through Eddy's topics.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { startTestBroker } from '../broker/helpers.js';
import { eventually } from './services.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const hasJava = spawnSync('java', ['-version']).status === 0 && spawnSync('mvn', ['-v']).status === 0;
const skip = hasJava ? undefined : 'needs java and maven to fetch and run Kafka Connect; install them with: apt-get install -y default-jdk-headless maven (or run .ci/run)';
if (skip && process.env.CI === 'true') throw new Error(skip);

const connectDir = mkdtempSync(join(tmpdir(), 'eddy-kafka-connect-'));
after(() => {
  spawnSync(join(repoRoot, 'scripts', 'kafka-connect'), ['stop'], { env: { ...process.env, EDDY_CONNECT_DIR: connectDir } });
  rmSync(connectDir, { recursive: true, force: true });
});

test('CREATE, DESCRIBE, SHOW and DROP CONNECTOR on a real Kafka Connect worker', { skip, timeout: 600_000 }, async () => {
  const broker = await startTestBroker();
  // Asynchronously: the broker serving the worker runs in this process.
  const started = await promisify(execFile)(join(repoRoot, 'scripts', 'kafka-connect'), ['start', broker.broker.address], {
    env: { ...process.env, EDDY_CONNECT_DIR: connectDir },
    encoding: 'utf8',
    timeout: 500_000,
  });
  const url = /EDDY_CONNECT_URL=(\S+)/.exec(started.stdout)![1]!;
  const dir = mkdtempSync(join(tmpdir(), 'eddy-kc-engine-'));
  const engine = await Engine.open({ dataDir: dir, log: broker.log, properties: { 'ksql.connect.url': url } });
  const run = (sql: string) => engine.execute(sql, { properties: {}, variables: {} }) as Promise<any[]>;
  try {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    writeFileSync(input, 'hello\nworld\n');
    const [created] = await run(`CREATE SOURCE CONNECTOR fs_src WITH ('connector.class'='org.apache.kafka.connect.file.FileStreamSourceConnector', 'file'='${input}', 'topic'='kc_lines');`);
    assert.equal(created['@type'], 'connector_info');
    assert.equal(created.info.name, 'FS_SRC');
    assert.equal(created.info.type, 'source');
    assert.equal(created.info.config['connector.class'], 'org.apache.kafka.connect.file.FileStreamSourceConnector');
    const [again] = await run(`CREATE SOURCE CONNECTOR IF NOT EXISTS fs_src WITH ('connector.class'='org.apache.kafka.connect.file.FileStreamSourceConnector', 'file'='${input}', 'topic'='kc_lines');`);
    assert.equal(again['@type'], 'warning_entity');

    const described = await eventually(
      'FS_SRC running with its topic',
      async () => {
        const [d] = await run('DESCRIBE CONNECTOR fs_src;');
        return d.status.connector.state === 'RUNNING' && d.status.tasks[0]?.state === 'RUNNING' && d.topics.includes('kc_lines') ? d : undefined;
      },
      120_000,
    );
    assert.equal(described['@type'], 'connector_description');
    assert.equal(described.connectorClass, 'org.apache.kafka.connect.file.FileStreamSourceConnector');
    assert.equal(described.status.type, 'source');

    await run(`CREATE STREAM kc_lines (line STRING) WITH (KAFKA_TOPIC='kc_lines', VALUE_FORMAT='KAFKA');`);
    await run(`CREATE SINK CONNECTOR fs_sink WITH ('connector.class'='org.apache.kafka.connect.file.FileStreamSinkConnector', 'file'='${output}', 'topics'='kc_lines');`);
    await eventually('the lines through both connectors', async () => (existsSync(output) && readFileSync(output, 'utf8') === 'hello\nworld\n' ? true : undefined), 120_000);
    const [withSource] = await run('DESCRIBE CONNECTOR fs_src;');
    assert.deepEqual(withSource.sources.map((s: any) => s.name), ['KC_LINES']);

    const [all] = await run('SHOW CONNECTORS;');
    assert.deepEqual(
      all.connectors.map((c: any) => [c.name, c.type, c.className]),
      [
        ['FS_SINK', 'sink', 'org.apache.kafka.connect.file.FileStreamSinkConnector'],
        ['FS_SRC', 'source', 'org.apache.kafka.connect.file.FileStreamSourceConnector'],
      ],
    );
    const [sinks] = await run('SHOW SINK CONNECTORS;');
    assert.deepEqual(sinks.connectors.map((c: any) => c.name), ['FS_SINK']);

    const [dropped] = await run('DROP CONNECTOR fs_src;');
    assert.deepEqual(dropped, { '@type': 'drop_connector', statementText: 'DROP CONNECTOR fs_src;', connectorName: 'FS_SRC', warnings: [] });
    await run('DROP CONNECTOR fs_sink;');
    await assert.rejects(run('DESCRIBE CONNECTOR fs_src;'), /Connector FS_SRC does not exist/);
    const [none] = await run('SHOW CONNECTORS;');
    assert.deepEqual(none.connectors, []);
    const [missing] = await run('DROP CONNECTOR IF EXISTS fs_src;');
    assert.equal(missing['@type'], 'warning_entity');
    await assert.rejects(run(`CREATE SOURCE CONNECTOR bad WITH ('connector.class'='com.example.Missing');`), /Failed to create connector: .*com\.example\.Missing/);
  } finally {
    await engine.close().catch(() => undefined);
    await broker.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});
