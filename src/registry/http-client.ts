// The registry client for any Confluent-compatible registry over HTTP(S): one or more URLs
// (tried in turn when one is unreachable), basic auth, TLS, and caches of ids and
// registrations so each schema costs one round trip.

import { readFileSync } from 'node:fs';
import type { RegisteredSchema, SchemaRegistry, SubjectVersion } from './client.js';
import { RegistryError } from './errors.js';
import { syncHttp, type SyncRequest } from './sync-http.js';
import type { SchemaReference, SchemaType } from './types.js';

export interface HttpRegistryOptions {
  urls: string[];
  /** "user:password" */
  userInfo?: string;
  timeoutMs?: number;
  tls?: SyncRequest['tls'];
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

interface WireSchema {
  subject?: string;
  version?: number;
  id?: number;
  schemaType?: SchemaType;
  schema: string;
  references?: SchemaReference[];
}

export class HttpSchemaRegistry implements SchemaRegistry {
  private readonly urls: string[];
  private current = 0;
  private readonly headers: Record<string, string>;
  private readonly byId = new Map<number, RegisteredSchema>();
  private readonly registered = new Map<string, number>();
  private readonly referenceText = new Map<string, string>();

  constructor(private readonly options: HttpRegistryOptions) {
    this.urls = options.urls.map((u) => u.replace(/\/+$/, ''));
    this.headers = { Accept: `${CONTENT_TYPE}, application/json`, 'Content-Type': CONTENT_TYPE };
    const userInfo = options.userInfo ?? userInfoOf(this.urls[0]!);
    if (userInfo) this.headers.Authorization = `Basic ${Buffer.from(userInfo).toString('base64')}`;
  }

  get location(): string {
    return this.urls.map(withoutUserInfo).join(',');
  }

  /** One request, failing over to the next URL when a registry does not answer. */
  request(method: SyncRequest['method'], path: string, body?: unknown): unknown {
    const errors: string[] = [];
    for (let i = 0; i < this.urls.length; i++) {
      const at = (this.current + i) % this.urls.length;
      const base = withoutUserInfo(this.urls[at]!);
      const res = syncHttp({
        method,
        url: base + path,
        headers: this.headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        timeoutMs: this.options.timeoutMs ?? 30000,
        ...(this.options.tls ? { tls: this.options.tls } : {}),
      });
      if ('error' in res) {
        errors.push(`${base}: ${res.code ?? ''} ${res.error}`.trim());
        continue;
      }
      this.current = at;
      let parsed: unknown;
      try {
        parsed = res.body === '' ? undefined : JSON.parse(res.body);
      } catch {
        parsed = res.body;
      }
      if (res.status >= 400) {
        const e = parsed as { error_code?: number; message?: string } | undefined;
        if (res.status === 401 || res.status === 403) {
          throw new RegistryError(res.status, e?.error_code ?? res.status, `The Schema Registry at ${base} refused the credentials (HTTP ${res.status}): check ksql.schema.registry.basic.auth.credentials.source and ksql.schema.registry.basic.auth.user.info`);
        }
        throw new RegistryError(res.status, e?.error_code ?? res.status, e?.message ?? `HTTP ${res.status} from ${base}${path}`);
      }
      return parsed;
    }
    throw new RegistryError(
      503,
      50002,
      `The Schema Registry is not reachable (${errors.join('; ')}). Check that it is running and that ksql.schema.registry.url names it.`,
    );
  }

  register(subject: string, schema: RegisteredSchema, id?: number): number {
    const key = `${subject}\u0000${schema.schemaType}\u0000${schema.schema}\u0000${JSON.stringify(schema.references ?? {})}`;
    const known = this.registered.get(key);
    if (known !== undefined && id === undefined) return known;
    const references = this.registerReferences(schema.references ?? {});
    const body = {
      schema: schema.schema,
      ...(schema.schemaType !== 'AVRO' ? { schemaType: schema.schemaType } : {}),
      ...(references.length ? { references } : {}),
      ...(id !== undefined ? { id } : {}),
    };
    const res = this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, body) as { id: number };
    this.registered.set(key, res.id);
    this.byId.set(res.id, schema);
    return res.id;
  }

  private registerReferences(refs: Record<string, string>): SchemaReference[] {
    const out: SchemaReference[] = [];
    for (const [name, text] of Object.entries(refs)) {
      const schemaType: SchemaType = /^\s*[{["]/.test(text) ? (/"\$schema"|"properties"/.test(text) ? 'JSON' : 'AVRO') : 'PROTOBUF';
      const body = { schema: text, ...(schemaType !== 'AVRO' ? { schemaType } : {}) };
      this.request('POST', `/subjects/${encodeURIComponent(name)}/versions`, body);
      const found = this.request('POST', `/subjects/${encodeURIComponent(name)}`, body) as WireSchema;
      out.push({ name, subject: name, version: found.version! });
    }
    return out;
  }

  getById(id: number): RegisteredSchema | undefined {
    const cached = this.byId.get(id);
    if (cached) return cached;
    const res = this.orUndefined(() => this.request('GET', `/schemas/ids/${id}`) as WireSchema);
    if (!res) return undefined;
    const schema = this.fromWire(res);
    this.byId.set(id, schema);
    return schema;
  }

  latest(subject: string): SubjectVersion | undefined {
    const res = this.orUndefined(() => this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`) as WireSchema);
    return res ? this.subjectVersion(res) : undefined;
  }

  versions(subject: string): SubjectVersion[] {
    const list = this.orUndefined(() => this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions`) as number[]) ?? [];
    return list.map((v) => this.subjectVersion(this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/${v}`) as WireSchema));
  }

  subjects(): string[] {
    return this.request('GET', '/subjects') as string[];
  }

  deleteSubject(subject: string): void {
    this.orUndefined(() => this.request('DELETE', `/subjects/${encodeURIComponent(subject)}`));
  }

  versionsOfId(id: number): { subject: string; version: number }[] {
    return this.orUndefined(() => this.request('GET', `/schemas/ids/${id}/versions`) as { subject: string; version: number }[]) ?? [];
  }

  checkCompatibility(subject: string, schema: RegisteredSchema): string[] {
    const references = this.registerReferences(schema.references ?? {});
    const body = { schema: schema.schema, ...(schema.schemaType !== 'AVRO' ? { schemaType: schema.schemaType } : {}), ...(references.length ? { references } : {}) };
    const res = this.orUndefined(() => this.request('POST', `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`, body) as { is_compatible: boolean; messages?: string[] });
    if (!res || res.is_compatible) return [];
    return res.messages?.length ? res.messages : ['Schema is incompatible with the latest version'];
  }

  private subjectVersion(w: WireSchema): SubjectVersion {
    return { ...this.fromWire(w), subject: w.subject!, version: w.version!, id: w.id! };
  }

  private fromWire(w: WireSchema): RegisteredSchema {
    const references: Record<string, string> = {};
    const visit = (refs: SchemaReference[] | undefined, depth: number) => {
      for (const r of refs ?? []) {
        if (depth > 32 || r.name in references) continue;
        const key = `${r.subject}\u0000${r.version}`;
        let text = this.referenceText.get(key);
        if (text === undefined) {
          const v = this.request('GET', `/subjects/${encodeURIComponent(r.subject)}/versions/${r.version}`) as WireSchema;
          visit(v.references, depth + 1);
          text = v.schema;
          this.referenceText.set(key, text);
        }
        references[r.name] = text;
      }
    };
    visit(w.references, 0);
    return { schemaType: w.schemaType ?? 'AVRO', schema: w.schema, ...(Object.keys(references).length ? { references } : {}) };
  }

  private orUndefined<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof RegistryError && e.status === 404) return undefined;
      throw e;
    }
  }
}

function userInfoOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : undefined;
  } catch {
    return undefined;
  }
}

function withoutUserInfo(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

/** The client options of ksqlDB's `ksql.schema.registry.*` properties. */
export function httpRegistryOptions(config: Record<string, unknown>): HttpRegistryOptions {
  const get = (k: string) => {
    const v = config[`ksql.schema.registry.${k}`];
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const urls = String(config['ksql.schema.registry.url'] ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const source = (get('basic.auth.credentials.source') ?? 'URL').toUpperCase();
  const userInfo = source === 'USER_INFO' ? get('basic.auth.user.info') : undefined;
  const file = (k: string) => {
    const p = get(k);
    return p ? readFileSync(p, 'utf8') : undefined;
  };
  const ca = file('ssl.ca.location');
  const cert = file('ssl.certificate.location');
  const key = file('ssl.key.location');
  const verify = get('ssl.endpoint.identification.algorithm');
  const tls = ca || cert || key || verify !== undefined ? { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(verify === 'none' ? { rejectUnauthorized: false } : {}) } : undefined;
  return { urls, ...(userInfo ? { userInfo } : {}), ...(tls ? { tls } : {}) };
}
