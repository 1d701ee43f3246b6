// The OpenAPI 3.0 document of the REST API (served at GET /openapi.json): every endpoint with
// its request body and the answers it gives, so API tools and fuzzers (schemathesis) can
// drive it.

const errorBody = {
  type: 'object',
  properties: {
    '@type': { type: 'string' },
    error_code: { type: 'integer' },
    message: { type: 'string' },
  },
  required: ['@type', 'error_code', 'message'],
};

const properties = { type: 'object', additionalProperties: true, description: 'Query and streams properties (e.g. auto.offset.reset)' };
const variables = { type: 'object', additionalProperties: { type: 'string' }, description: 'Session variables for ${name} substitution' };

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = {
  '400': { description: 'The request or a statement in it is wrong', ...json(errorBody) },
  '401': { description: 'Authentication is on and no valid credentials were given', ...json(errorBody) },
  '403': { description: 'The credentials may not do this (a read-only role)', ...json(errorBody) },
};
const body = (schema: object, required = true) => ({ required, ...json(schema) });

export function openApiDocument(version: string): Record<string, unknown> {
  const streamingQuery = {
    post: {
      summary: 'Runs a push or pull query, streaming the header and then the rows',
      requestBody: body({
        type: 'object',
        properties: { ksql: { type: 'string' }, streamsProperties: properties, sessionVariables: variables },
        required: ['ksql'],
      }),
      responses: { '200': { description: 'A JSON array of the header, rows and a final message', ...json({ type: 'array' }) }, ...errors },
    },
  };
  return {
    openapi: '3.0.3',
    info: { title: 'Eddy REST API (ksqlDB-compatible)', version },
    paths: {
      '/ksql': {
        post: {
          summary: 'Runs DDL, DML, SHOW, DESCRIBE, EXPLAIN and other statements',
          requestBody: body({
            type: 'object',
            properties: { ksql: { type: 'string' }, streamsProperties: properties, sessionVariables: variables },
            required: ['ksql'],
          }),
          responses: { '200': { description: 'One entity per statement', ...json({ type: 'array', items: { type: 'object' } }) }, ...errors },
        },
      },
      '/query': streamingQuery,
      '/query-stream': {
        post: {
          summary: 'Runs a query (HTTP/1.1 or HTTP/2): a header object, then rows as arrays',
          requestBody: body({
            type: 'object',
            properties: { sql: { type: 'string' }, properties, sessionVariables: variables },
            required: ['sql'],
          }),
          responses: { '200': { description: 'The query header and its rows', ...json({}) }, ...errors },
        },
      },
      '/close-query': {
        post: {
          summary: 'Ends a running push query',
          requestBody: body({ type: 'object', properties: { queryId: { type: 'string' } }, required: ['queryId'] }),
          responses: { '200': { description: 'The query is closed' }, ...errors },
        },
      },
      '/inserts-stream': {
        post: {
          summary: 'Inserts rows into a stream: a target object, then one JSON object per row',
          requestBody: body({ type: 'object', properties: { target: { type: 'string' } }, required: ['target'] }),
          responses: { '200': { description: 'One acknowledgement per row', ...json({}) }, ...errors },
        },
      },
      '/info': {
        get: { summary: 'Server version and cluster ids', responses: { '200': { description: 'Server information', ...json({ type: 'object', properties: { KsqlServerInfo: { type: 'object' } } }) }, '401': errors['401'] } },
      },
      '/healthcheck': {
        get: {
          summary: 'Whether the server is healthy',
          responses: {
            '200': { description: 'Healthy', ...json({ type: 'object', properties: { isHealthy: { type: 'boolean' } } }) },
            '503': { description: 'Not healthy', ...json({ type: 'object', properties: { isHealthy: { type: 'boolean' } } }) },
            '401': errors['401'],
          },
        },
      },
      '/status': {
        get: { summary: 'Status of every command', responses: { '200': { description: 'Command statuses', ...json({ type: 'object' }) }, '401': errors['401'] } },
      },
      '/status/{type}/{entity}/{action}': {
        get: {
          summary: 'Status of one command',
          parameters: ['type', 'entity', 'action'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          responses: { '200': { description: 'The command status', ...json({ type: 'object' }) }, '404': { description: 'No such command', ...json(errorBody) }, '401': errors['401'] },
        },
      },
      '/is_valid_property/{name}': {
        get: {
          summary: 'Whether a property may be set per request',
          parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'It may', ...json({ type: 'boolean' }) }, ...errors },
        },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics', responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': errors['401'] } },
      },
    },
  };
}
