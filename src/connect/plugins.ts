// The built-in connector classes, by the Kafka Connect class names users know and short aliases.

import type { ConnectorPlugin, ConnectorSpec } from './contract.js';
import { ConnectorConfigError } from './config.js';
import { postgresSinkPlugin } from './postgres/sink.js';
import { jdbcSourcePlugin } from './postgres/jdbc-source.js';
import { cdcSourcePlugin } from './postgres/cdc-source.js';
import { rabbitSinkPlugin } from './rabbitmq/sink.js';
import { rabbitSourcePlugin } from './rabbitmq/source.js';
import { httpSinkPlugin } from './http-sink.js';
import { fileSinkPlugin, fileSourcePlugin } from './file.js';

const PLUGINS: ConnectorPlugin[] = [postgresSinkPlugin, jdbcSourcePlugin, cdcSourcePlugin, rabbitSourcePlugin, rabbitSinkPlugin, httpSinkPlugin, fileSourcePlugin, fileSinkPlugin];

export function builtInPlugins(): readonly ConnectorPlugin[] {
  return PLUGINS;
}

export function pluginFor(spec: ConnectorSpec): ConnectorPlugin {
  const className = spec.config['connector.class'];
  if (!className) {
    throw new ConnectorConfigError(`Connector ${spec.name}: missing 'connector.class'. Name one of: ${PLUGINS.map((p) => p.className).join(', ')}.`);
  }
  const plugin = PLUGINS.find((p) => p.className === className || p.aliases.some((a) => a.toLowerCase() === className.toLowerCase()));
  if (!plugin) {
    const known = PLUGINS.filter((p) => p.type === spec.type).map((p) => `${p.className} (${p.aliases.join(', ')})`);
    throw new ConnectorConfigError(
      `Connector ${spec.name}: unknown connector.class '${className}'. The built-in ${spec.type.toLowerCase()} connectors are: ${known.join('; ')}. ` +
        `To run other Kafka Connect plugins, set ksql.connect.url to a Kafka Connect cluster.`,
    );
  }
  if (plugin.type !== spec.type) {
    throw new ConnectorConfigError(
      `Connector ${spec.name}: ${plugin.className} is a ${plugin.type.toLowerCase()} connector; create it with CREATE ${plugin.type} CONNECTOR.`,
    );
  }
  return plugin;
}
