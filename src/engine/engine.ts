// The engine: executes statements against the catalog, makes catalog changes durable
// through the command topic, and hands queries to the query service.

import { mkdirSync } from 'node:fs';
import type { Statement, CreateSource, CreateAsSelect, InsertInto, DropSource, AlterSource, CreateType, DropType, Show, QueryControl, Explain, DescribeSource, DescribeSources, AssertTopic, InsertValues } from '../parser/ast.js';
import type { DataSource, PersistentQueryInfo } from '../catalog/model.js';
import type { TopicLog } from '../log/topic-log.js';
import type { FunctionRegistry } from '../functions/registry.js';
import type { PersistentQueryPlan, QueryService, QueryServiceContext, RunningQuery } from '../runtime/contract.js';
import { formatType } from '../common/types.js';
import { Catalog } from '../catalog/catalog.js';
import { checkOverridable, loadServerConfig, mergeProperties, PropertyError } from '../config/index.js';
import {
  KsqlError,
  StatementError,
  type EngineApi,
  type KsqlEntity,
  type QueryStream,
  type RequestContext,
  type ServerInfo,
} from './api.js';
import { CommandLog, COMMAND_LOG_VERSION, commandTopicName } from './command-log.js';
import { planCreateSource, buildSchema } from './ddl.js';
import {
  currentStatus,
  describeFunction,
  entity,
  functionListItem,
  propertyItems,
  runningQueryItem,
  schemaInfo,
  sourceDescription,
  sourceListItem,
  warningEntity,
} from './entities.js';
import { resolveType } from './sql-types.js';
import { parseWithProperties } from './with-properties.js';
import { PROCESSING_LOG_SCHEMA, PROCESSING_LOG_STREAM, ProcessingLogWriter, processingLogTopic } from '../runtime/processing-log.js';
import { parseRequest, parseSingle } from './parse.js';
import { insertValues, insertJsonRow } from './insert-values.js';
import { openPrint } from './print.js';
import { showTopics } from './show-topics.js';
import { consumerGroupsOf, ownQueryConsumers, withOwnQueries, type ConsumerGroupInfo, type GroupMembership } from './consumer-groups.js';
import { defaultLog, defaultFunctions, defaultQueryService } from './defaults.js';

export interface EngineOptions {
  dataDir: string;
  log?: TopicLog;
  properties?: Record<string, unknown>;
  queryService?: QueryService;
  functions?: FunctionRegistry;
}

/** Per-request state: SET overrides and DEFINEd variables scoped to the rest of the request. */
interface Session {
  overrides: Record<string, unknown>;
  variables: Record<string, string>;
}

/** What a prepared distributed statement does once its command is in the log. */
interface Prepared {
  commandId: string;
  apply: (sequence: number) => Promise<KsqlEntity | undefined>;
}

const VERSION = '0.1.0';

export class Engine implements EngineApi {
  readonly catalog = new Catalog();
  readonly config: Record<string, unknown>;
  readonly processingLog: ProcessingLogWriter;
  private readonly commandLog: CommandLog;
  private readonly running = new Map<string, RunningQuery>();
  private readonly plans = new Map<string, PersistentQueryPlan>();
  /** The request overrides each persistent query was created with. */
  private readonly queryOverrides = new Map<string, Record<string, unknown>>();
  private readonly transient = new Map<string, QueryStream>();
  /** Serialises statement execution so sequence numbers and the catalog stay consistent. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Live consumer group members (the embedded broker's coordinator), for SHOW TOPICS EXTENDED. */
  groupMembership?: GroupMembership;
  private replaying = false;
  private closed = false;

  private constructor(
    readonly dataDir: string,
    readonly log: TopicLog,
    readonly functions: FunctionRegistry,
    private readonly queryService: QueryService | undefined,
    config: Record<string, unknown>,
  ) {
    this.config = config;
    this.commandLog = new CommandLog(log, commandTopicName(this.serviceId));
    this.processingLog = new ProcessingLogWriter(log, processingLogTopic(config));
  }

  static async open(options: EngineOptions): Promise<Engine> {
    mkdirSync(options.dataDir, { recursive: true });
    const config = loadServerConfig({ overrides: options.properties ?? {} });
    const log = options.log ?? (await defaultLog(options.dataDir, config));
    const functions = options.functions ?? defaultFunctions();
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
    await this.commandLog.ensureTopic();
    await this.setUpProcessingLog();
    await this.replay();
  }

  private async setUpProcessingLog(): Promise<void> {
    const topic = this.processingLog.topic;
    if (this.config['ksql.logging.processing.topic.auto.create'] !== false && !(await this.log.describeTopic(topic))) {
      try {
        await this.log.createTopic(topic, { partitions: 1, replicationFactor: 1 });
      } catch (e) {
        if (!(await this.log.describeTopic(topic))) throw e;
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

  /** Rebuilds the catalog from the command topic, then starts the queries still alive. */
  private async replay(): Promise<void> {
    const commands = await this.commandLog.readAll();
    this.replaying = true;
    try {
      for (const c of commands) {
        const session: Session = { overrides: { ...c.command.streamsProperties }, variables: {} };
        try {
          const stmt = parseSingle(c.command.statement);
          const prepared = await this.prepare(stmt, session, c.sequence);
          if (prepared) await prepared.apply(c.sequence);
        } catch (e) {
          process.emitWarning(`Skipping command ${c.commandId} (#${c.sequence}) on replay: ${(e as Error).message}`);
        }
      }
    } finally {
      this.replaying = false;
    }
    for (const plan of this.plans.values()) {
      const info = this.catalog.getQuery(plan.queryId);
      if (!info || this.running.has(plan.queryId)) continue;
      try {
        const q = this.queryServiceOrFail().start(plan, this.queryContext(this.queryOverrides.get(plan.queryId) ?? {}));
        this.running.set(plan.queryId, q);
        if (info.state === 'PAUSED') q.pause();
      } catch (e) {
        info.state = 'ERROR';
        process.emitWarning(`Could not restart query ${plan.queryId}: ${(e as Error).message}`);
      }
    }
  }

  // ------------------------------------------------------------------ public API

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
        throw this.statementError(e, stmt, entities);
      }
    }
    return entities;
  }

  private statementError(e: unknown, stmt: Statement, entities: KsqlEntity[]): KsqlError {
    if (e instanceof StatementError) return e;
    const message = withPosition(e instanceof Error ? e.message : String(e), e);
    // Wrong-endpoint, assertion and registry errors keep their codes.
    const code = e instanceof KsqlError && e.errorCode !== 40000 ? e.errorCode : 40001;
    const err = new StatementError(message, stmt.text, entities, code);
    err.cause = e;
    return err;
  }

  /** Runs one parsed statement in a session (exposed for the conformance runner). */
  async executeStatement(stmt: Statement, session: Session = { overrides: {}, variables: {} }): Promise<KsqlEntity | undefined> {
    const local = await this.executeLocal(stmt, session);
    if (local !== NOT_LOCAL) return local;
    const sequence = await this.commandLog.nextSequence();
    const prepared = await this.prepare(stmt, session, sequence);
    if (!prepared) return undefined;
    if (prepared.commandId === '') return prepared.apply(sequence);
    const written = await this.commandLog.append(prepared.commandId, {
      statement: stmt.text,
      streamsProperties: { ...session.overrides },
      originalProperties: {},
      version: COMMAND_LOG_VERSION,
    });
    if (written !== sequence) {
      throw new KsqlError(`Command topic ${this.commandTopic} moved while executing: expected offset ${sequence}, got ${written}`, 50000);
    }
    return prepared.apply(sequence);
  }

  async query(sql: string, context: RequestContext): Promise<QueryStream> {
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
      const stream = await this.queryServiceOrFail().runTransient(stmt, this.queryContext(context.properties));
      if (stream.kind === 'push') {
        this.transient.set(stream.header.queryId, stream);
        void stream.finalMessage.finally(() => this.transient.delete(stream.header.queryId));
      }
      return stream;
    } catch (e) {
      throw this.statementError(e, stmt, []);
    }
  }

  closeQuery(queryId: string): boolean {
    const q = this.transient.get(queryId);
    if (!q) return false;
    q.close();
    this.transient.delete(queryId);
    return true;
  }

  async insertRow(target: string, row: Record<string, unknown>): Promise<void> {
    const source = this.catalog.getSource(target);
    if (!source) throw new KsqlError(`Cannot insert values into an unknown stream/table: \`${target}\``);
    await insertJsonRow(this.log, source, row, this.config);
  }

  info(): ServerInfo {
    return { version: VERSION, kafkaClusterId: 'eddy-embedded', ksqlServiceId: this.serviceId, serverStatus: 'RUNNING' };
  }

  healthy(): boolean {
    return !this.closed;
  }

  /** Processes everything available to every persistent query (tests, conformance runner). */
  async drain(): Promise<void> {
    if (this.queryService) await this.queryService.drain();
    await this.processingLog.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    for (const q of this.transient.values()) q.close();
    this.transient.clear();
    for (const q of this.running.values()) {
      await q.stop(false).catch(() => undefined);
    }
    this.running.clear();
    if (this.queryService) await this.queryService.close();
    await this.processingLog.flush();
    await this.log.close();
  }

  /** Running-state handle of a persistent query (tests). */
  runningQuery(id: string): RunningQuery | undefined {
    return this.running.get(id);
  }

  // ------------------------------------------------------------------ helpers

  private queryServiceOrFail(): QueryService {
    if (!this.queryService) {
      throw new KsqlError('Persistent and transient queries are not available: this server has no query service configured.');
    }
    return this.queryService;
  }

  private queryContext(overrides: Record<string, unknown>): QueryServiceContext {
    return {
      catalog: this.catalog,
      log: this.log,
      functions: this.functions,
      dataDir: this.dataDir,
      properties: mergeProperties(this.config, overrides),
    };
  }

  /** The cluster's consumer groups plus this server's running persistent queries. */
  private async consumerGroups(): Promise<ConsumerGroupInfo[]> {
    const running = [...this.running].filter(([, q]) => q.state === 'RUNNING');
    const queries = running.map(([id]) => ({
      queryId: id,
      properties: mergeProperties(this.config, this.queryOverrides.get(id) ?? {}),
      sourceTopics: (this.plans.get(id)?.sources ?? []).flatMap((s) => this.catalog.getSource(s)?.topic ?? []),
    }));
    return withOwnQueries(await consumerGroupsOf(this.log, this.groupMembership, this.config), await ownQueryConsumers(this.log, queries));
  }

  private props(session: Session): Record<string, unknown> {
    return mergeProperties(this.config, session.overrides);
  }

  // ------------------------------------------------------------------ local statements

  private async executeLocal(stmt: Statement, session: Session): Promise<KsqlEntity | undefined | typeof NOT_LOCAL> {
    switch (stmt.kind) {
      case 'Select':
      case 'Print':
        throw new KsqlError(
          `The following statement types should be issued to the websocket endpoint '/query': * PRINT * SELECT. Statement: ${stmt.text} (use the /query endpoint)`,
          40002,
        );
      case 'SetProperty':
        try {
          checkOverridable(stmt.name, this.config);
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
        return this.show(stmt, session);
      case 'DescribeSource':
        return this.describeSource(stmt);
      case 'DescribeSources':
        return this.describeSources(stmt);
      case 'DescribeFunction': {
        const doc = this.functions.describe(stmt.name);
        if (!doc) throw new KsqlError(`Can't find any functions with the name '${stmt.name}'`);
        return describeFunction(stmt.text, doc);
      }
      case 'Explain':
        return this.explain(stmt, session);
      case 'InsertValues':
        await this.insertValues(stmt, session);
        return undefined;
      case 'AssertTopic':
        return this.assertTopic(stmt);
      case 'AssertSchema':
        throw new KsqlError(
          `Cannot check schema ${stmt.subject ?? stmt.id ?? ''}: no Schema Registry is configured (ksql.schema.registry.url)`,
          41700,
        );
      case 'TerminateQuery':
        if (stmt.queryId && this.transient.has(stmt.queryId)) {
          this.closeQuery(stmt.queryId);
          return entity('terminate_query', stmt.text, { queryId: stmt.queryId, wasTerminated: true });
        }
        return NOT_LOCAL;
      case 'CreateConnector':
      case 'DropConnector':
      case 'DescribeConnector':
        throw new KsqlError('Connectors are not supported: no Kafka Connect cluster configured (ksql.connect.url)');
      case 'RunScript':
        throw new KsqlError('RUN SCRIPT is a CLI command: the CLI reads the file and sends its statements.');
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

  private async show(stmt: Show, session: Session): Promise<KsqlEntity> {
    switch (stmt.what) {
      case 'STREAMS':
      case 'TABLES': {
        const type = stmt.what === 'STREAMS' ? 'STREAM' : 'TABLE';
        if (stmt.extended) {
          return this.describeSources({ kind: 'DescribeSources', sourceType: type, extended: true, text: stmt.text, loc: stmt.loc });
        }
        const key = stmt.what === 'STREAMS' ? 'streams' : 'tables';
        return entity(key, stmt.text, { [key]: this.catalog.listSources(type).map(sourceListItem) });
      }
      case 'TOPICS': {
        const shown = await showTopics({
          log: this.log,
          all: stmt.all,
          extended: stmt.extended,
          hiddenTopics: this.config['ksql.hidden.topics'],
          consumerGroups: () => this.consumerGroups(),
        });
        return entity(shown.type, stmt.text, shown.body);
      }
      case 'QUERIES': {
        if (stmt.extended) {
          return entity('query_descriptions', stmt.text, {
            queryDescriptions: this.catalog.listQueries().map((q) => this.queryDescription(q)),
          });
        }
        const persistent = this.catalog.listQueries().map((q) => runningQueryItem(this.live(q)));
        const push = [...this.transient.values()].map((t) => ({
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
        const all = this.props(session);
        const overridden = new Set(Object.keys(session.overrides));
        return entity('properties', stmt.text, {
          properties: propertyItems(all, overridden),
          overwrittenProperties: [...overridden].sort(),
          defaultProperties: Object.keys(all).filter((k) => !overridden.has(k) && !(k in (this.config as object))),
        });
      }
      case 'VARIABLES':
        return entity('variables', stmt.text, {
          variables: Object.entries(session.variables).map(([name, value]) => ({ name, value })),
        });
      case 'TYPES': {
        const types: Record<string, unknown> = {};
        for (const t of this.catalog.listTypes()) types[t.name] = schemaInfo(t.type);
        return entity('type_list', stmt.text, { types });
      }
      case 'FUNCTIONS':
        return entity('function_names', stmt.text, {
          functions: this.functions
            .list()
            .map(functionListItem)
            .sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1)),
        });
      default:
        throw new KsqlError('Connectors are not supported: no Kafka Connect cluster configured (ksql.connect.url)');
    }
  }

  private async describeSourceBody(name: string, extended: boolean): Promise<Record<string, unknown>> {
    const source = this.catalog.getSource(name);
    if (!source) throw new KsqlError(`Could not find STREAM/TABLE '${name}' in the Metastore`);
    const readQueries = this.catalog.readersOf(name);
    const writeQueries = this.catalog.writersOf(name);
    const derived = readQueries.filter((q) => q.sink !== name && this.catalog.getSource(q.sink)?.createdByQuery === q.id).map((q) => q.sink);
    return sourceDescription({
      source,
      extended,
      readQueries: readQueries.map((q) => this.live(q)),
      writeQueries: writeQueries.map((q) => this.live(q)),
      topic: extended ? await this.log.describeTopic(source.topic) : undefined,
      sourceConstraints: derived,
    });
  }

  private async describeSource(stmt: DescribeSource): Promise<KsqlEntity> {
    return entity('sourceDescription', stmt.text, { sourceDescription: await this.describeSourceBody(stmt.name, stmt.extended) });
  }

  private async describeSources(stmt: DescribeSources): Promise<KsqlEntity> {
    const out = [];
    for (const s of this.catalog.listSources(stmt.sourceType)) out.push(await this.describeSourceBody(s.name, stmt.extended));
    return entity('source_descriptions', stmt.text, { sourceDescriptions: out });
  }

  /** A query's catalog entry with the state its running handle reports. */
  private live(q: PersistentQueryInfo): PersistentQueryInfo {
    const r = this.running.get(q.id);
    return r ? { ...q, state: r.state } : q;
  }

  private queryDescription(q: PersistentQueryInfo): Record<string, unknown> {
    const plan = this.plans.get(q.id);
    const sink = this.catalog.getSource(q.sink);
    return {
      id: q.id,
      statementText: q.sqlText,
      windowType: sink?.keyFormat.window?.type ?? null,
      fields: sink ? [...sink.schema.key, ...sink.schema.value].map((c) => ({ name: c.name, schema: schemaInfo(c.type), ...(c.namespace === 'KEY' ? { type: 'KEY' } : {}) })) : [],
      sources: q.sources,
      sinks: [q.sink],
      topology: plan?.explain ?? '',
      executionPlan: plan?.explain ?? '',
      overriddenProperties: this.queryOverrides.get(q.id) ?? {},
      ksqlHostQueryStatus: {},
      queryType: 'PERSISTENT',
      queryErrors: [],
      tasksMetadata: [],
      state: this.live(q).state,
    };
  }

  private async explain(stmt: Explain, session: Session): Promise<KsqlEntity> {
    if (stmt.queryId !== undefined) {
      const q = this.catalog.getQuery(stmt.queryId);
      if (!q) throw new KsqlError(`Query with id:${stmt.queryId} does not exist, use SHOW QUERIES to view the full set of queries.`);
      return entity('queryDescription', stmt.text, { queryDescription: this.queryDescription(q) });
    }
    const inner = stmt.statement!;
    const ctx = this.queryContext(session.overrides);
    if (inner.kind === 'Select') {
      const text = this.queryServiceOrFail().explainSelect(inner, ctx);
      return entity('queryDescription', stmt.text, {
        queryDescription: {
          id: '', statementText: inner.text, windowType: null, fields: [], sources: [inner.query.from.name], sinks: [],
          topology: text, executionPlan: text, overriddenProperties: session.overrides, ksqlHostQueryStatus: {},
          queryType: 'PUSH', queryErrors: [], tasksMetadata: [], state: null,
        },
      });
    }
    if (inner.kind === 'CreateAsSelect' || inner.kind === 'InsertInto') {
      const plan = this.queryServiceOrFail().planPersistent(inner, queryIdFor(inner, 'EXPLAIN'), ctx);
      return entity('queryDescription', stmt.text, {
        queryDescription: {
          id: plan.queryId, statementText: inner.text, windowType: plan.sink.keyFormat.window?.type ?? null,
          fields: [...plan.sink.schema.key, ...plan.sink.schema.value].map((c) => ({ name: c.name, schema: schemaInfo(c.type), ...(c.namespace === 'KEY' ? { type: 'KEY' } : {}) })),
          sources: plan.sources, sinks: [plan.sink.name], topology: plan.explain, executionPlan: plan.explain,
          overriddenProperties: session.overrides, ksqlHostQueryStatus: {}, queryType: 'PERSISTENT', queryErrors: [],
          tasksMetadata: [], state: null,
        },
      });
    }
    throw new KsqlError('EXPLAIN is only supported for SELECT, CREATE ... AS SELECT and INSERT INTO statements, or a query id.');
  }

  private async assertTopic(stmt: AssertTopic): Promise<KsqlEntity> {
    const props = Object.fromEntries(stmt.properties.map((p) => [p.name.toUpperCase(), p.value.value]));
    for (const k of Object.keys(props)) {
      if (k !== 'PARTITIONS' && k !== 'REPLICAS') throw new KsqlError(`Cannot assert unknown topic property: ${k}`);
    }
    const timeout = stmt.timeout?.ms ?? Number(this.config['ksql.assert.topic.default.timeout.ms'] ?? 1000);
    const deadline = Date.now() + timeout;
    let problem = '';
    for (;;) {
      const t = await this.log.describeTopic(stmt.topic);
      if (stmt.exists) {
        if (!t) problem = `Topic ${stmt.topic} does not exist`;
        else {
          const errs: string[] = [];
          if (props.PARTITIONS !== undefined && Number(props.PARTITIONS) !== t.partitions) {
            errs.push(`Mismatched configuration for topic ${stmt.topic}: For config partitions, expected ${String(props.PARTITIONS)} got ${t.partitions}`);
          }
          if (props.REPLICAS !== undefined && Number(props.REPLICAS) !== t.replicationFactor) {
            errs.push(`Mismatched configuration for topic ${stmt.topic}: For config replicas, expected ${String(props.REPLICAS)} got ${t.replicationFactor}`);
          }
          problem = errs.join('\n');
        }
      } else {
        problem = t ? `Topic ${stmt.topic} exists` : '';
      }
      if (problem === '' || Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, deadline - Date.now()))));
    }
    if (problem !== '') throw new KsqlError(problem, 41700);
    return entity('assert_topic', stmt.text, { topicName: stmt.topic, exists: stmt.exists });
  }

  private async insertValues(stmt: InsertValues, session: Session): Promise<void> {
    const props = this.props(session);
    if (props['ksql.insert.into.values.enabled'] === false) {
      throw new KsqlError('The server has disabled INSERT INTO ... VALUES functionality. To enable it, restart your ksqlDB server with \'ksql.insert.into.values.enabled\'=true');
    }
    const source = this.catalog.getSource(stmt.target);
    if (!source) {
      const other = this.catalog.findCaseInsensitive(stmt.target);
      let hint = '';
      if (other) {
        hint =
          other.name === other.name.toUpperCase()
            ? `\nDid you mean ${other.name}? Hint: try removing double quotes from the source name.`
            : `\nDid you mean "${other.name}"? Hint: wrap the source name in double quotes to make it case-sensitive.`;
      }
      throw new KsqlError(`Cannot insert values into an unknown stream/table: \`${stmt.target}\`${hint}`);
    }
    await insertValues(this.log, source, stmt, props, this.catalog, this.functions);
  }

  // ------------------------------------------------------------------ distributed statements

  /**
   * Validates a catalog-changing statement and returns what applying it does; `sequence`
   * is the command sequence number it will have. Returns undefined for no-ops.
   */
  private async prepare(stmt: Statement, session: Session, sequence: number): Promise<Prepared | undefined> {
    switch (stmt.kind) {
      case 'CreateSource':
        return this.prepareCreateSource(stmt, session);
      case 'CreateAsSelect':
        return this.prepareCreateAsSelect(stmt, session, sequence);
      case 'InsertInto':
        return this.prepareInsertInto(stmt, session, sequence);
      case 'DropSource':
        return this.prepareDrop(stmt);
      case 'AlterSource':
        return this.prepareAlter(stmt);
      case 'CreateType':
        return this.prepareCreateType(stmt);
      case 'DropType':
        return this.prepareDropType(stmt);
      case 'TerminateQuery':
      case 'PauseQuery':
      case 'ResumeQuery':
        return this.prepareQueryControl(stmt);
      default:
        throw new KsqlError(`Unsupported statement: ${stmt.kind}`);
    }
  }

  private existingConflict(kind: 'STREAM' | 'TABLE', name: string, orReplace: boolean): string | undefined {
    const existing = this.catalog.getSource(name);
    if (!existing) return undefined;
    const noun = kind.toLowerCase();
    if (existing.sourceType !== kind) {
      return `Cannot add ${noun} '${name}': A ${existing.sourceType.toLowerCase()} with the same name already exists`;
    }
    if (!orReplace) return `Cannot add ${noun} '${name}': A ${noun} with the same name already exists`;
    return undefined;
  }

  private async prepareCreateSource(stmt: CreateSource, session: Session): Promise<Prepared | undefined> {
    const noun = stmt.sourceType.toLowerCase();
    const existing = this.catalog.getSource(stmt.name);
    if (stmt.orReplace && stmt.isSource) {
      throw new KsqlError(`Cannot add ${noun} '${stmt.name}': CREATE OR REPLACE is not supported on source ${noun}s.`);
    }
    if (existing) {
      if (stmt.ifNotExists && !stmt.orReplace) return this.skipped(stmt, `Cannot add ${noun} '${stmt.name}': A ${noun} with the same name already exists`);
      const conflict = this.existingConflict(stmt.sourceType, stmt.name, stmt.orReplace);
      if (conflict) throw new KsqlError(conflict);
      if (existing.isSource) {
        throw new KsqlError(`Cannot add ${noun} '${stmt.name}': CREATE OR REPLACE is not supported on source ${noun}s.`);
      }
      if (existing.createdByQuery) {
        throw new KsqlError(`Cannot add ${noun} '${stmt.name}': it is created by query ${existing.createdByQuery}; use CREATE OR REPLACE ... AS SELECT to change it.`);
      }
    }
    const props = this.props(session);
    const topicName = stmt.properties.find((p) => p.name.toUpperCase() === 'KAFKA_TOPIC')?.value.value;
    const topic = typeof topicName === 'string' ? await this.log.describeTopic(topicName) : undefined;
    const planned = planCreateSource(stmt, this.catalog, props, topic);
    const materialize = stmt.isSource && stmt.sourceType === 'TABLE' && props['ksql.source.table.materialization.enabled'] !== false;
    return {
      commandId: `${noun}/${stmt.name}/create`,
      apply: async (sequence) => {
        if (planned.createTopic && !(await this.log.describeTopic(planned.createTopic.name))) {
          await this.log.createTopic(planned.createTopic.name, planned.createTopic.spec);
        }
        this.catalog.putSource(planned.source);
        if (materialize) this.materializeSourceTable(planned.source, stmt.text, sequence, session.overrides);
        return currentStatus(stmt.text, `${noun}/${stmt.name}/create`, `${stmt.sourceType === 'STREAM' ? 'Stream' : 'Table'} created`, sequence);
      },
    };
  }

  /** CREATE SOURCE TABLE: a hidden CST_<NAME>_<n> query keeps the table in a SQLite store for pull queries. */
  private materializeSourceTable(source: DataSource, sqlText: string, sequence: number, sessionOverrides: Record<string, unknown>): void {
    const service = this.queryServiceOrFail();
    if (!service.planSourceTable) return;
    // The table is the whole topic, including what was written before it was declared.
    const overrides = { ...sessionOverrides, 'auto.offset.reset': 'earliest' };
    const plan = service.planSourceTable(source, `CST_${source.name}_${sequence}`, this.queryContext(overrides));
    this.catalog.putSource(plan.sink);
    this.registerQuery(plan, sqlText, overrides);
    this.startQuery(plan, overrides);
  }

  /** IF NOT EXISTS on a taken name: nothing to distribute, a warning to return. */
  private skipped(stmt: Statement, message: string): Prepared {
    return { commandId: '', apply: async () => warningEntity(stmt.text, message) };
  }

  private async prepareCreateAsSelect(stmt: CreateAsSelect, session: Session, sequence: number): Promise<Prepared | undefined> {
    const noun = stmt.sourceType.toLowerCase();
    const existing = this.catalog.getSource(stmt.name);
    let queryId = queryIdFor(stmt, String(sequence));
    let replacing: PersistentQueryInfo | undefined;
    if (existing) {
      if (stmt.ifNotExists && !stmt.orReplace) return this.skipped(stmt, `Cannot add ${noun} '${stmt.name}': A ${noun} with the same name already exists`);
      const conflict = this.existingConflict(stmt.sourceType, stmt.name, stmt.orReplace);
      if (conflict) throw new KsqlError(conflict);
      if (existing.isSource) throw new KsqlError(`Cannot add ${noun} '${stmt.name}': CREATE OR REPLACE is not supported on source ${noun}s.`);
      const writers = this.catalog.writersOf(stmt.name);
      if (writers.length > 1) {
        throw new KsqlError(
          `Cannot upgrade data source '${stmt.name}' because it is written to by more than one query: ${writers.map((w) => w.id).join(', ')}`,
        );
      }
      if (existing.createdByQuery) {
        replacing = this.catalog.getQuery(existing.createdByQuery);
        if (replacing) queryId = replacing.id;
      }
    }
    parseWithProperties(stmt.properties, 'createAsSelect');
    const ctx = this.queryContext(session.overrides);
    const plan = this.queryServiceOrFail().planPersistent(stmt, queryId, ctx);
    if (plan.sink.sourceType !== stmt.sourceType) {
      const produces = plan.sink.sourceType;
      throw new KsqlError(
        `Invalid result type. Your SELECT query produces a ${produces}. Please use CREATE ${produces} AS SELECT statement instead.`,
      );
    }
    const commandId = `${noun}/${stmt.name}/create`;
    return {
      commandId,
      apply: async (seq) => {
        if (replacing) await this.stopQuery(replacing.id, false);
        await this.ensureSinkTopic(plan);
        this.catalog.putSource({ ...plan.sink, createdByQuery: queryId, sqlText: stmt.text });
        this.registerQuery(plan, stmt.text, session.overrides);
        this.startQuery(plan, session.overrides);
        return currentStatus(stmt.text, commandId, `Created query with ID ${queryId}`, seq, queryId);
      },
    };
  }

  private async prepareInsertInto(stmt: InsertInto, session: Session, sequence: number): Promise<Prepared> {
    const target = this.catalog.getSource(stmt.target);
    if (!target) throw new KsqlError(`Sink does not exist for the INSERT INTO statement: ${stmt.target}`);
    if (target.sourceType !== 'STREAM') {
      throw new KsqlError(`INSERT INTO can only be used to insert into a stream. ${stmt.target} is a table.`);
    }
    if (target.isSource) throw new KsqlError(`Cannot insert into read-only stream: ${stmt.target}`);
    if (target.schema.value.some((c) => c.namespace === 'HEADER')) {
      throw new KsqlError(`Cannot insert into ${stmt.target} because it has header columns`);
    }
    const props = parseWithProperties(stmt.properties, 'insertInto');
    let queryId = `INSERTQUERY_${sequence}`;
    if (props.QUERY_ID !== undefined) {
      const id = String(props.QUERY_ID);
      if (!/^[A-Za-z0-9_]+$/.test(id)) {
        throw new KsqlError(`Query IDs may contain only alphanumeric characters and '_'. Got: '${id}'`);
      }
      queryId = id.toUpperCase();
      if (/^(CTAS_|CSAS_|INSERTQUERY_|CST_)/.test(queryId)) {
        throw new KsqlError(`Query IDs must not start with a reserved query ID prefix (CTAS_, CSAS_, INSERTQUERY_, CST_). Got: '${id}'`);
      }
      if (this.catalog.getQuery(queryId) && !this.replaying) {
        throw new KsqlError(`Query ID '${queryId}' already exists.`);
      }
    }
    const plan = this.queryServiceOrFail().planPersistent(stmt, queryId, this.queryContext(session.overrides));
    const commandId = `stream/${stmt.target}/create`;
    return {
      commandId,
      apply: async (seq) => {
        this.registerQuery(plan, stmt.text, session.overrides);
        this.startQuery(plan, session.overrides);
        return currentStatus(stmt.text, commandId, `Created query with ID ${queryId}`, seq, queryId);
      },
    };
  }

  private async ensureSinkTopic(plan: PersistentQueryPlan): Promise<void> {
    const existing = await this.log.describeTopic(plan.sink.topic);
    if (!existing) {
      await this.log.createTopic(plan.sink.topic, plan.sinkTopic);
    }
  }

  private registerQuery(plan: PersistentQueryPlan, sqlText: string, overrides: Record<string, unknown>): void {
    this.plans.set(plan.queryId, plan);
    this.catalog.putQuery({
      id: plan.queryId,
      sqlText,
      sources: plan.sources,
      sink: plan.sink.name,
      sinkTopic: plan.sink.topic,
      state: 'RUNNING',
    });
    this.queryOverrides.set(plan.queryId, { ...overrides });
  }

  /** Starts a planned query now, or (during replay) once the whole command topic is read. */
  private startQuery(plan: PersistentQueryPlan, overrides: Record<string, unknown>): void {
    if (this.replaying) return;
    const q = this.queryServiceOrFail().start(plan, this.queryContext(overrides));
    this.running.set(plan.queryId, q);
  }

  private async stopQuery(id: string, cleanup: boolean): Promise<void> {
    const q = this.running.get(id);
    this.running.delete(id);
    this.plans.delete(id);
    this.queryOverrides.delete(id);
    this.catalog.removeQuery(id);
    if (q) await q.stop(cleanup);
  }

  private async prepareDrop(stmt: DropSource): Promise<Prepared | undefined> {
    const source = this.catalog.getSource(stmt.name);
    const noun = stmt.sourceType === 'STREAM' ? 'Stream' : 'Table';
    if (!source) {
      if (stmt.ifExists) return this.skipped(stmt, `Source \`${stmt.name}\` does not exist.`);
      throw new KsqlError(`${noun} ${stmt.name} does not exist.`);
    }
    if (source.sourceType !== stmt.sourceType) {
      throw new KsqlError(`Incompatible data source type is ${source.sourceType}, but statement was DROP ${stmt.sourceType}`);
    }
    if (stmt.deleteTopic && source.isSource) throw new KsqlError(`Cannot delete topic for read-only source: ${stmt.name}`);
    if (source.name === PROCESSING_LOG_STREAM && source.topic === this.processingLog.topic && stmt.deleteTopic) {
      throw new KsqlError(`Cannot delete the processing log topic ${source.topic}`);
    }
    // A SOURCE TABLE's own CST_ query reads it to materialize it; DROP stops that query.
    const readers = this.catalog.readersOf(stmt.name).filter((q) => q.id !== source.createdByQuery);
    const derived = readers.filter((q) => q.sink !== stmt.name && this.catalog.getSource(q.sink)?.createdByQuery === q.id);
    if (derived.length > 0) {
      throw new KsqlError(
        `Cannot drop ${stmt.name}.\nThe following streams and/or tables read from this source: [${derived.map((q) => q.sink).join(', ')}].\nYou need to drop them before dropping ${stmt.name}.`,
      );
    }
    const otherReaders = readers.filter((q) => !derived.includes(q));
    const otherWriters = this.catalog.writersOf(stmt.name).filter((q) => q.id !== source.createdByQuery);
    if (otherReaders.length > 0 || otherWriters.length > 0) {
      throw new KsqlError(
        `Cannot drop ${stmt.name}.\nThe following queries read from this source: [${otherReaders.map((q) => q.id).join(', ')}].\nThe following queries write into this source: [${otherWriters.map((q) => q.id).join(', ')}].\nYou need to terminate them before dropping ${stmt.name}.`,
      );
    }
    const commandId = `${stmt.sourceType.toLowerCase()}/${stmt.name}/drop`;
    return {
      commandId,
      apply: async (seq) => {
        if (source.createdByQuery) await this.stopQuery(source.createdByQuery, true);
        this.catalog.removeSource(stmt.name);
        if (stmt.deleteTopic) {
          await this.log.deleteTopic(source.topic).catch(() => undefined);
        }
        return currentStatus(stmt.text, commandId, `Source \`${stmt.name}\` (topic: ${source.topic}) was dropped.`, seq);
      },
    };
  }

  private async prepareAlter(stmt: AlterSource): Promise<Prepared> {
    const noun = stmt.sourceType.toLowerCase();
    const source = this.catalog.getSource(stmt.name);
    if (!source) throw new KsqlError(`Source ${stmt.name} does not exist.`);
    if (source.sourceType !== stmt.sourceType) {
      throw new KsqlError(`Incompatible data source type is ${source.sourceType}, but statement was ALTER ${stmt.sourceType}`);
    }
    if (source.isSource) throw new KsqlError(`Cannot alter ${noun} '${stmt.name}': ALTER operations are not supported on source ${noun}s.`);
    if (source.createdByQuery) {
      throw new KsqlError(`ALTER command is not supported for CREATE ${stmt.sourceType} AS SELECT statements.`);
    }
    const added = buildSchema({ sourceType: stmt.sourceType, elements: stmt.addColumns }, this.catalog);
    const existing = new Set([...source.schema.key, ...source.schema.value].map((c) => c.name));
    for (const c of [...added.key, ...added.value]) {
      if (existing.has(c.name)) {
        throw new KsqlError(`Cannot add column \`${c.name}\` to schema. A column with the same name already exists.`);
      }
    }
    if (added.key.length > 0) throw new KsqlError('Cannot add key columns with ALTER: only value columns can be added.');
    const commandId = `${noun}/${stmt.name}/alter`;
    return {
      commandId,
      apply: async (seq) => {
        this.catalog.putSource({
          ...source,
          schema: { key: source.schema.key, value: [...source.schema.value, ...added.value] },
        });
        return currentStatus(stmt.text, commandId, `${stmt.sourceType === 'STREAM' ? 'Stream' : 'Table'} altered`, seq);
      },
    };
  }

  private async prepareCreateType(stmt: CreateType): Promise<Prepared> {
    const existing = this.catalog.getType(stmt.name);
    if (existing) {
      const message = `Cannot register custom type '${stmt.name}' since it is already registered with type: ${formatType(existing)}`;
      if (stmt.ifNotExists) return this.skipped(stmt, message);
      throw new KsqlError(message);
    }
    const type = resolveType(stmt.type, this.catalog);
    const commandId = `type/${stmt.name}/create`;
    return {
      commandId,
      apply: async (seq) => {
        this.catalog.putType({ name: stmt.name, type });
        return currentStatus(stmt.text, commandId, `Registered custom type with name '${stmt.name}' and SQL type ${formatType(type)}`, seq);
      },
    };
  }

  private async prepareDropType(stmt: DropType): Promise<Prepared> {
    if (!this.catalog.getType(stmt.name)) {
      if (stmt.ifExists) return this.skipped(stmt, `Type ${stmt.name} does not exist.`);
      throw new KsqlError(`Type ${stmt.name} does not exist.`);
    }
    const commandId = `type/${stmt.name}/drop`;
    return {
      commandId,
      apply: async (seq) => {
        this.catalog.removeType(stmt.name);
        return currentStatus(stmt.text, commandId, `Dropped type '${stmt.name}'`, seq);
      },
    };
  }

  private async prepareQueryControl(stmt: QueryControl): Promise<Prepared> {
    const ids = stmt.all ? this.catalog.listQueries().map((q) => q.id) : [stmt.queryId!];
    for (const id of ids) {
      if (!this.catalog.getQuery(id)) {
        if (stmt.kind === 'TerminateQuery') throw new KsqlError(`Unknown queryId: ${id}`);
        throw new KsqlError(`Unknown queryId: ${id}`);
      }
    }
    const verb = stmt.kind === 'TerminateQuery' ? 'terminate' : stmt.kind === 'PauseQuery' ? 'pause' : 'resume';
    const commandId = `${verb}/${stmt.all ? 'ALL' : stmt.queryId}/execute`;
    return {
      commandId,
      apply: async (seq) => {
        for (const id of ids) {
          const info = this.catalog.getQuery(id);
          if (!info) continue;
          if (verb === 'terminate') {
            await this.stopQuery(id, true);
            const sink = this.catalog.getSource(info.sink);
            if (sink?.createdByQuery === id) this.catalog.putSource({ ...sink, createdByQuery: undefined });
          } else if (verb === 'pause') {
            info.state = 'PAUSED';
            this.running.get(id)?.pause();
          } else {
            info.state = 'RUNNING';
            this.running.get(id)?.resume();
          }
        }
        const message = verb === 'terminate' ? 'Query terminated.' : verb === 'pause' ? 'Query paused.' : 'Query resumed.';
        return currentStatus(stmt.text, commandId, message, seq);
      },
    };
  }
}

const NOT_LOCAL = Symbol('not-local');

/** CSAS_<SINK>_<n> / CTAS_<SINK>_<n> / INSERTQUERY_<n>. */
function queryIdFor(stmt: CreateAsSelect | InsertInto, n: string): string {
  if (stmt.kind === 'InsertInto') return `INSERTQUERY_${n}`;
  return `${stmt.sourceType === 'STREAM' ? 'CSAS' : 'CTAS'}_${stmt.name.toUpperCase()}_${n}`;
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
  const loc = (e as { loc?: { line?: unknown; column?: unknown } } | null)?.loc;
  if (!loc || typeof loc.line !== 'number' || typeof loc.column !== 'number') return message;
  if (/^line \d+:\d+/i.test(message) || /^Line: \d+, Col: \d+/.test(message)) return message;
  return `Line: ${loc.line}, Col: ${loc.column}: ${message}`;
}
