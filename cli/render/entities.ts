// Text renderers for every /ksql entity type the CLI may receive, plus errors.

import { upgradeLines } from './upgrade.js';
import { renderDashedTable, cellText, layoutWidth, wrapWords } from './table.js';
import { catchUpText, type QueryCatchUp } from './progress.js';

type Json = Record<string, unknown>;

const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Column type text of DESCRIBE: `VARCHAR(STRING)`, `ARRAY<INTEGER>`, `STRUCT<A INTEGER>`. */
export function schemaText(schema: unknown): string {
  const s = (schema ?? {}) as Json;
  const type = str(s.type);
  switch (type) {
    case 'STRING':
      return 'VARCHAR(STRING)';
    case 'ARRAY':
      return `ARRAY<${schemaText(s.memberSchema)}>`;
    case 'MAP':
      return `MAP<STRING, ${schemaText(s.memberSchema)}>`;
    case 'DECIMAL': {
      const p = (s.parameters ?? {}) as Json;
      return p.precision !== undefined ? `DECIMAL(${str(p.precision)}, ${str(p.scale)})` : 'DECIMAL';
    }
    case 'STRUCT':
      return `STRUCT<${asList(s.fields)
        .map((f) => `${str(f.name)} ${schemaText(f.schema)}`)
        .join(', ')}>`;
    default:
      return str(s.fullType) || type;
  }
}

function fieldRows(fields: unknown): string[][] {
  return asList(fields).map((f) => {
    const marker = f.type === 'KEY' ? '  (key)' : f.type === 'HEADER' ? `  (header${f.headerKey ? `('${str(f.headerKey)}')` : ''})` : '';
    return [str(f.name), schemaText(f.schema) + marker];
  });
}

function keyValueLines(pairs: [string, unknown][]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => `${k.padEnd(width)} : ${cellText(v)}`);
}

function sourceDescription(d: Json): string[] {
  const lines = keyValueLines([
    ['Name', d.name],
    ['Type', d.type],
    ['Timestamp field', d.timestamp || 'Not set - using <ROWTIME>'],
    ['Key format', d.keyFormat],
    ['Value format', d.valueFormat],
    // Partition counts are filled in only by DESCRIBE … EXTENDED.
    ['Kafka topic', d.topic === undefined ? undefined : d.extended ? `${str(d.topic)} (partitions: ${str(d.partitions)}, replication: ${str(d.replication)})` : d.topic],
    ['Statement', d.extended ? d.statement : undefined],
  ]);
  lines.push(...renderDashedTable(['Field', 'Type'], fieldRows(d.fields)));
  if (d.extended) {
    const queries = (label: string, list: unknown) => {
      const qs = asList(list);
      if (qs.length === 0) return;
      lines.push('', `${label}`, ...renderDashedTable(['Query ID', 'Query String'], qs.map((q) => [q.id, q.queryString])));
    };
    queries('Queries that read from this ' + str(d.type), d.readQueries);
    queries('Queries that write from this ' + str(d.type), d.writeQueries);
    if (d.statistics) lines.push('', 'Local runtime statistics', '------------------------', str(d.statistics));
    const catchUp = asList(d.catchUp);
    if (catchUp.length) lines.push('', 'Catch-up of the queries that write it', ...keyValueLines(catchUp.map((c) => [str(c.queryId), catchUpText(c as unknown as QueryCatchUp)])));
  } else {
    lines.push(`For runtime statistics and query details run: DESCRIBE ${str(d.name)} EXTENDED;`);
  }
  return lines;
}

function queryDescription(q: Json): string[] {
  const lines = keyValueLines([
    ['ID', q.id],
    ['Query Type', q.queryType],
    ['SQL', q.statementText],
    ['State', q.state],
    ['Catch-up', q.catchUp ? catchUpText(q.catchUp as unknown as QueryCatchUp) : undefined],
  ]);
  lines.push(...renderDashedTable(['Field', 'Type'], fieldRows(q.fields)));
  lines.push('', 'Sources that this query reads from:', ...asList(q.sources).map((s) => `  ${str(s)}`));
  lines.push('', 'Sinks that this query writes to:', ...asList(q.sinks).map((s) => `  ${str(s)}`));
  if (q.executionPlan) lines.push('', 'Execution plan', '--------------', ...str(q.executionPlan).split('\n'));
  if (q.topology) lines.push('', 'Processing topology', '-------------------', ...str(q.topology).split('\n'));
  if (q.upgrade) lines.push('', 'Upgrade of the running query', '----------------------------', ...upgradeLines(q.upgrade as Json));
  return lines;
}

function describeFunction(f: Json): string[] {
  const lines = keyValueLines([
    ['Name', f.name],
    ['Author', f.author],
    ['Version', f.version],
    ['Overview', f.description],
    ['Type', f.type],
    ['Jar', f.path],
    ['Variations', ' '],
  ]);
  for (const v of asList(f.functions)) {
    const args = asList(v.arguments)
      .map((a) => `${str(a.name)} ${str(a.type)}${a.isVariadic ? '...' : ''}`.trim())
      .join(', ');
    lines.push('', `\tVariation   : ${str(f.name)}(${args})`, `\tReturns     : ${str(v.returnType)}`);
    if (v.description) lines.push(`\tDescription : ${str(v.description)}`);
  }
  return lines;
}

/**
 * SHOW QUERIES: one table as in ksqlDB when it fits; in a narrower terminal the query
 * strings leave the table and follow it, each under its query id, wrapped at spaces.
 */
function queryListing(queries: Json[]): string[] {
  const header = ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic'];
  const rows = queries.map((q) => [
    q.id,
    q.queryType,
    Object.entries((q.statusCount ?? {}) as Json)
      .map(([k, v]) => `${k}:${str(v)}`)
      .join(' ') || str(q.state),
    asList(q.sinks).join(', '),
    asList(q.sinkKafkaTopics).join(', '),
  ]);
  const texts = queries.map((q) => str(q.queryString).replace(/\s*\n\s*/g, ' '));
  const whole = renderDashedTable([...header, 'Query String'], rows.map((r, i) => [...r, texts[i]]));
  const width = layoutWidth();
  if (whole.length === 0 || whole[0]!.startsWith('-[ RECORD')) return whole; // vertical already
  const queryColumn = whole[0]!.length - whole[0]!.lastIndexOf('|') - 2;
  if (!Number.isFinite(width) || queryColumn >= Math.min(40, Math.max(...texts.map((t) => t.length), 0))) return whole;
  const lines = renderDashedTable(header, rows);
  queries.forEach((q, i) => {
    lines.push(...wrapWords(`${str(q.id)}: ${texts[i]}`, width - 2).map((l, j) => (j === 0 ? l : '  ' + l)));
  });
  if (queries.length > 0) lines.push('-'.repeat(Math.min(width, lines[1]!.length)));
  return lines;
}

/** Lines that show one entity of a /ksql response. */
export function renderEntity(entity: Json): string[] {
  const lines = renderEntityBody(entity);
  for (const w of asList(entity.warnings)) lines.push(`WARNING: ${str(w.message)}`);
  return lines;
}

function renderEntityBody(e: Json): string[] {
  switch (e['@type']) {
    case 'currentStatus': {
      const status = (e.commandStatus ?? {}) as Json;
      const message = str(status.message);
      if (status.status === 'ERROR') return errorLines(message);
      return renderDashedTable(['Message'], [[message]]);
    }
    case 'streams':
      return renderDashedTable(
        ['Stream Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
        asList(e.streams).map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat, s.isWindowed]),
      );
    case 'tables':
      return renderDashedTable(
        ['Table Name', 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'],
        asList(e.tables).map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat, s.isWindowed]),
      );
    case 'queries':
      return queryListing(asList(e.queries)).concat(['For detailed information on a Query run: EXPLAIN <Query ID>;']);
    case 'kafka_topics':
      return renderDashedTable(
        ['Kafka Topic', 'Partitions', 'Partition Replicas'],
        asList(e.topics).map((t) => [t.name, asList(t.replicaInfo).length, asList(t.replicaInfo).join(' ')]),
      );
    case 'kafka_topics_extended': {
      // ksqlDB's columns; Eddy servers add the summed consumer lag of each topic.
      const topics = asList(e.topics);
      const withLag = topics.some((t) => typeof t.consumerLag === 'number');
      return renderDashedTable(
        ['Kafka Topic', 'Partitions', 'Partition Replicas', 'Consumers', 'ConsumerGroups', ...(withLag ? ['Consumer Lag'] : [])],
        topics.map((t) => [
          t.name,
          asList(t.replicaInfo).length,
          asList(t.replicaInfo).join(' '),
          t.consumerCount,
          t.consumerGroupCount,
          ...(withLag ? [t.consumerLag ?? ''] : []),
        ]),
      );
    }
    case 'properties':
      return renderDashedTable(
        ['Property', 'Scope', 'Level', 'Effective Value'],
        asList(e.properties).map((p) => [p.name, p.scope, p.level ?? '', p.value]),
      );
    case 'function_names':
      return renderDashedTable(
        ['Function Name', 'Category'],
        asList(e.functions).map((f) => [f.name, f.category]),
      ).concat(['For detailed information about a function, run: DESCRIBE FUNCTION <Function Name>;']);
    case 'describe_function':
      return describeFunction(e);
    case 'sourceDescription':
      return sourceDescription((e.sourceDescription ?? {}) as Json);
    case 'source_descriptions':
      return asList(e.sourceDescriptions).flatMap((d, i) => (i > 0 ? [''] : []).concat(sourceDescription(d)));
    case 'queryDescription':
      return queryDescription((e.queryDescription ?? {}) as Json);
    case 'query_descriptions':
      return asList(e.queryDescriptions).flatMap((d, i) => (i > 0 ? [''] : []).concat(queryDescription(d)));
    case 'type_list':
      return renderDashedTable(
        ['Type Name', 'Schema'],
        Object.entries((e.types ?? {}) as Json).map(([name, schema]) => [name, schemaText(schema)]),
      );
    case 'variables':
      return renderDashedTable(['Variable Name', 'Value'], asList(e.variables).map((v) => [v.name, v.value]));
    case 'warning_entity':
      return [str(e.message)];
    case 'terminate_query':
      return renderDashedTable(['Message'], [[e.wasTerminated === false ? `Query ${str(e.queryId)} was not running` : 'Query terminated.']]);
    case 'assert_topic':
      return [`Topic ${str(e.topicName)} ${e.exists ? 'exists' : 'does not exist'}`];
    case 'assert_schema':
      return [`Schema ${[e.subject, e.id].filter((x) => x !== undefined && x !== null).map(str).join(' ')} ${e.exists ? 'exists' : 'does not exist'}`];
    case 'connector_list':
      return renderDashedTable(
        ['Connector Name', 'Type', 'Class', 'Status'],
        asList(e.connectors).map((c) => [c.name, c.type, c.className, c.state]),
      );
    case 'drop_connector':
      return renderDashedTable(['Message'], [[`Dropped connector "${str(e.connectorName)}"`]]);
    default:
      return JSON.stringify(e, null, 2).split('\n');
  }
}

/**
 * The lines of an error message worth showing: all of them, since the server puts where
 * (line:column, statement), what (the offending token) and the fix on separate lines.
 */
export function errorLines(message: string): string[] {
  const lines = message.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
  return lines.length > 0 ? lines : [message];
}

/** What the CLI shows for a failed request: the server's whole message. */
export function renderError(body: unknown, fallback: string): string[] {
  const b = (body ?? {}) as Json;
  const message = typeof b.message === 'string' ? b.message : fallback;
  return errorLines(message);
}
