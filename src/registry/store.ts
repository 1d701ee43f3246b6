// The registry's state: subjects with versions, schemas by global id, compatibility and mode
// per subject and globally. Synchronous, so serdes can call it from a record's path; every
// change is also described as a `_schemas` record (key, value) for the durable store, which
// replays them through `apply` on start (Confluent's own record shapes, so the topic reads
// the same as a Confluent registry's).

import { checkCompatibility, formatIncompatibility, type ResolvedSchema } from './compatibility/index.js';
import {
  RegistryError,
  idDoesNotMatch,
  incompatibleSchema,
  invalidCompatibility,
  invalidMode,
  operationNotPermitted,
  referenceExists,
  schemaNotFound,
  subjectCompatibilityNotConfigured,
  subjectModeNotConfigured,
  subjectNotFound,
  subjectNotSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
} from './errors.js';
import { canonicalSchema } from './validate.js';
import {
  isCompatibilityLevel,
  MODES,
  type CompatibilityLevel,
  type Mode,
  type SchemaInput,
  type SchemaReference,
  type SchemaType,
  type SchemaVersion,
} from './types.js';

export type StoreKey =
  | { keytype: 'SCHEMA'; subject: string; version: number; magic: 1 }
  | { keytype: 'CONFIG'; subject: string | null; magic: 0 }
  | { keytype: 'MODE'; subject: string | null; magic: 0 };

export type StoreChange = (key: StoreKey, value: Record<string, unknown> | null) => void;

export interface StoredSchema {
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

export interface StoreOptions {
  /** Global compatibility before any PUT /config (Confluent's default: BACKWARD). */
  compatibility?: CompatibilityLevel;
}

export interface RegisterOptions {
  /** Pins the id (IMPORT mode, or an in-process import such as the conformance runner's). */
  id?: number;
  /** Registers even when the mode is not READWRITE/IMPORT (in-process imports). */
  force?: boolean;
}

export class SchemaStore {
  private readonly subjectsMap = new Map<string, SchemaVersion[]>();
  private readonly byId = new Map<number, StoredSchema>();
  private readonly idByContent = new Map<string, number>();
  private readonly configs = new Map<string | null, CompatibilityLevel>();
  private readonly modes = new Map<string | null, Mode>();
  private maxId = 0;
  /** Called for every change; the durable store appends it to `_schemas`. */
  onChange?: StoreChange;

  constructor(options: StoreOptions = {}) {
    this.configs.set(null, options.compatibility ?? 'BACKWARD');
  }

  // ------------------------------------------------------------------ reads

  subjects(opts: { deleted?: boolean; prefix?: string } = {}): string[] {
    const out: string[] = [];
    for (const [s, versions] of this.subjectsMap) {
      if (opts.prefix && !s.startsWith(opts.prefix)) continue;
      if (versions.some((v) => opts.deleted || !v.deleted)) out.push(s);
    }
    return out.sort();
  }

  /** Versions of a subject; 40401 when it has none (live ones, unless `deleted`). */
  versions(subject: string, opts: { deleted?: boolean } = {}): SchemaVersion[] {
    const all = (this.subjectsMap.get(subject) ?? []).filter((v) => opts.deleted || !v.deleted);
    if (all.length === 0) throw subjectNotFound(subject);
    return all;
  }

  /** A version by number, or 'latest' / -1. */
  version(subject: string, version: number | 'latest', opts: { deleted?: boolean } = {}): SchemaVersion {
    const all = this.versions(subject, opts);
    if (version === 'latest' || version === -1) return all[all.length - 1]!;
    const found = all.find((v) => v.version === version);
    if (!found) throw versionNotFound(version);
    return found;
  }

  schemaById(id: number): StoredSchema {
    const s = this.byId.get(id);
    if (!s) throw schemaNotFound(id);
    return s;
  }

  /** Subject-version pairs that use a schema id. */
  idVersions(id: number, opts: { deleted?: boolean } = {}): { subject: string; version: number }[] {
    this.schemaById(id);
    const out: { subject: string; version: number }[] = [];
    for (const [subject, versions] of this.subjectsMap) {
      for (const v of versions) if (v.id === id && (opts.deleted || !v.deleted)) out.push({ subject, version: v.version });
    }
    return out.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));
  }

  /** Ids of schemas whose references name this subject version. */
  referencedBy(subject: string, version: number | 'latest'): number[] {
    const v = this.version(subject, version, { deleted: true });
    const ids = new Set<number>();
    for (const versions of this.subjectsMap.values()) {
      for (const x of versions) {
        if (!x.deleted && x.references.some((r) => r.subject === subject && r.version === v.version)) ids.add(x.id);
      }
    }
    return [...ids].sort((a, b) => a - b);
  }

  /** The texts of a schema's references, transitively, by reference name. */
  resolveReferences(refs: SchemaReference[], seen = new Set<string>(), lenient = false): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of refs) {
      const key = `${r.subject}\u0000${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let v: SchemaVersion;
      try {
        v = this.version(r.subject, r.version, { deleted: true });
      } catch (e) {
        if (lenient) continue;
        throw e;
      }
      Object.assign(out, this.resolveReferences(v.references, seen, lenient));
      out[r.name] = v.schema;
    }
    return out;
  }

  /** POST /subjects/{s}: the version of this subject holding the schema. */
  lookup(subject: string, input: SchemaInput, opts: { deleted?: boolean } = {}): SchemaVersion {
    const versions = (this.subjectsMap.get(subject) ?? []).filter((v) => opts.deleted || !v.deleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    const type = input.schemaType ?? 'AVRO';
    const refs = input.references ?? [];
    const text = canonicalSchema(type, input.schema, this.resolveReferences(refs), false);
    const found = [...versions].reverse().find((v) => v.schemaType === type && v.schema === text && sameRefs(v.references, refs));
    if (!found) throw schemaNotFound();
    return found;
  }

  // ------------------------------------------------------------------ config and mode

  compatibility(subject: string | null, opts: { defaultToGlobal?: boolean } = {}): CompatibilityLevel {
    const own = this.configs.get(subject);
    if (own) return own;
    if (subject !== null && !opts.defaultToGlobal) throw subjectCompatibilityNotConfigured(subject);
    return this.configs.get(null)!;
  }

  setCompatibility(subject: string | null, level: unknown): CompatibilityLevel {
    if (!isCompatibilityLevel(level)) throw invalidCompatibility();
    const upper = level.toUpperCase() as CompatibilityLevel;
    this.configs.set(subject, upper);
    this.emit({ keytype: 'CONFIG', subject, magic: 0 }, { compatibilityLevel: upper });
    return upper;
  }

  deleteCompatibility(subject: string): CompatibilityLevel {
    const previous = this.compatibility(subject);
    this.configs.delete(subject);
    this.emit({ keytype: 'CONFIG', subject, magic: 0 }, null);
    return previous;
  }

  mode(subject: string | null, opts: { defaultToGlobal?: boolean } = {}): Mode {
    const own = this.modes.get(subject);
    if (own) return own;
    if (subject !== null && !opts.defaultToGlobal) throw subjectModeNotConfigured(subject);
    return this.modes.get(null) ?? 'READWRITE';
  }

  setMode(subject: string | null, mode: unknown, opts: { force?: boolean } = {}): Mode {
    const upper = typeof mode === 'string' ? mode.toUpperCase() : '';
    if (!(MODES as readonly string[]).includes(upper)) throw invalidMode(String(mode));
    if (upper === 'IMPORT' && !opts.force && (subject === null ? this.subjects().length > 0 : this.subjects().includes(subject))) {
      throw operationNotPermitted('Cannot import since found existing subjects');
    }
    this.modes.set(subject, upper as Mode);
    this.emit({ keytype: 'MODE', subject, magic: 0 }, { mode: upper });
    return upper as Mode;
  }

  deleteMode(subject: string): Mode {
    const previous = this.mode(subject);
    this.modes.delete(subject);
    this.emit({ keytype: 'MODE', subject, magic: 0 }, null);
    return previous;
  }

  // ------------------------------------------------------------------ compatibility

  /** Incompatibility messages of a schema against one version, or against what the subject's level asks for. */
  compatibilityMessages(subject: string, input: SchemaInput, version?: number | 'latest'): string[] {
    const type = input.schemaType ?? 'AVRO';
    const refs = input.references ?? [];
    const resolved = this.resolveReferences(refs);
    const text = canonicalSchema(type, input.schema, resolved);
    const level = this.compatibility(subject, { defaultToGlobal: true });
    let earlier = (this.subjectsMap.get(subject) ?? []).filter((v) => !v.deleted);
    if (version !== undefined) {
      if (earlier.length === 0) throw subjectNotFound(subject);
      earlier = [this.version(subject, version)];
    }
    return this.messagesAgainst(type, level, { schema: text, references: resolved }, earlier);
  }

  private messagesAgainst(type: SchemaType, level: CompatibilityLevel, candidate: ResolvedSchema, earlier: SchemaVersion[]): string[] {
    const sameType = earlier.filter((v) => v.schemaType === type);
    if (level !== 'NONE' && sameType.length < earlier.length) {
      const other = earlier.find((v) => v.schemaType !== type)!;
      return [`Incompatible schema type: the new schema is ${type}, version ${other.version} is ${other.schemaType}`, `{oldSchemaVersion: ${other.version}}`, `{compatibility: '${level}'}`];
    }
    const result = checkCompatibility(
      type,
      level,
      candidate,
      sameType.map((v) => ({ version: v.version, schema: { schema: v.schema, references: this.resolveReferences(v.references) } })),
    );
    if (result.incompatibilities.length === 0) return [];
    return [
      ...result.incompatibilities.map(formatIncompatibility),
      `{oldSchemaVersion: ${result.oldVersion}}`,
      `{oldSchema: '${result.oldSchema}'}`,
      `{compatibility: '${level}'}`,
    ];
  }

  // ------------------------------------------------------------------ writes

  /** POST /subjects/{s}/versions: the id of the schema under the subject, registering a new version when needed. */
  register(subject: string, input: SchemaInput, opts: RegisterOptions = {}): number {
    const mode = this.mode(subject, { defaultToGlobal: true });
    if (!opts.force && (mode === 'READONLY' || mode === 'READONLY_OVERRIDE')) {
      throw operationNotPermitted(`Subject ${subject} is in read-only mode`);
    }
    if (!opts.force && opts.id !== undefined && mode !== 'IMPORT') {
      throw operationNotPermitted('Cannot register a schema with an id unless the subject is in IMPORT mode');
    }
    const type = input.schemaType ?? 'AVRO';
    const refs = input.references ?? [];
    // An in-process import may name references it registers right after.
    const resolved = this.resolveReferences(refs, new Set(), opts.force === true);
    const text = canonicalSchema(type, input.schema, resolved, !opts.force);
    const all = this.subjectsMap.get(subject) ?? [];
    const live = all.filter((v) => !v.deleted);
    const existing = live.find((v) => v.schemaType === type && v.schema === text && sameRefs(v.references, refs));
    if (existing) {
      if (opts.id !== undefined && opts.id !== existing.id) throw idDoesNotMatch(`Schema already registered with id ${existing.id} instead of input id ${opts.id}`);
      return existing.id;
    }
    const contentKey = contentKeyOf(type, text, refs);
    let id = opts.id ?? this.idByContent.get(contentKey);
    if (opts.id !== undefined) {
      const held = this.byId.get(opts.id);
      if (held && contentKeyOf(held.schemaType, held.schema, held.references) !== contentKey) {
        throw idDoesNotMatch(`Overwrite new schema with id ${opts.id} is not permitted.`);
      }
    }
    if (mode !== 'IMPORT' && opts.id === undefined) {
      const messages = this.messagesAgainst(type, this.compatibility(subject, { defaultToGlobal: true }), { schema: text, references: resolved }, live);
      if (messages.length) {
        throw incompatibleSchema(`Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`);
      }
    }
    id ??= this.maxId + 1;
    const version = (all[all.length - 1]?.version ?? 0) + 1;
    const entry: SchemaVersion = { subject, version, id, schemaType: type, schema: text, references: refs, deleted: false };
    this.put(entry);
    this.emit({ keytype: 'SCHEMA', subject, version, magic: 1 }, toRecordValue(entry));
    return id;
  }

  /** DELETE /subjects/{s}: the versions deleted. Soft first; `permanent` removes soft-deleted ones. */
  deleteSubject(subject: string, permanent = false): number[] {
    const all = this.subjectsMap.get(subject) ?? [];
    if (all.length === 0) throw subjectNotFound(subject);
    if (permanent) {
      if (all.some((v) => !v.deleted)) throw subjectNotSoftDeleted(subject);
      for (const v of all) this.assertNotReferenced(v);
      this.subjectsMap.delete(subject);
      for (const v of all) this.emit({ keytype: 'SCHEMA', subject, version: v.version, magic: 1 }, null);
      this.configs.delete(subject);
      this.modes.delete(subject);
      return all.map((v) => v.version);
    }
    const live = all.filter((v) => !v.deleted);
    if (live.length === 0) throw new RegistryError(404, 40404, `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`);
    for (const v of live) this.assertNotReferenced(v);
    for (const v of live) {
      v.deleted = true;
      this.emit({ keytype: 'SCHEMA', subject, version: v.version, magic: 1 }, toRecordValue(v));
    }
    return live.map((v) => v.version);
  }

  /** DELETE /subjects/{s}/versions/{v}: the version deleted. */
  deleteVersion(subject: string, version: number | 'latest', permanent = false): number {
    const all = this.subjectsMap.get(subject) ?? [];
    if (all.length === 0) throw subjectNotFound(subject);
    const v = version === 'latest' || version === -1 ? all.filter((x) => !x.deleted).pop() : all.find((x) => x.version === version);
    if (!v) throw versionNotFound(version);
    this.assertNotReferenced(v);
    if (permanent) {
      if (!v.deleted) throw versionNotSoftDeleted(subject, v.version);
      all.splice(all.indexOf(v), 1);
      if (all.length === 0) this.subjectsMap.delete(subject);
      this.emit({ keytype: 'SCHEMA', subject, version: v.version, magic: 1 }, null);
    } else {
      if (v.deleted) throw new RegistryError(404, 40406, `Subject '${subject}' Version ${v.version} was soft deleted.Set permanent=true to delete permanently`);
      v.deleted = true;
      this.emit({ keytype: 'SCHEMA', subject, version: v.version, magic: 1 }, toRecordValue(v));
    }
    return v.version;
  }

  private assertNotReferenced(v: SchemaVersion): void {
    for (const versions of this.subjectsMap.values()) {
      for (const x of versions) {
        if (!x.deleted && x.references.some((r) => r.subject === v.subject && r.version === v.version)) {
          throw referenceExists(`One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${v.subject},version=${v.version}}.`);
        }
      }
    }
  }

  // ------------------------------------------------------------------ durable records

  /** Applies a `_schemas` record (replay on start, or a change another server made). */
  apply(key: StoreKey, value: Record<string, unknown> | null): void {
    if (key.keytype === 'SCHEMA') {
      const versions = this.subjectsMap.get(key.subject) ?? [];
      const at = versions.findIndex((v) => v.version === key.version);
      if (value === null) {
        if (at >= 0) versions.splice(at, 1);
        if (versions.length === 0) this.subjectsMap.delete(key.subject);
        return;
      }
      const entry: SchemaVersion = {
        subject: key.subject,
        version: key.version,
        id: Number(value.id),
        schemaType: ((value.schemaType as SchemaType | undefined) ?? 'AVRO'),
        schema: String(value.schema),
        references: (value.references as SchemaReference[] | undefined) ?? [],
        deleted: value.deleted === true,
      };
      if (at >= 0) versions[at] = entry;
      else this.put(entry);
      if (at >= 0) this.subjectsMap.set(key.subject, versions);
      return;
    }
    const target: Map<string | null, string> = key.keytype === 'CONFIG' ? this.configs : this.modes;
    const field = key.keytype === 'CONFIG' ? 'compatibilityLevel' : 'mode';
    if (value === null) {
      if (key.subject !== null) target.delete(key.subject);
    } else target.set(key.subject, String(value[field]));
  }

  private put(entry: SchemaVersion): void {
    const versions = this.subjectsMap.get(entry.subject) ?? [];
    versions.push(entry);
    versions.sort((a, b) => a.version - b.version);
    this.subjectsMap.set(entry.subject, versions);
    if (!this.byId.has(entry.id)) {
      this.byId.set(entry.id, { schemaType: entry.schemaType, schema: entry.schema, references: entry.references });
      this.idByContent.set(contentKeyOf(entry.schemaType, entry.schema, entry.references), entry.id);
    }
    this.maxId = Math.max(this.maxId, entry.id);
  }

  private emit(key: StoreKey, value: Record<string, unknown> | null): void {
    this.onChange?.(key, value);
  }
}

function sameRefs(a: SchemaReference[], b: SchemaReference[]): boolean {
  return JSON.stringify(a.map(refKey)) === JSON.stringify(b.map(refKey));
}

function refKey(r: SchemaReference): string {
  return `${r.name}\u0000${r.subject}\u0000${r.version}`;
}

function contentKeyOf(type: SchemaType, text: string, refs: SchemaReference[]): string {
  return `${type}\u0000${text}\u0000${refs.map(refKey).join('\u0001')}`;
}

function toRecordValue(v: SchemaVersion): Record<string, unknown> {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType !== 'AVRO' ? { schemaType: v.schemaType } : {}),
    references: v.references,
    schema: v.schema,
    deleted: v.deleted,
  };
}
