// `eddy schema list|get|register|check|delete` against any Confluent-compatible schema
// registry (default: the embedded one at http://127.0.0.1:8081).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

export const SCHEMA_USAGE = `Usage:
  eddy schema list [--registry URL]
  eddy schema get <subject> [version|latest] | --id N [--registry URL]
  eddy schema register <subject> <schema-file> [--type AVRO|PROTOBUF|JSON] [--registry URL]
  eddy schema check <subject> <schema-file> [--type AVRO|PROTOBUF|JSON] [--version N|latest] [--registry URL]
  eddy schema delete <subject> [version] [--permanent] [--registry URL]

  --registry defaults to $EDDY_SCHEMA_REGISTRY_URL or http://127.0.0.1:8081; --user user:password
  (or user:password@ in the URL) for basic auth.`;

export interface SchemaIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

class RegistryCallError extends Error {}

function typeOf(file: string, given: string | undefined): string {
  if (given) return given.toUpperCase();
  if (/\.proto$/i.test(file)) return 'PROTOBUF';
  if (/\.json$/i.test(file) && /"\$schema"|"properties"/.test(readFileSync(file, 'utf8'))) return 'JSON';
  return 'AVRO';
}

export async function schemaCommand(argv: string[], io: SchemaIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        registry: { type: 'string' },
        user: { type: 'string' },
        type: { type: 'string' },
        id: { type: 'string' },
        version: { type: 'string' },
        permanent: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n\n${SCHEMA_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    io.stdout.write(SCHEMA_USAGE + '\n');
    return command || values.help ? 0 : 2;
  }
  const base = new URL(values.registry ?? io.env.EDDY_SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081');
  const user = values.user ?? (base.username ? `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}` : undefined);
  base.username = '';
  base.password = '';
  const root = base.toString().replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    let res: Response;
    try {
      res = await fetch(root + path, {
        method,
        headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json', ...(user ? { Authorization: `Basic ${Buffer.from(user).toString('base64')}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      throw new RegistryCallError(`No schema registry answered at ${root}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}. Start one (eddy server) or pass --registry URL.`);
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (res.status >= 400) throw new RegistryCallError(`${method} ${path}: HTTP ${res.status}${json?.error_code ? ` (error ${json.error_code})` : ''}: ${json?.message ?? text}`);
    return json;
  };
  const need = (n: number, what: string) => {
    if (args.length < n) throw new RegistryCallError(`eddy schema ${command} needs ${what}\n\n${SCHEMA_USAGE}`);
  };
  const enc = encodeURIComponent;
  try {
    switch (command) {
      case 'list': {
        const subjects = (await call('GET', '/subjects')) as string[];
        for (const s of subjects) {
          const latest = await call('GET', `/subjects/${enc(s)}/versions/latest`);
          io.stdout.write(`${s}\tversion ${latest.version}\tid ${latest.id}\t${latest.schemaType ?? 'AVRO'}\n`);
        }
        if (subjects.length === 0) io.stdout.write(`No subjects in the registry at ${root}.\n`);
        return 0;
      }
      case 'get': {
        if (values.id !== undefined) {
          const s = await call('GET', `/schemas/ids/${enc(values.id)}`);
          io.stdout.write(`${pretty(s.schema, s.schemaType)}\n`);
          return 0;
        }
        need(1, 'a subject');
        const v = await call('GET', `/subjects/${enc(args[0]!)}/versions/${enc(args[1] ?? 'latest')}`);
        io.stdout.write(`subject ${v.subject}, version ${v.version}, id ${v.id}, ${v.schemaType ?? 'AVRO'}\n${pretty(v.schema, v.schemaType)}\n`);
        return 0;
      }
      case 'register':
      case 'check': {
        need(2, 'a subject and a schema file');
        const [subject, file] = args as [string, string];
        const schemaType = typeOf(file, values.type);
        const body = { schema: readFileSync(file, 'utf8'), ...(schemaType !== 'AVRO' ? { schemaType } : {}) };
        if (command === 'register') {
          const r = await call('POST', `/subjects/${enc(subject)}/versions`, body);
          io.stdout.write(`Registered under ${subject} with id ${r.id}.\n`);
          return 0;
        }
        const subjects = (await call('GET', '/subjects')) as string[];
        if (!subjects.includes(subject)) {
          io.stdout.write(`Subject ${subject} has no versions yet: any schema is compatible.\n`);
          return 0;
        }
        const path = values.version ? `/compatibility/subjects/${enc(subject)}/versions/${enc(values.version)}` : `/compatibility/subjects/${enc(subject)}/versions`;
        const r = await call('POST', `${path}?verbose=true`, body);
        if (r.is_compatible) {
          io.stdout.write(`Compatible with ${subject}.\n`);
          return 0;
        }
        io.stdout.write(`Incompatible with ${subject}:\n${(r.messages as string[]).map((m) => `  ${m}`).join('\n')}\n`);
        return 1;
      }
      case 'delete': {
        need(1, 'a subject');
        const permanent = values.permanent ? '?permanent=true' : '';
        const r = args[1] !== undefined ? await call('DELETE', `/subjects/${enc(args[0]!)}/versions/${enc(args[1])}${permanent}`) : await call('DELETE', `/subjects/${enc(args[0]!)}${permanent}`);
        io.stdout.write(`Deleted ${values.permanent ? 'permanently' : '(soft)'} ${args[0]} version(s) ${Array.isArray(r) ? r.join(', ') : r}.\n`);
        return 0;
      }
      default:
        io.stderr.write(`Unknown schema command: ${command}\n\n${SCHEMA_USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof RegistryCallError || (e as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stderr.write(`${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}

function pretty(schema: string, type: string | undefined): string {
  if (type === 'PROTOBUF') return schema;
  try {
    return JSON.stringify(JSON.parse(schema), null, 2);
  } catch {
    return schema;
  }
}
