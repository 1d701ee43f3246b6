// The ksqlDB-compatible REST API over an EngineApi (spec §6). Nothing here plans or runs
// SQL: the server parses requests, routes them to the engine and frames the answers.

import { KSQL_V1_PROTOBUF, protobufFramer } from './protobuf-framing.js';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { EngineApi, KsqlEntity, QueryStream, RequestContext } from '../engine/api.js';
import { genericError, toErrorReply, type ErrorReply } from './errors.js';
import { KsqlError, StatementError } from '../common/errors.js';
import { WRONG_ENDPOINT_CODE, WRONG_ENDPOINT_MESSAGE, firstQueryStatement } from '../engine/query-endpoint.js';
import { DELIMITED, JSON_TYPE, KSQL_V1_JSON, negotiate } from './media-types.js';
import { delimitedFramer, jsonArrayFramer, printFramer, queryEndpointFramer, type Framer } from './framing.js';
import { streamQuery } from './stream-response.js';
import { isQueryStatement, leadingKeyword, splitStatementTexts } from './statement-text.js';
import { registerInsertsStream } from './inserts-stream.js';
import { trackClients } from './client-presence.js';
import { createDualProtocolServer, createSecureDualProtocolServer } from './dual-protocol.js';
import { restTlsFromConfig } from './tls.js';
import { registerBasicAuth } from './auth.js';
import { registerMetrics } from './metrics.js';
import { registerConsole } from './console/index.js';
import { openApiDocument } from './openapi.js';
import { DEFAULT_PROPERTIES, checkOverridable } from '../config/index.js';

export interface ServerOptions {
  /** Server configuration; its ksql.properties.overrides.denylist limits request overrides. */
  config?: Record<string, unknown>;
  /** Fastify's logger switch; off by default so tests and the REPL stay quiet. */
  logger?: boolean;
  /** Headless mode (ksql.queries.file): these statement endpoints do not exist. */
  closedPaths?: string[];
}

const JSON_RESPONSE_TYPES = [KSQL_V1_JSON, JSON_TYPE] as const;

interface CommandStatusRecord {
  status: string;
  message: string;
}

/** Serialized here so the content type goes out exactly as negotiated (no charset suffix). */
function sendJson(reply: FastifyReply, status: number, contentType: string, value: unknown): FastifyReply {
  return reply.code(status).header('content-type', contentType).send(JSON.stringify(value));
}

function sendError(reply: FastifyReply, error: ErrorReply, contentType = KSQL_V1_JSON): FastifyReply {
  return sendJson(reply, error.status, contentType, error.body);
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(objectOf(value))) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new KsqlError(`Request body is not valid JSON: ${(err as Error).message}`, 40000);
  }
}

export function createServer(engine: EngineApi, options: ServerOptions = {}): FastifyInstance {
  const tlsOptions = restTlsFromConfig(options.config ?? {});
  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
    serverFactory: (handler) => (tlsOptions ? createSecureDualProtocolServer(handler, tlsOptions) : createDualProtocolServer(handler)),
  });
  const config = options.config ?? DEFAULT_PROPERTIES;
  const commandStatuses = new Map<string, CommandStatusRecord>();
  const activeQueries = new Set<QueryStream>();
  if (options.closedPaths) {
    const closed = new Set(options.closedPaths);
    app.addHook('onRequest', async (request, reply) => {
      if (!closed.has(request.url.split('?')[0]!)) return;
      await reply.code(404).send({ '@type': 'generic_error', error_code: 40400, message: `Interactive mode is disabled: the server runs its query file (ksql.queries.file=${String(config['ksql.queries.file'])}) and accepts no statements.` });
    });
  }
  app.decorate('eddyClients', trackClients(app));

  // Every request body of the JSON endpoints is JSON whatever content type the client sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.setErrorHandler((err, _request, reply) => sendError(reply, toErrorReply(err)));
  registerBasicAuth(app, config);
  registerMetrics(app);

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, genericError(40400, `Not found: ${request.method} ${request.url}`)),
  );

  // Open streams end when the server shuts down, so close() does not wait on push queries.
  app.addHook('preClose', async () => {
    for (const q of activeQueries) q.close();
  });

  const checkOverrides = (properties: Record<string, unknown>): void => {
    for (const key of Object.keys(properties)) {
      try {
        checkOverridable(key, config);
      } catch (err) {
        throw new KsqlError((err as Error).message, 40000);
      }
    }
  };

  const accepted = (request: FastifyRequest, reply: FastifyReply, offered: readonly string[]): string | null => {
    const type = negotiate(request.headers.accept, offered);
    if (type === null) {
      sendError(
        reply,
        genericError(40600, `Unsupported Accept type '${request.headers.accept}'; use one of ${offered.join(', ')}`),
      );
    }
    return type;
  };

  // ------------------------------------------------------------------ /ksql

  app.post('/ksql', async (request, reply) => {
    const contentType = accepted(request, reply, JSON_RESPONSE_TYPES);
    if (contentType === null) return reply;
    const body = objectOf(request.body);
    if (typeof body.ksql !== 'string') {
      return sendError(reply, genericError(40000, "The request body must be a JSON object with a string field 'ksql'"), contentType);
    }
    const properties = objectOf(body.streamsProperties);
    checkOverrides(properties);
    const context: RequestContext = { properties: { ...properties }, variables: stringMap(body.sessionVariables) };
    // Nothing of a request runs when one of its statements belongs to /query.
    const query = firstQueryStatement(body.ksql);
    if (query !== undefined) {
      return sendError(reply, toErrorReply(new StatementError(WRONG_ENDPOINT_MESSAGE, query, [], WRONG_ENDPOINT_CODE)), contentType);
    }
    try {
      const entities = await engine.execute(body.ksql, context);
      recordStatuses(entities);
      return sendJson(reply, 200, contentType, entities);
    } catch (err) {
      const error = toErrorReply(err);
      if (error.body['@type'] === 'statement_error') recordStatuses(error.body.entities);
      return sendError(reply, error, contentType);
    }
  });

  function recordStatuses(entities: KsqlEntity[]): void {
    for (const e of entities) {
      const status = objectOf(e.commandStatus);
      if (typeof e.commandId === 'string' && typeof status.status === 'string') {
        commandStatuses.set(e.commandId, { status: status.status, message: String(status.message ?? '') });
      }
    }
  }

  // ------------------------------------------------------------------ queries

  const runQuery = async (
    reply: FastifyReply,
    sql: string,
    context: RequestContext,
    framerFor: (stream: QueryStream) => Framer,
    contentType: string,
  ): Promise<FastifyReply> => {
    let stream: QueryStream;
    try {
      stream = await engine.query(sql, context);
    } catch (err) {
      return sendError(reply, toErrorReply(err), contentType === DELIMITED ? KSQL_V1_JSON : contentType);
    }
    activeQueries.add(stream);
    reply.hijack();
    try {
      await streamQuery(reply.raw, stream, framerFor(stream), contentType, { progress: reply.request.headers['x-eddy-progress'] !== undefined });
    } finally {
      activeQueries.delete(stream);
    }
    return reply;
  };

  const singleQueryStatement = (sql: string): string | ErrorReply => {
    const { statements, rest } = splitStatementTexts(sql);
    const all = rest === '' ? statements : [...statements, rest];
    if (all.length !== 1) {
      return genericError(40000, `Expected exactly one SELECT or PRINT statement, found ${all.length} statements`);
    }
    const stmt = all[0]!;
    if (!isQueryStatement(stmt)) {
      return {
        status: 400,
        body: {
          '@type': 'statement_error',
          error_code: 40000,
          message: `Statement type '${leadingKeyword(stmt) || stmt}' is not supported on this endpoint: send it to /ksql`,
          statementText: stmt,
          entities: [],
        },
      };
    }
    return stmt;
  };

  app.post('/query', async (request, reply) => {
    const accept = accepted(request, reply, [...JSON_RESPONSE_TYPES, KSQL_V1_PROTOBUF]);
    if (accept === null) return reply;
    const protobufRows = accept === KSQL_V1_PROTOBUF;
    const contentType = protobufRows ? KSQL_V1_JSON : accept;
    const body = objectOf(request.body);
    if (typeof body.ksql !== 'string') {
      return sendError(reply, genericError(40000, "The request body must be a JSON object with a string field 'ksql'"), contentType);
    }
    const stmt = singleQueryStatement(body.ksql);
    if (typeof stmt !== 'string') return sendError(reply, stmt, contentType);
    const properties = objectOf(body.streamsProperties);
    checkOverrides(properties);
    const context = { properties: { ...properties }, variables: stringMap(body.sessionVariables) };
    return runQuery(reply, body.ksql, context, (s) => (s.kind === 'print' ? printFramer() : protobufRows ? protobufFramer() : queryEndpointFramer()), contentType);
  });

  app.post('/query-stream', async (request, reply) => {
    const contentType = accepted(request, reply, [DELIMITED, JSON_TYPE, KSQL_V1_JSON]);
    if (contentType === null) return reply;
    const errorType = contentType === DELIMITED ? KSQL_V1_JSON : contentType;
    const body = objectOf(request.body);
    if (typeof body.sql !== 'string') {
      return sendError(reply, genericError(40000, "The request body must be a JSON object with a string field 'sql'"), errorType);
    }
    const stmt = singleQueryStatement(body.sql);
    if (typeof stmt !== 'string') return sendError(reply, stmt, errorType);
    if (leadingKeyword(stmt) === 'PRINT' && contentType !== DELIMITED) {
      return sendError(reply, genericError(40600, `PRINT on /query-stream needs Accept: ${DELIMITED}`), errorType);
    }
    const properties = objectOf(body.properties);
    checkOverrides(properties);
    const context = { properties: { ...properties }, variables: stringMap(body.sessionVariables) };
    const framer = (s: QueryStream): Framer =>
      s.kind === 'print'
        ? printFramer()
        : contentType === DELIMITED
          ? delimitedFramer()
          : contentType === JSON_TYPE
            ? jsonArrayFramer()
            : queryEndpointFramer();
    return runQuery(reply, body.sql, context, framer, contentType);
  });

  app.post('/close-query', async (request, reply) => {
    const body = objectOf(request.body);
    if (typeof body.queryId !== 'string') {
      return sendError(reply, genericError(40000, "The request body must be a JSON object with a string field 'queryId'"));
    }
    const open = [...activeQueries].find((q) => q.header.queryId === body.queryId);
    const closedByEngine = engine.closeQuery(body.queryId);
    if (open) open.close();
    if (!open && !closedByEngine) {
      return sendError(reply, genericError(40000, `No query with id ${body.queryId}`));
    }
    return reply.code(200).send('');
  });

  registerInsertsStream(app, engine);

  // ------------------------------------------------------------------ server state

  // `/` is the web console for browsers and the redirect to /info for everything else.
  registerConsole(app, engine, config);

  app.get('/openapi.json', async (_request, reply) => sendJson(reply, 200, 'application/json', openApiDocument(String(engine.info().version ?? '0'))));

  app.get('/info', async (request, reply) => {
    const contentType = accepted(request, reply, JSON_RESPONSE_TYPES);
    if (contentType === null) return reply;
    return sendJson(reply, 200, contentType, { KsqlServerInfo: engine.info() });
  });

  app.get('/healthcheck', async (_request, reply) => {
    const healthy = engine.healthy();
    const part = { isHealthy: healthy };
    return sendJson(reply, healthy ? 200 : 503, KSQL_V1_JSON, {
      isHealthy: healthy,
      details: { metastore: part, kafka: part, commandRunner: part },
      serverState: healthy ? 'READY' : 'NOT_READY',
    });
  });

  app.get('/clusterStatus', async (request, reply) => {
    const self = String(request.headers.host ?? '');
    return sendJson(reply, 200, KSQL_V1_JSON, (await engine.clusterStatus?.(`http://${self}`)) ?? { clusterStatus: {} });
  });

  app.get('/status', async (_request, reply) => {
    const all: Record<string, string> = {};
    for (const [id, s] of commandStatuses) all[id] = s.status;
    return sendJson(reply, 200, KSQL_V1_JSON, { commandStatuses: all });
  });

  app.get<{ Params: { type: string; entity: string; action: string } }>(
    '/status/:type/:entity/:action',
    async (request, reply) => {
      const { type, entity, action } = request.params;
      const id = `${type}/${entity}/${action}`;
      const s = commandStatuses.get(id);
      if (!s) return sendError(reply, genericError(40400, `Command not found: ${id}`));
      return sendJson(reply, 200, KSQL_V1_JSON, s);
    },
  );

  app.get<{ Params: { name: string } }>('/is_valid_property/:name', async (request, reply) => {
    try {
      checkOverridable(request.params.name, config);
    } catch (err) {
      return sendError(reply, genericError(40000, (err as Error).message));
    }
    return sendJson(reply, 200, KSQL_V1_JSON, true);
  });

  return app;
}
