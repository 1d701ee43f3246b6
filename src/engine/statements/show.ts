// SHOW / LIST: streams, tables, topics, queries, properties, variables, types, functions.

import type { Show } from '../../parser/ast.js';
import { KsqlError, type KsqlEntity } from '../api.js';
import { entity, functionListItem, propertyItems, runningQueryItem, schemaInfo, sourceListItem } from '../entities.js';
import { showTopics } from '../show-topics.js';
import { sessionProperties, type EngineContext, type Session } from './context.js';
import { describeSources, queryDescription } from './describe.js';

export async function show(ctx: EngineContext, stmt: Show, session: Session): Promise<KsqlEntity> {
  switch (stmt.what) {
    case 'STREAMS':
    case 'TABLES': {
      const type = stmt.what === 'STREAMS' ? 'STREAM' : 'TABLE';
      if (stmt.extended) {
        return describeSources(ctx, { kind: 'DescribeSources', sourceType: type, extended: true, text: stmt.text, loc: stmt.loc });
      }
      const key = stmt.what === 'STREAMS' ? 'streams' : 'tables';
      return entity(key, stmt.text, { [key]: ctx.catalog.listSources(type).map(sourceListItem) });
    }
    case 'TOPICS': {
      const shown = await showTopics({
        log: ctx.log,
        all: stmt.all,
        extended: stmt.extended,
        hiddenTopics: ctx.config['ksql.hidden.topics'],
        consumerGroups: () => ctx.consumerGroups(),
      });
      return entity(shown.type, stmt.text, shown.body);
    }
    case 'QUERIES': {
      if (stmt.extended) {
        return entity('query_descriptions', stmt.text, {
          queryDescriptions: await Promise.all(ctx.catalog.listQueries().map((q) => queryDescription(ctx, q))),
        });
      }
      const persistent = ctx.catalog.listQueries().map((q) => runningQueryItem(ctx.queries.live(q)));
      const push = ctx.queries.pushQueries().map((t) => ({
        queryString: '',
        sinks: [],
        sinkKafkaTopics: [],
        id: t.header.queryId,
        statusCount: { RUNNING: 1 },
        queryType: 'PUSH',
        state: 'RUNNING',
      }));
      return entity('queries', stmt.text, { queries: [...persistent, ...push] });
    }
    case 'PROPERTIES': {
      const all = sessionProperties(ctx, session);
      const overridden = new Set(Object.keys(session.overrides));
      return entity('properties', stmt.text, {
        properties: propertyItems(all, overridden),
        overwrittenProperties: [...overridden].sort(),
        defaultProperties: Object.keys(all).filter((k) => !overridden.has(k) && !(k in (ctx.config as object))),
      });
    }
    case 'VARIABLES':
      return entity('variables', stmt.text, {
        variables: Object.entries(session.variables).map(([name, value]) => ({ name, value })),
      });
    case 'TYPES': {
      const types: Record<string, unknown> = {};
      for (const t of ctx.catalog.listTypes()) types[t.name] = schemaInfo(t.type);
      return entity('type_list', stmt.text, { types });
    }
    case 'FUNCTIONS':
      return entity('function_names', stmt.text, {
        functions: ctx.functions
          .list()
          .map(functionListItem)
          .sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1)),
      });
    default:
      throw new KsqlError('Connectors are not supported: no Kafka Connect cluster configured (ksql.connect.url)');
  }
}
