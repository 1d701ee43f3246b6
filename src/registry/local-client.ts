// The registry client over a SchemaStore in this process: the embedded registry's, and the
// `mock://<scope>` registries tests use (one store per scope, no compatibility checks on
// register, like Confluent's MockSchemaRegistryClient).

import type { RegisteredSchema, SchemaRegistry, SubjectVersion } from './client.js';
import { RegistryError } from './errors.js';
import { SchemaStore } from './store.js';
import type { SchemaReference, SchemaType, SchemaVersion } from './types.js';
import { canonicalSchema } from './validate.js';

export class LocalSchemaRegistry implements SchemaRegistry {
  constructor(
    readonly store: SchemaStore = new SchemaStore(),
    readonly location = 'the embedded schema registry',
  ) {}

  register(subject: string, schema: RegisteredSchema, id?: number): number {
    const refs = schema.references ?? {};
    if (id === undefined) this.flushReferences();
    if (Object.keys(refs).length === 0) {
      return this.store.register(subject, { schema: schema.schema, schemaType: schema.schemaType }, id === undefined ? {} : { id, force: true });
    }
    // An in-process import of a schema with its reference texts (the conformance runner's,
    // as ksqlDB's test driver does it): the schema takes the next id, then each reference
    // goes under a subject named like it, at the version predicted for it.
    const references = Object.keys(refs).map((name) => ({ name, subject: name, version: this.versionFor(name, refs[name]!) }));
    const got = this.store.register(subject, { schema: schema.schema, schemaType: schema.schemaType, references }, { ...(id !== undefined ? { id } : {}), force: true });
    // With a pinned id the references wait until the import's other pinned ids are taken, so
    // their automatic ids never take one of those.
    this.pendingReferences.push(refs);
    if (id === undefined) this.flushReferences();
    return got;
  }

  private pendingReferences: Record<string, string>[] = [];

  private flushReferences(): void {
    const pending = this.pendingReferences;
    this.pendingReferences = [];
    for (const refs of pending) this.registerReferences(refs);
  }

  /** The version a reference text has, or will have once registered, under its subject. */
  private versionFor(subject: string, text: string): number {
    const versions = this.store.subjects({ deleted: true }).includes(subject) ? this.store.versions(subject, { deleted: true }) : [];
    const type = referenceType(text);
    const same = versions.find((v) => !v.deleted && v.schemaType === type && v.schema === canonicalSchema(type, text, {}, false));
    return same?.version ?? (versions[versions.length - 1]?.version ?? 0) + 1;
  }

  /** Reference texts go under a subject named like the reference, as Confluent's serializers register them. */
  private registerReferences(refs: Record<string, string>): SchemaReference[] {
    const out: SchemaReference[] = [];
    for (const [name, text] of Object.entries(refs)) {
      const schemaType = referenceType(text);
      this.store.register(name, { schema: text, schemaType }, { force: true });
      const v = this.store.lookup(name, { schema: text, schemaType });
      out.push({ name, subject: name, version: v.version });
    }
    return out;
  }

  getById(id: number): RegisteredSchema | undefined {
    this.flushReferences();
    try {
      const s = this.store.schemaById(id);
      return withReferences({ schemaType: s.schemaType, schema: s.schema }, this.store.resolveReferences(s.references));
    } catch (e) {
      if (e instanceof RegistryError && e.status === 404) return undefined;
      throw e;
    }
  }

  latest(subject: string): SubjectVersion | undefined {
    this.flushReferences();
    try {
      return this.toSubjectVersion(this.store.version(subject, 'latest'));
    } catch (e) {
      if (e instanceof RegistryError && e.status === 404) return undefined;
      throw e;
    }
  }

  versions(subject: string): SubjectVersion[] {
    this.flushReferences();
    try {
      return this.store.versions(subject).map((v) => this.toSubjectVersion(v));
    } catch (e) {
      if (e instanceof RegistryError && e.status === 404) return [];
      throw e;
    }
  }

  subjects(): string[] {
    this.flushReferences();
    return this.store.subjects();
  }

  deleteSubject(subject: string): void {
    this.flushReferences();
    try {
      this.store.deleteSubject(subject);
    } catch (e) {
      if (!(e instanceof RegistryError && e.status === 404)) throw e;
    }
  }

  versionsOfId(id: number): { subject: string; version: number }[] {
    this.flushReferences();
    try {
      return this.store.idVersions(id);
    } catch {
      return [];
    }
  }

  checkCompatibility(subject: string, schema: RegisteredSchema): string[] {
    this.flushReferences();
    const references = this.registerReferences(schema.references ?? {});
    return this.store.compatibilityMessages(subject, { schema: schema.schema, schemaType: schema.schemaType, references });
  }

  private toSubjectVersion(v: SchemaVersion): SubjectVersion {
    return withReferences({ subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType, schema: v.schema }, this.store.resolveReferences(v.references));
  }
}

function referenceType(text: string): SchemaType {
  if (!/^\s*[{"[]/.test(text)) return 'PROTOBUF';
  return /"\$schema"|"properties"/.test(text) ? 'JSON' : 'AVRO';
}

function withReferences<T extends RegisteredSchema>(s: T, refs: Record<string, string>): T {
  return Object.keys(refs).length ? { ...s, references: refs } : s;
}

const mockScopes = new Map<string, LocalSchemaRegistry>();

/** The registry of a `mock://<scope>` URL: one per scope in this process. */
export function mockSchemaRegistry(scope: string): LocalSchemaRegistry {
  let r = mockScopes.get(scope);
  if (!r) {
    r = new LocalSchemaRegistry(new SchemaStore({ compatibility: 'NONE' }), `mock://${scope}`);
    mockScopes.set(scope, r);
  }
  return r;
}

/** Forgets every mock scope (tests: a fresh registry per case). */
export function dropMockSchemaRegistries(): void {
  mockScopes.clear();
}
