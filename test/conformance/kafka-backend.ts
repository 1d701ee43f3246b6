// `--log kafka`: each case runs its engine on a KafkaLog talking over loopback to an
// embedded broker. One broker per worker thread, emptied of topics (and with them their
// committed offsets) before each case. The runner's append notifications come from the
// broker's own embedded log, which sees every record the engine writes over the wire.
// `--log kafka --bootstrap HOST:PORT`: the KafkaLog talks to that (real) cluster instead,
// each case in a namespace of its own (namespaced-log.ts), which also tells the appends.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog } from '../../src/log/embedded/index.js';
import { startBroker, type Broker } from '../../src/broker/index.js';
import { KafkaLog } from '../../src/log/kafka/index.js';
import type { LogRecord, TopicLog } from '../../src/log/topic-log.js';
import { NamespacedLog } from './namespaced-log.js';
import { threadId } from 'node:worker_threads';

export type LogKind = 'embedded' | 'kafka';

/** Which log the conformance engines run on (set by run.ts, inherited by worker threads). */
export function conformanceLog(): LogKind {
  return process.env.EDDY_CONFORMANCE_LOG === 'kafka' ? 'kafka' : 'embedded';
}

interface WorkerBroker {
  log: EmbeddedLog;
  broker: Broker;
}

let shared: Promise<WorkerBroker> | undefined;

function workerBroker(): Promise<WorkerBroker> {
  shared ??= (async () => {
    const log = await EmbeddedLog.open(mkdtempSync(join(tmpdir(), 'eddy-qtt-broker-')));
    const broker = await startBroker({ log, port: 0, host: '127.0.0.1', autoCreateTopics: false });
    return { log, broker };
  })();
  return shared;
}

export type AppendListener = (topic: string, records: LogRecord[]) => void;

/** The cluster given with --bootstrap (set by run.ts, inherited by worker threads), if any. */
export function conformanceBootstrap(): string[] | undefined {
  const b = process.env.EDDY_CONFORMANCE_BOOTSTRAP;
  return b ? b.split(',').map((x) => x.trim()).filter(Boolean) : undefined;
}

let caseSeq = 0;

/** A KafkaLog on this worker's broker with no topics left from earlier cases (or on the --bootstrap cluster, in a namespace of the case's own). */
export async function freshKafkaLog(): Promise<{ log: TopicLog; onAppend: (listener: AppendListener) => () => void }> {
  const bootstrap = conformanceBootstrap();
  if (bootstrap) {
    const kafka = await KafkaLog.connect({ brokers: bootstrap, clientId: 'eddy-conformance' });
    const log = new NamespacedLog(kafka, `qtt-${process.pid}-${threadId}-${caseSeq++}-${Date.now().toString(36)}-`);
    return { log, onAppend: (listener) => log.onAppend(listener) };
  }
  const { log: embedded, broker } = await workerBroker();
  for (const t of await embedded.listTopics()) await embedded.deleteTopic(t.name);
  const log = await KafkaLog.connect({ brokers: [broker.address], clientId: 'eddy-conformance' });
  return { log, onAppend: (listener) => embedded.onAppend(listener) };
}

/** The engine as the runner sees it: its own methods, with `log` able to report appends. */
export function withAppendNotifications<E extends { log: TopicLog }>(engine: E, onAppend: (listener: AppendListener) => () => void): E {
  const log = engine.log;
  const notifyingLog = new Proxy(log, {
    get(target, prop) {
      if (prop === 'onAppend') return onAppend;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return new Proxy(engine, {
    get(target, prop) {
      if (prop === 'log') return notifyingLog;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
