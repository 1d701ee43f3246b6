// Confluent Schema Registry's REST API over a SchemaStore: the same paths, JSON shapes,
// status and error codes, and the application/vnd.schemaregistry.v1+json content type.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RegistryError, invalidSchema, invalidVersion, storeError } from './errors.js';
import type { SchemaStore } from './store.js';
import { SCHEMA_TYPES, type SchemaInput, type SchemaType, type SchemaVersion } from './types.js';

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined> }>;

function flag(q: Record<string, string | undefined>, name: string): boolean {
  return q[name] === 'true';
}

/** A path version: 1..2^31-1, "latest" or -1 (42202 otherwise). */
function parseVersion(text: string): number | 'latest' {
  if (text === 'latest' || text === '-1') return 'latest';
  if (!/^\d+$/.test(text)) throw invalidVersion(text);
  const n = Number(text);
  if (n < 1 || n > 2 ** 31 - 1) throw invalidVersion(text);
  return n;
}

function parseId(text: string): number {
  if (!/^\d+$/.test(text)) throw new RegistryError(404, 40403, `Schema ${text} not found`);
  return Number(text);
}

function schemaInput(body: unknown): SchemaInput & { id?: number } {
  if (!body || typeof body !== 'object') throw invalidSchema('Invalid schema: the body must be a JSON object with a "schema" field');
  const b = body as Record<string, unknown>;
  if (typeof b.schema !== 'string' || b.schema === '') throw invalidSchema('Empty schema');
  const type = b.schemaType === undefined || b.schemaType === null ? 'AVRO' : String(b.schemaType).toUpperCase();
  if (!(SCHEMA_TYPES as readonly string[]).includes(type)) throw invalidSchema(`Invalid schema type ${String(b.schemaType)}`);
  const refs = Array.isArray(b.references) ? (b.references as { name: string; subject: string; version: number }[]) : [];
  return {
    schema: b.schema,
    schemaType: type as SchemaType,
    references: refs.map((r) => ({ name: String(r.name), subject: String(r.subject), version: Number(r.version) })),
    ...(typeof b.id === 'number' ? { id: b.id } : {}),
  };
}

/** The JSON of one subject version: schemaType only when not AVRO, references only when present. */
function versionJson(v: SchemaVersion): Record<string, unknown> {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType !== 'AVRO' ? { schemaType: v.schemaType } : {}),
    ...(v.references.length ? { references: v.references } : {}),
    schema: v.schema,
  };
}

export interface RoutesOptions {
  /** "user:password" a request must present with HTTP basic auth; none when absent. */
  basicAuth?: string;
}

export function registryRoutes(app: FastifyInstance, store: SchemaStore, options: RoutesOptions = {}): void {
  for (const type of [REGISTRY_CONTENT_TYPE, 'application/vnd.schemaregistry+json', 'application/octet-stream']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body === '' ? undefined : JSON.parse(body as string));
      } catch {
        done(Object.assign(new RegistryError(400, 50005, 'Unrecognized JSON in the request body'), { statusCode: 400 }), undefined);
      }
    });
  }

  if (options.basicAuth) {
    const expected = `Basic ${Buffer.from(options.basicAuth).toString('base64')}`;
    app.addHook('onRequest', async (req, reply) => {
      if (req.headers.authorization !== expected) {
        await reply.code(401).header('WWW-Authenticate', 'Basic realm="SchemaRegistry"').type(REGISTRY_CONTENT_TYPE).send({ error_code: 401, message: 'Unauthorized' });
      }
    });
  }

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const e =
      err instanceof RegistryError
        ? err
        : err.statusCode && err.statusCode < 500
          ? new RegistryError(err.statusCode, err.statusCode === 415 ? 415 : 50005, err.message)
          : storeError(`Error in the registry: ${err.message}`);
    void reply.code(e.status).type(REGISTRY_CONTENT_TYPE).send(e.toJSON());
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).type(REGISTRY_CONTENT_TYPE).send({ error_code: 404, message: `HTTP 404 Not Found: ${req.method} ${req.url}` });
  });

  const json = (reply: FastifyReply, body: unknown) => reply.type(REGISTRY_CONTENT_TYPE).send(JSON.stringify(body));
  const get = (path: string, fn: (req: Req) => unknown) => app.get(path, async (req, reply) => json(reply, fn(req as Req)));
  const post = (path: string, fn: (req: Req) => unknown) => app.post(path, async (req, reply) => json(reply, fn(req as Req)));
  const put = (path: string, fn: (req: Req) => unknown) => app.put(path, async (req, reply) => json(reply, fn(req as Req)));
  const del = (path: string, fn: (req: Req) => unknown) => app.delete(path, async (req, reply) => json(reply, fn(req as Req)));

  get('/', () => ({}));
  get('/schemas/types', () => [...SCHEMA_TYPES]);

  // ---------------------------------------------------------------- schemas by id
  get('/schemas/ids/:id', (req) => {
    const id = parseId(req.params.id!);
    const s = store.schemaById(id);
    return { ...(s.schemaType !== 'AVRO' ? { schemaType: s.schemaType } : {}), ...(s.references.length ? { references: s.references } : {}), schema: s.schema };
  });
  app.get('/schemas/ids/:id/schema', async (req, reply) => reply.type(REGISTRY_CONTENT_TYPE).send(store.schemaById(parseId((req as Req).params.id!)).schema));
  get('/schemas/ids/:id/versions', (req) => store.idVersions(parseId(req.params.id!), { deleted: flag(req.query, 'deleted') }));
  get('/schemas/ids/:id/subjects', (req) => [...new Set(store.idVersions(parseId(req.params.id!), { deleted: flag(req.query, 'deleted') }).map((v) => v.subject))]);
  get('/schemas', (req) => {
    const out: Record<string, unknown>[] = [];
    const deleted = flag(req.query, 'deleted');
    for (const s of store.subjects({ deleted, prefix: req.query.subjectPrefix ?? '' })) {
      const versions = store.versions(s, { deleted });
      for (const v of flag(req.query, 'latestOnly') ? versions.slice(-1) : versions) out.push(versionJson(v));
    }
    return out;
  });

  // ---------------------------------------------------------------- subjects
  get('/subjects', (req) => store.subjects({ deleted: flag(req.query, 'deleted'), prefix: req.query.subjectPrefix ?? '' }));
  get('/subjects/:subject/versions', (req) => store.versions(req.params.subject!, { deleted: flag(req.query, 'deleted') }).map((v) => v.version));
  get('/subjects/:subject/versions/:version', (req) =>
    versionJson(store.version(req.params.subject!, parseVersion(req.params.version!), { deleted: flag(req.query, 'deleted') })),
  );
  app.get('/subjects/:subject/versions/:version/schema', async (req, reply) => {
    const r = req as Req;
    return reply.type(REGISTRY_CONTENT_TYPE).send(store.version(r.params.subject!, parseVersion(r.params.version!), { deleted: flag(r.query, 'deleted') }).schema);
  });
  get('/subjects/:subject/versions/:version/referencedby', (req) => store.referencedBy(req.params.subject!, parseVersion(req.params.version!)));
  post('/subjects/:subject/versions', (req) => {
    const input = schemaInput(req.body);
    const mode = store.mode(req.params.subject!, { defaultToGlobal: true });
    return { id: store.register(req.params.subject!, input, input.id !== undefined && mode === 'IMPORT' ? { id: input.id } : {}) };
  });
  post('/subjects/:subject', (req) => versionJson(store.lookup(req.params.subject!, schemaInput(req.body), { deleted: flag(req.query, 'deleted') })));
  del('/subjects/:subject', (req) => store.deleteSubject(req.params.subject!, flag(req.query, 'permanent')));
  del('/subjects/:subject/versions/:version', (req) => store.deleteVersion(req.params.subject!, parseVersion(req.params.version!), flag(req.query, 'permanent')));

  // ---------------------------------------------------------------- compatibility
  const compatibility = (req: Req, version?: number | 'latest') => {
    const messages = store.compatibilityMessages(req.params.subject!, schemaInput(req.body), version);
    return { is_compatible: messages.length === 0, ...(flag(req.query, 'verbose') ? { messages } : {}) };
  };
  post('/compatibility/subjects/:subject/versions/:version', (req) => compatibility(req, parseVersion(req.params.version!)));
  post('/compatibility/subjects/:subject/versions', (req) => compatibility(req));

  // ---------------------------------------------------------------- config and mode
  const body = (req: Req) => (req.body ?? {}) as Record<string, unknown>;
  get('/config', () => ({ compatibilityLevel: store.compatibility(null) }));
  put('/config', (req) => ({ compatibility: store.setCompatibility(null, body(req).compatibility) }));
  get('/config/:subject', (req) => ({ compatibilityLevel: store.compatibility(req.params.subject!, { defaultToGlobal: flag(req.query, 'defaultToGlobal') }) }));
  put('/config/:subject', (req) => ({ compatibility: store.setCompatibility(req.params.subject!, body(req).compatibility) }));
  del('/config/:subject', (req) => ({ compatibilityLevel: store.deleteCompatibility(req.params.subject!) }));
  get('/mode', () => ({ mode: store.mode(null) }));
  put('/mode', (req) => ({ mode: store.setMode(null, body(req).mode, { force: flag(req.query, 'force') }) }));
  get('/mode/:subject', (req) => ({ mode: store.mode(req.params.subject!, { defaultToGlobal: flag(req.query, 'defaultToGlobal') }) }));
  put('/mode/:subject', (req) => ({ mode: store.setMode(req.params.subject!, body(req).mode, { force: flag(req.query, 'force') }) }));
  del('/mode/:subject', (req) => ({ mode: store.deleteMode(req.params.subject!) }));
}
