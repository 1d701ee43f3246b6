// The engine: handles requests (statements in order, per-request sessions, errors with the
// failing statement), and hands each statement to its executor: local ones in
// statements/local.ts, catalog-changing ones to the command runner, which makes them durable
// through the command topic. Queries live in the query registry.

import { mkdirSync } from 'node:fs';
import type { Statement } from '../parser/ast.js';
import { TopicExistsError, type TopicLog } from '../log/topic-log.js';
import { isKafkaLog } from '../log/kafka/is-kafka-log.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { QueryService, RunningQuery } from '../runtime/contract.js';
import { EddyError, positionOf } from '../common/errors.js';
import { Catalog } from '../catalog/catalog.js';
import { loadServerConfig, mergeProperties } from '../config/index.js';
import {
  KsqlError,
  StatementError,
  type EngineApi,
  type KsqlEntity,
  type QueryStream,
  type RequestContext,
  type ServerInfo,
} from './api.js';
import { CommandLog, commandTopicName } from './command-log.js';
import { CommandRunner } from './command-runner.js';
import { PROCESSING_LOG_SCHEMA, PROCESSING_LOG_STREAM, ProcessingLogWriter, processingLogTopic } from '../runtime/processing-log.js';
import { parseRequest, parseSingle } from './parse.js';
import { insertJsonRow } from './insert-values.js';
import { openPrint } from './print.js';
import { consumerGroupsOf, ownQueryConsumers, withOwnQueries, type ConsumerGroupInfo, type GroupMembership } from './consumer-groups.js';
import { defaultLog, defaultFunctions, defaultQueryService } from './defaults.js';
import { openSchemaRegistry, type OpenedRegistry } from '../registry/open.js';
import { useSchemaRegistry } from '../serde/registry.js';
import { QueryRegistry } from './query-registry.js';
import type { EngineContext, Session } from './statements/context.js';
import { executeLocal, NOT_LOCAL } from './statements/local.js';
import { BuiltInConnectors } from '../connect/runner.js';

export interface EngineOptions {
  dataDir: string;
  log?: TopicLog;
  properties?: Record<string, unknown>;
  queryService?: QueryService;
  functions?: FunctionRegistry;
}

const VERSION = '0.1.0';
const COMMAND_POLL_MS = 500;

export class Engine implements EngineApi, EngineContext {
  readonly catalog = new Catalog();
  readonly config: Record<string, unknown>;
  readonly processingLog: ProcessingLogWriter;
  readonly queries: QueryRegistry;
  readonly connectors: BuiltInConnectors;
  private readonly commandLog: CommandLog;
  private readonly commands: CommandRunner;
  /** Serialises statement execution so sequence numbers and the catalog stay consistent. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Live consumer group members (the embedded broker's coordinator), for SHOW TOPICS EXTENDED. */
  groupMembership?: GroupMembership;
  private closed = false;
  private follower: NodeJS.Timeout | undefined;
  /** The schema registry serdes use (embedded in `_schemas`, external, or mock://). */
  schemaRegistry?: OpenedRegistry;

  private constructor(
    readonly dataDir: string,
    readonly log: TopicLog,
    readonly functions: FunctionRegistry,
    queryService: QueryService,
    config: Record<string, unknown>,
  ) {
    this.config = config;
    this.commandLog = new CommandLog(log, commandTopicName(this.serviceId));
    this.processingLog = new ProcessingLogWriter(log, processingLogTopic(config));
    this.queries = new QueryRegistry(queryService, { catalog: this.catalog, log, functions, dataDir, config });
    this.commands = new CommandRunner(this.commandLog, this);
    this.connectors = new BuiltInConnectors({ log, catalog: this.catalog, processingLog: this.processingLog, config });
  }

  static async open(options: EngineOptions): Promise<Engine> {
    mkdirSync(options.dataDir, { recursive: true });
    const config = loadServerConfig({ overrides: options.properties ?? {} });
    const log = options.log ?? (await defaultLog(options.dataDir, config));
    const functions = options.functions ?? (await defaultFunctions(config));
    const queryService = options.queryService ?? defaultQueryService();
    const engine = new Engine(options.dataDir, log, functions, queryService, config);
    await engine.start();
    return engine;
  }

  get serviceId(): string {
    return String(this.config['ksql.service.id'] ?? 'default_');
  }

  get commandTopic(): string {
    return this.commandLog.topic;
  }

  // ------------------------------------------------------------------ startup

  private async start(): Promise<void> {
    this.schemaRegistry = await openSchemaRegistry(this.config, this.log);
    useSchemaRegistry(this.schemaRegistry.client);
    await this.commandLog.ensureTopic();
    await this.setUpProcessingLog();
    await this.commands.replay();
    this.connectors.startAll();
    // Other servers of the same service id on this Kafka cluster append commands too.
    if (isKafkaLog(this.log)) {
      this.follower = setInterval(() => {
        if (!this.closed) void this.serialised(() => this.commands.catchUp()).catch(() => undefined);
      }, COMMAND_POLL_MS);
      this.follower.unref();
    }
  }

  private async setUpProcessingLog(): Promise<void> {
    const topic = this.processingLog.topic;
    if (this.config['ksql.logging.processing.topic.auto.create'] !== false && !(await this.log.describeTopic(topic))) {
      try {
        await this.log.createTopic(topic, { partitions: 1, replicationFactor: 1 });
      } catch (e) {
        if (!(e instanceof TopicExistsError) && !(await this.log.describeTopic(topic))) throw e;
      }
    }
    if (this.config['ksql.logging.processing.stream.auto.create'] !== false) {
      this.catalog.putSource({
        name: PROCESSING_LOG_STREAM,
        sourceType: 'STREAM',
        schema: PROCESSING_LOG_SCHEMA,
        topic,
        keyFormat: { format: 'NONE' },
        valueFormat: { format: 'JSON' },
        isSource: false,
        sqlText: `CREATE STREAM ${PROCESSING_LOG_STREAM} WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON');`,
      });
    }
  }

  // ------------------------------------------------------------------ requests

  execute(sql: string, context: RequestContext): Promise<KsqlEntity[]> {
    return this.serialised(() => this.executeNow(sql, context));
  }

  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async executeNow(sql: string, context: RequestContext): Promise<KsqlEntity[]> {
    if (this.closed) throw new KsqlError('The server is shutting down', 50303);
    const session: Session = { overrides: { ...context.properties }, variables: { ...context.variables } };
    const entities: KsqlEntity[] = [];
    const substitute = this.config['ksql.variable.substitution.enable'] !== false;
    for (const parsed of parseRequest(sql, () => (substitute ? session.variables : undefined))) {
      if (parsed.error) {
        const err = new StatementError(parsed.error.message, parsed.text, entities);
        err.cause = parsed.error;
        throw err;
      }
      const stmt = parsed.statement!;
      try {
        const result = await this.executeStatement(stmt, session);
        if (result) entities.push(result);
      } catch (e) {
        throw statementError(e, stmt, entities);
      }
    }
    return entities;
  }

  /** Runs one parsed statement in a session. */
  async executeStatement(stmt: Statement, session: Session = { overrides: {}, variables: {} }): Promise<KsqlEntity | undefined> {
    const local = await executeLocal(this, stmt, session);
    if (local !== NOT_LOCAL) return local;
    return this.commands.run(stmt, session);
  }

  async query(sql: string, context: RequestContext): Promise<QueryStream> {
    const cached = this.queries.service.runCachedPull?.(sql, () => this.queries.context(context.properties), context.properties);
    if (cached) return cached;
    const stmt = parseSingleInRequest(sql, context.variables);
    const props = mergeProperties(this.config, context.properties);
    if (stmt.kind === 'Print') return openPrint(this.log, stmt, props);
    if (stmt.kind !== 'Select') {
      throw new StatementError(
        'The /query endpoint only accepts SELECT and PRINT statements. Use the /ksql endpoint for other statements.',
        stmt.text,
      );
    }
    try {
      const stream = await this.queries.service.runTransient(stmt, this.queries.context(context.properties), context.properties);
      if (stream.kind === 'push') this.queries.addPush(stream);
      return stream;
    } catch (e) {
      throw statementError(e, stmt, []);
    }
  }

  closeQuery(queryId: string): boolean {
    return this.queries.closePush(queryId);
  }

  async insertRow(target: string, row: Record<string, unknown>): Promise<void> {
    // As in ksqlDB the target is an identifier: unquoted names match case-insensitively.
    const quoted = /^`(.+)`$|^"(.+)"$/.exec(target);
    const source = quoted ? this.catalog.getSource(quoted[1] ?? quoted[2]!) : (this.catalog.getSource(target.toUpperCase()) ?? this.catalog.getSource(target));
    if (!source) throw new KsqlError(`Cannot insert values into an unknown stream/table: \`${target}\``);
    await insertJsonRow(this.log, source, row, this.config);
  }

  info(): ServerInfo {
    return { version: VERSION, kafkaClusterId: 'eddy-embedded', ksqlServiceId: this.serviceId, serverStatus: 'RUNNING' };
  }

  healthy(): boolean {
    return !this.closed;
  }

  async clusterStatus(self: string): Promise<unknown> {
    return (await this.queries.service.clusterStatus?.(self)) ?? { clusterStatus: {} };
  }

  /** Processes everything available to every persistent query (tests, conformance runner). */
  async drain(): Promise<void> {
    await this.queries.service.drain();
    await this.processingLog.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.follower);
    await this.queue.catch(() => undefined);
    await this.connectors.close();
    await this.queries.closeAll();
    await this.queries.service.close();
    await this.processingLog.flush();
    await this.schemaRegistry?.close();
    await this.log.close();
  }

  /** Running-state handle of a persistent query (tests). */
  runningQuery(id: string): RunningQuery | undefined {
    return this.queries.handle(id);
  }

  /** The cluster's consumer groups plus this server's running persistent queries. */
  async consumerGroups(): Promise<ConsumerGroupInfo[]> {
    const queries = this.queries.runningIds().map((id) => ({
      queryId: id,
      properties: mergeProperties(this.config, this.queries.overridesOf(id)),
      sourceTopics: (this.queries.plan(id)?.sources ?? []).flatMap((s) => this.catalog.getSource(s)?.topic ?? []),
    }));
    return withOwnQueries(await consumerGroupsOf(this.log, this.groupMembership, this.config), await ownQueryConsumers(this.log, queries));
  }
}

/** A failure of one statement, with its text and the entities of the statements before it. */
function statementError(e: unknown, stmt: Statement, entities: KsqlEntity[]): KsqlError {
  if (e instanceof StatementError) return e;
  const message = withPosition(e instanceof Error ? e.message : String(e), e);
  // Wrong-endpoint, assertion and registry errors keep their codes.
  const code = e instanceof KsqlError && e.errorCode !== 40000 ? e.errorCode : 40001;
  // A planner may name the statement as ksqlDB does (CSAS/CTAS: the sanitized, formatted text).
  const text = (e as { statementText?: unknown } | null)?.statementText;
  const err = new StatementError(message, typeof text === 'string' ? text : stmt.text, entities, code);
  err.cause = e;
  return err;
}

function parseSingleInRequest(sql: string, variables: Record<string, string>): Statement {
  try {
    return parseSingle(sql, variables);
  } catch (e) {
    const err = new StatementError((e as Error).message, sql);
    err.cause = e;
    throw err;
  }
}

/**
 * Planning errors that know where in the statement they arose (a column, a function call)
 * say so, as ksqlDB does for some: `Line: 1, Col: 8: SELECT column 'FOO' cannot be resolved.`
 */
function withPosition(message: string, e: unknown): string {
  // Parse errors carry their position in their own words ("line 1:8: ...").
  if (!(e instanceof EddyError) || (e.kind !== 'plan' && e.kind !== 'expression')) return message;
  const loc = positionOf(e);
  if (!loc) return message;
  if (/^line \d+:\d+/i.test(message) || /^Line: \d+, Col: \d+/.test(message)) return message;
  return `Line: ${loc.line}, Col: ${loc.column}: ${message}`;
}
