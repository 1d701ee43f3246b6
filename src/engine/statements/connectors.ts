// Connector statements: CREATE SOURCE|SINK CONNECTOR, DROP CONNECTOR, SHOW|LIST [SOURCE|SINK]
// CONNECTORS, SHOW CONNECTOR PLUGINS and DESCRIBE CONNECTOR, in ksqlDB's entity shapes
// (connector_info, drop_connector, connector_list, connector_plugins_list,
// connector_description). Two backends: built in (the default; CREATE and DROP go through the
// command log, so connectors come back with the server) and a Kafka Connect cluster when
// ksql.connect.url is set (then, as in ksqlDB, the cluster keeps them and nothing is logged).

import type { CreateConnector, DescribeConnector, DropConnector, Show } from '../../parser/ast.js';
import { KsqlError, type KsqlEntity } from '../api.js';
import { entity, warningEntity } from '../entities.js';
import type { EngineContext, Prepared } from './context.js';
import { skipped } from './context.js';
import { describeSourceBody } from './describe.js';
import type { ConnectorSpec } from '../../connect/contract.js';
import { ConnectorConfigError } from '../../connect/config.js';
import { ConnectorExistsError, KafkaConnectBackend } from '../../connect/kafka-connect.js';
import { BuiltInBackend, connectorInfoOf } from '../../connect/built-in-backend.js';
import { builtInPlugins } from '../../connect/plugins.js';
import type { ConnectorBackend } from '../../connect/shapes.js';

/** The Kafka Connect cluster of ksql.connect.url, or undefined for the built-in backend. */
export function connectCluster(ctx: EngineContext): KafkaConnectBackend | undefined {
  const url = ctx.config['ksql.connect.url'];
  return typeof url === 'string' && url.trim() !== '' ? new KafkaConnectBackend(url.trim()) : undefined;
}

function readBackend(ctx: EngineContext): Pick<ConnectorBackend, 'exists' | 'list' | 'describe'> {
  return connectCluster(ctx) ?? new BuiltInBackend(ctx.connectors);
}

export function connectorSpecOf(stmt: CreateConnector): ConnectorSpec {
  const config: Record<string, string> = {};
  for (const p of stmt.properties) {
    const v = p.value.value;
    config[p.name] = v === null || v === undefined ? '' : String(v);
  }
  return { name: stmt.name, type: stmt.connectorType, config };
}

function configError(e: unknown): unknown {
  return e instanceof ConnectorConfigError ? new KsqlError(e.message) : e;
}

function alreadyExists(name: string): string {
  return `Connector ${name} already exists. Use CREATE ... CONNECTOR IF NOT EXISTS, or DROP CONNECTOR ${name} first.`;
}

function notFound(name: string): string {
  return `Connector ${name} does not exist. SHOW CONNECTORS lists the connectors there are.`;
}

// ------------------------------------------------------------------ built in: through the command log

export function prepareCreateConnector(ctx: EngineContext, stmt: CreateConnector): Prepared {
  const spec = connectorSpecOf(stmt);
  if (ctx.connectors.has(spec.name)) {
    if (stmt.ifNotExists) return skipped(stmt, `Connector ${spec.name} already exists`);
    throw new KsqlError(alreadyExists(spec.name));
  }
  // A replayed command was valid when written; what it refers to may have changed since, and
  // the connector then reports its failure itself rather than vanishing.
  if (!ctx.queries.replaying) {
    try {
      ctx.connectors.validate(spec);
    } catch (e) {
      throw configError(e);
    }
  }
  const commandId = `connector/${spec.name}/create`;
  return {
    commandId,
    apply: async () => {
      ctx.connectors.add(spec);
      return entity('connector_info', stmt.text, { info: connectorInfoOf(spec.name, spec.type, spec.config) });
    },
  };
}

export function prepareDropConnector(ctx: EngineContext, stmt: DropConnector): Prepared {
  if (!ctx.connectors.has(stmt.name)) {
    if (stmt.ifExists) return skipped(stmt, `Connector ${stmt.name} does not exist.`);
    throw new KsqlError(notFound(stmt.name));
  }
  return {
    commandId: `connector/${stmt.name}/drop`,
    apply: async () => {
      await ctx.connectors.remove(stmt.name);
      return entity('drop_connector', stmt.text, { connectorName: stmt.name });
    },
  };
}

// ------------------------------------------------------------------ Kafka Connect: local calls

/** CREATE/DROP against ksql.connect.url; undefined when the built-in backend handles them. */
export async function executeOnConnectCluster(ctx: EngineContext, stmt: CreateConnector | DropConnector): Promise<KsqlEntity | null> {
  const cluster = connectCluster(ctx);
  if (!cluster) return null;
  if (stmt.kind === 'CreateConnector') {
    const spec = connectorSpecOf(stmt);
    if (await cluster.exists(spec.name)) {
      if (stmt.ifNotExists) return warningEntity(stmt.text, `Connector ${spec.name} already exists`);
      throw new KsqlError(alreadyExists(spec.name));
    }
    try {
      return entity('connector_info', stmt.text, { info: await cluster.create(spec.name, spec.type, spec.config) });
    } catch (e) {
      if (!(e instanceof ConnectorExistsError)) throw e;
      if (stmt.ifNotExists) return warningEntity(stmt.text, `Connector ${spec.name} already exists`);
      throw new KsqlError(alreadyExists(spec.name));
    }
  }
  if (!(await cluster.drop(stmt.name))) {
    if (stmt.ifExists) return warningEntity(stmt.text, `Connector ${stmt.name} does not exist.`);
    throw new KsqlError(notFound(stmt.name));
  }
  return entity('drop_connector', stmt.text, { connectorName: stmt.name });
}

// ------------------------------------------------------------------ reads, for both backends

export async function showConnectors(ctx: EngineContext, stmt: Show): Promise<KsqlEntity> {
  if (stmt.what === 'CONNECTOR PLUGINS') {
    if (connectCluster(ctx)) throw new KsqlError('SHOW CONNECTOR PLUGINS on a Kafka Connect cluster: ask the cluster (GET /connector-plugins).');
    return entity('connector_plugins_list', stmt.text, {
      connectorsPlugins: builtInPlugins().map((p) => ({ className: p.className, type: p.type.toLowerCase(), version: 'built-in' })),
    });
  }
  const type = stmt.what === 'SOURCE CONNECTORS' ? 'source' : stmt.what === 'SINK CONNECTORS' ? 'sink' : undefined;
  const all = await readBackend(ctx).list();
  return entity('connector_list', stmt.text, { connectors: all.filter((c) => !type || c.type === type) });
}

export async function describeConnector(ctx: EngineContext, stmt: DescribeConnector): Promise<KsqlEntity> {
  const d = await readBackend(ctx).describe(stmt.name);
  if (!d) throw new KsqlError(notFound(stmt.name));
  const sources = [];
  for (const s of ctx.catalog.listSources()) {
    if (d.topics.includes(s.topic)) sources.push(await describeSourceBody(ctx, s.name, false));
  }
  return entity('connector_description', stmt.text, { ...d, sources });
}
