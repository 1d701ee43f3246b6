// The embedded schema registry: subjects with versioned schemas and global ids, as
// Confluent's registry keeps them. Serdes of schema-registry formats register the schemas
// they write under `<topic>-key` / `<topic>-value` and look writer schemas up by id.

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface RegisteredSchema {
  schemaType: SchemaType;
  /** Canonical schema text (Avro JSON, JSON schema, or protobuf source). */
  schema: string;
  /** PROTOBUF: the texts of the files the schema imports, by import name. */
  references?: Record<string, string>;
}

export interface SubjectVersion extends RegisteredSchema {
  subject: string;
  version: number;
  id: number;
}

export interface SchemaRegistry {
  /**
   * Registers a schema under a subject; an identical schema keeps its id and version.
   * `id` pins the global id (as a registry import does); it must not hold another schema.
   */
  register(subject: string, schema: RegisteredSchema, id?: number): number;
  getById(id: number): RegisteredSchema | undefined;
  latest(subject: string): SubjectVersion | undefined;
  versions(subject: string): SubjectVersion[];
  subjects(): string[];
  deleteSubject(subject: string): void;
}

export class InMemorySchemaRegistry implements SchemaRegistry {
  private readonly byId = new Map<number, RegisteredSchema>();
  private readonly idByText = new Map<string, number>();
  private readonly bySubject = new Map<string, SubjectVersion[]>();
  private nextId = 1;

  register(subject: string, schema: RegisteredSchema, pinnedId?: number): number {
    const textKey = `${schema.schemaType}\u0000${schema.schema}`;
    let id: number;
    if (pinnedId !== undefined) {
      id = pinnedId;
      const held = this.byId.get(pinnedId);
      if (held && (held.schema !== schema.schema || held.schemaType !== schema.schemaType)) {
        throw new Error(`Schema id ${pinnedId} already holds another schema`);
      }
      if (!held) {
        this.byId.set(pinnedId, schema);
        if (!this.idByText.has(textKey)) this.idByText.set(textKey, pinnedId);
      }
      this.nextId = Math.max(this.nextId, pinnedId + 1);
    } else {
      const known = this.idByText.get(textKey);
      if (known !== undefined) id = known;
      else {
        while (this.byId.has(this.nextId)) this.nextId++;
        id = this.nextId++;
        this.idByText.set(textKey, id);
        this.byId.set(id, schema);
      }
    }
    const versions = this.bySubject.get(subject) ?? [];
    if (!versions.some((v) => v.id === id)) {
      versions.push({ ...schema, subject, id, version: versions.length + 1 });
      this.bySubject.set(subject, versions);
    }
    return id;
  }

  getById(id: number): RegisteredSchema | undefined {
    return this.byId.get(id);
  }

  latest(subject: string): SubjectVersion | undefined {
    const v = this.bySubject.get(subject);
    return v?.[v.length - 1];
  }

  versions(subject: string): SubjectVersion[] {
    return [...(this.bySubject.get(subject) ?? [])];
  }

  subjects(): string[] {
    return [...this.bySubject.keys()];
  }

  deleteSubject(subject: string): void {
    this.bySubject.delete(subject);
  }
}

let shared: InMemorySchemaRegistry | undefined;

/** The process-wide registry serdes use when their spec names none. */
export function defaultSchemaRegistry(): InMemorySchemaRegistry {
  shared ??= new InMemorySchemaRegistry();
  return shared;
}

/** Replaces the process-wide registry with an empty one (tests: a fresh registry per case). */
export function resetDefaultSchemaRegistry(): InMemorySchemaRegistry {
  shared = new InMemorySchemaRegistry();
  return shared;
}

/** Confluent wire format: magic byte 0, then the schema id as a big-endian int32. */
export function confluentHeader(id: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeInt32BE(id, 1);
  return b;
}

export function readConfluentHeader(bytes: Buffer): { id: number; body: Buffer } {
  if (bytes.length < 5 || bytes[0] !== 0) {
    throw new Error('Unknown magic byte! The payload does not start with the schema-registry wire format header');
  }
  return { id: bytes.readInt32BE(1), body: bytes.subarray(5) };
}
