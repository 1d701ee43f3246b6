// Server configuration: the defaults a fresh server starts with. Values are strings,
// numbers or booleans as ksqlDB reports them in SHOW PROPERTIES; unset keys are absent.

export const DEFAULT_PROPERTIES: Readonly<Record<string, string | number | boolean>> = Object.freeze({
  'ksql.service.id': 'default_',
  'ksql.output.topic.name.prefix': '',
  'ksql.persistence.default.format.key': 'KAFKA',
  'ksql.persistence.wrap.single.values': true,
  'ksql.internal.topic.replicas': 1,
  'ksql.sink.replicas': 1,
  'ksql.persistent.prefix': 'query_',
  'ksql.transient.prefix': 'transient_',
  'ksql.source.table.materialization.enabled': true,
  'ksql.insert.into.values.enabled': true,
  'ksql.variable.substitution.enable': true,
  'ksql.headers.columns.enabled': true,
  'ksql.query.pull.table.scan.enabled': true,
  'ksql.query.pull.range.scan.enabled': true,
  'ksql.query.pull.stream.enabled': true,
  'ksql.query.pull.limit.clause.enabled': true,
  'ksql.query.push.v2.enabled': false,
  'ksql.fail.on.deserialization.error': false,
  'ksql.fail.on.production.error': true,
  'ksql.timestamp.throw.on.invalid': false,
  'ksql.logging.processing.topic.auto.create': true,
  'ksql.logging.processing.stream.auto.create': true,
  'ksql.logging.processing.rows.include': false,
  'ksql.assert.topic.default.timeout.ms': 1000,
  'ksql.assert.schema.default.timeout.ms': 1000,
  'ksql.query.persistent.active.limit': 2147483647,
  'ksql.server.command.response.timeout.ms': 5000,
  'ksql.hidden.topics': '_confluent.*,__confluent.*,_schemas,__consumer_offsets,__transaction_state,connect-configs,connect-offsets,connect-status,connect-statuses',
  'ksql.properties.overrides.denylist': '',
  'ksql.streams.auto.offset.reset': 'latest',
  'ksql.streams.processing.guarantee': 'at_least_once',
  'ksql.streams.commit.interval.ms': 2000,
  'ksql.streams.cache.max.bytes.buffering': 10485760,
  'ksql.streams.num.stream.threads': 4,
  'ksql.query.retry.backoff.initial.ms': 15000,
  'ksql.query.retry.backoff.max.ms': 900000,
  'ksql.schema.registry.url': '',
  'ksql.connect.url': '',
  listeners: 'http://127.0.0.1:8088',
  'bootstrap.servers': '',
});

/** Names a request may never override (ksqlDB's built-in denylist plus server identity). */
export const ALWAYS_DENIED: readonly string[] = [
  'ksql.service.id',
  'ksql.connect.url',
  'ksql.schema.registry.url',
  'listeners',
  'bootstrap.servers',
  'ksql.properties.overrides.denylist',
];

/** `auto.offset.reset` and `ksql.streams.auto.offset.reset` are the same setting. */
const STREAMS_ALIASES = ['auto.offset.reset', 'processing.guarantee', 'commit.interval.ms', 'cache.max.bytes.buffering', 'num.stream.threads'];

/** The canonical key for a property name (streams settings under `ksql.streams.`). */
export function canonicalPropertyName(name: string): string {
  return STREAMS_ALIASES.includes(name) ? `ksql.streams.${name}` : name;
}

/** Reads a property with alias awareness: `get(props, 'auto.offset.reset')`. */
export function getProperty(props: Record<string, unknown>, name: string): unknown {
  if (name in props) return props[name];
  const canonical = canonicalPropertyName(name);
  if (canonical in props) return props[canonical];
  if (canonical.startsWith('ksql.streams.')) {
    const short = canonical.slice('ksql.streams.'.length);
    if (short in props) return props[short];
  }
  return undefined;
}
