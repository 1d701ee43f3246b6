// Statements that run on this server alone and write nothing to the command topic: session
// settings, SHOW/DESCRIBE/EXPLAIN, INSERT VALUES, ASSERT, and the refusals of statements
// this server does not run. NOT_LOCAL marks the ones the command runner distributes.

import type { Statement } from '../../parser/ast.js';
import { checkOverridable, PropertyError } from '../../config/index.js';
import { KsqlError, type KsqlEntity } from '../api.js';
import { ParseError } from '../../parser/errors.js';
import { entity, warningEntity } from '../entities.js';
import { wrongEndpoint } from '../query-endpoint.js';
import { assertTopic } from './assert-topic.js';
import type { EngineContext, Session } from './context.js';
import { describeFunctionEntity, describeSource, describeSources } from './describe.js';
import { explain } from './explain.js';
import { executeInsertValues } from './insert-values.js';
import { show } from './show.js';
import { describeConnector, executeOnConnectCluster } from './connectors.js';

export const NOT_LOCAL = Symbol('not-local');

export async function executeLocal(ctx: EngineContext, stmt: Statement, session: Session): Promise<KsqlEntity | undefined | typeof NOT_LOCAL> {
  switch (stmt.kind) {
    case 'Select':
    case 'Print':
      throw wrongEndpoint();
    case 'SetProperty':
      try {
        checkOverridable(stmt.name, ctx.config);
      } catch (e) {
        if (e instanceof PropertyError) throw new KsqlError(e.message, 40000);
        throw e;
      }
      session.overrides[stmt.name] = stmt.value;
      return undefined;
    case 'UnsetProperty':
      delete session.overrides[stmt.name];
      return undefined;
    case 'DefineVariable':
      session.variables[stmt.name] = stmt.value;
      return undefined;
    case 'UndefineVariable':
      if (!(stmt.name in session.variables)) {
        return warningEntity(stmt.text, `Cannot undefine variable '${stmt.name}' which was never defined`);
      }
      delete session.variables[stmt.name];
      return undefined;
    case 'Show':
      return show(ctx, stmt, session);
    case 'DescribeSource':
      return describeSource(ctx, stmt);
    case 'DescribeSources':
      return describeSources(ctx, stmt);
    case 'DescribeFunction':
      return describeFunctionEntity(ctx, stmt.name, stmt.text);
    case 'Explain':
      return explain(ctx, stmt, session);
    case 'InsertValues':
      await executeInsertValues(ctx, stmt, session);
      return undefined;
    case 'AssertTopic':
      return assertTopic(ctx, stmt);
    case 'AssertSchema':
      throw new KsqlError(
        `Cannot check schema ${stmt.subject ?? stmt.id ?? ''}: no Schema Registry is configured (ksql.schema.registry.url)`,
        41700,
      );
    case 'TerminateQuery':
      if (stmt.queryId && ctx.queries.closePush(stmt.queryId)) {
        return entity('terminate_query', stmt.text, { queryId: stmt.queryId, wasTerminated: true });
      }
      return NOT_LOCAL;
    case 'CreateConnector':
    case 'DropConnector':
      // On a Kafka Connect cluster the cluster keeps them; built-in ones go to the command log.
      return (await executeOnConnectCluster(ctx, stmt)) ?? NOT_LOCAL;
    case 'DescribeConnector':
      return describeConnector(ctx, stmt);
    case 'RunScript':
      // The server's grammar has no RUN statement (ksqlDB: "Unknown statement 'RUN'").
      throw new ParseError(
        `line ${stmt.loc.line}:${stmt.loc.column}: Syntax Error\nUnknown statement 'RUN'\nRUN SCRIPT is a CLI command: the CLI reads the file and sends its statements.`,
        { line: stmt.loc.line, column: stmt.loc.column, token: 'RUN', detail: "Unknown statement 'RUN'" },
      );
    case 'AlterSystem':
      throw new KsqlError('ALTER SYSTEM is not supported by this server.');
    case 'AssertValues':
    case 'AssertTombstone':
    case 'AssertSource':
      throw new KsqlError(`${stmt.kind} statements are only supported by the test runner.`);
    default:
      return NOT_LOCAL;
  }
}
