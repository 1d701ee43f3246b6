// Generates src/kafka-protocol/messages/generated/*.ts (the request and response bodies
// in the schema language of src/kafka-protocol/schema.ts) from Apache Kafka's message
// definitions in ../shared/kafka-protocol/*.json and scripts/kafka-messages/*.json (the
// definitions the shared snapshot lacks: SASL, ACLs, KIP-848 groups; same Kafka commit).
//   node --import tsx scripts/gen-kafka-messages.ts [definitions dir]
// Field names are the JSON names in camelCase; common structs are written inline.

import fs from 'node:fs';
import path from 'node:path';

interface JsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: JsonField[];
}

interface JsonMessage {
  apiKey: number;
  type: 'request' | 'response';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: JsonField[];
  commonStructs?: { name: string; versions: string; fields: JsonField[] }[];
}

const PRIMITIVES = new Set(['int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'bool', 'string', 'bytes', 'records', 'uuid']);

/** Which generated file each API goes to. */
const FAMILY: Record<string, string> = {
  Produce: 'records', Fetch: 'records', ListOffsets: 'records', Metadata: 'records',
  OffsetCommit: 'groups', OffsetFetch: 'groups', FindCoordinator: 'groups', JoinGroup: 'groups', Heartbeat: 'groups',
  LeaveGroup: 'groups', SyncGroup: 'groups', DescribeGroups: 'groups', ListGroups: 'groups',
  InitProducerId: 'transactions', AddPartitionsToTxn: 'transactions', AddOffsetsToTxn: 'transactions', EndTxn: 'transactions',
  TxnOffsetCommit: 'transactions',
  ConsumerGroupHeartbeat: 'groups', ConsumerGroupDescribe: 'groups',
  SaslAuthenticate: 'security', CreateAcls: 'security', DescribeAcls: 'security', DeleteAcls: 'security',
};

/**
 * Names kept from Eddy's earlier hand-written schemas where Kafka renamed a field without
 * changing its wire form, keyed by message and JSON path (handlers and src/log/kafka use them).
 */
const RENAMES: Record<string, string> = {
  'OffsetCommitRequest:GenerationIdOrMemberEpoch': 'generationId',
  'AddPartitionsToTxnRequest:V3AndBelowTransactionalId': 'transactionalId',
  'AddPartitionsToTxnRequest:V3AndBelowProducerId': 'producerId',
  'AddPartitionsToTxnRequest:V3AndBelowProducerEpoch': 'producerEpoch',
  'AddPartitionsToTxnRequest:V3AndBelowTopics': 'topics',
  'AddPartitionsToTxnResponse:ResultsByTopicV3AndBelow': 'results',
  'AddPartitionsToTxnResponse:ResultsByTopicV3AndBelow.ResultsByPartition': 'results',
  'AddPartitionsToTxnResponse:ResultsByTopicV3AndBelow.ResultsByPartition.PartitionErrorCode': 'errorCode',
};

function readJson(file: string): JsonMessage {
  const text = fs.readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '');
  return JSON.parse(text) as JsonMessage;
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function defaultText(f: JsonField): string | undefined {
  if (f.default === undefined) return undefined;
  const d = String(f.default);
  if (/^-?0x[0-9a-f]+$/i.test(d)) return String(Number.parseInt(d, 16));
  if (/\s/.test(d)) throw new Error(`default with spaces in ${f.name}: '${d}'`);
  return d;
}

function fieldLines(fields: JsonField[], common: Map<string, JsonField[]>, indent: string, scope: string): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const key = `${scope}${scope.endsWith(':') ? '' : '.'}${f.name}`;
    if (f.versions === 'none') continue;
    const array = f.type.startsWith('[]');
    const base = array ? f.type.slice(2) : f.type;
    const children = f.fields ?? common.get(base);
    let type: string;
    if (PRIMITIVES.has(base)) type = array ? `[]${base}` : base;
    else if (children) type = array ? '[]' : '{}';
    else throw new Error(`unknown type ${f.type} of field ${f.name}`);
    const opts: string[] = [];
    if (f.nullableVersions && f.nullableVersions !== 'none') opts.push(`null=${f.nullableVersions}`);
    if (f.tag !== undefined) opts.push(`tag=${f.tag}`);
    const def = defaultText(f);
    if (def !== undefined) opts.push(def === '' ? 'def=' : `def=${def}`);
    out.push(`${indent}${RENAMES[key] ?? camel(f.name)} ${type} ${f.versions}${opts.length ? ' ' + opts.join(' ') : ''}`);
    if (children && !PRIMITIVES.has(base)) out.push(...fieldLines(children, common, indent + '  ', key));
  }
  return out;
}

function flexibleFrom(spec: string): string {
  if (spec === 'none') return 'NEVER';
  const m = /^(\d+)\+$/.exec(spec);
  if (!m) throw new Error(`unexpected flexibleVersions '${spec}'`);
  return m[1];
}

/** ../shared/kafka-protocol next to the repository (worktrees sit one level deeper). */
function sharedDefinitions(): string {
  const candidates = [path.join(import.meta.dirname, '..', '..', 'shared'), path.join(import.meta.dirname, '..', '..', '..', 'shared')].map((d) => path.join(d, 'kafka-protocol'));
  return candidates.find((d) => fs.existsSync(d)) ?? candidates[0]!;
}

function main(): void {
  const dirs = [
    path.resolve(process.argv[2] ?? sharedDefinitions()),
    path.join(import.meta.dirname, 'kafka-messages'),
  ];
  const outDir = path.join(import.meta.dirname, '..', 'src', 'kafka-protocol', 'messages', 'generated');
  fs.mkdirSync(outDir, { recursive: true });
  const files = new Map<string, string[]>();
  const requests = dirs.flatMap((dir) => fs.readdirSync(dir).filter((f) => f.endsWith('Request.json')).map((f) => path.join(dir, f)));
  for (const file of requests.sort((a, b) => path.basename(a).localeCompare(path.basename(b)))) {
    const req = readJson(file);
    const res = readJson(file.replace(/Request\.json$/, 'Response.json'));
    const api = req.name.replace(/Request$/, '');
    const family = FAMILY[api] ?? 'admin';
    const body = (m: JsonMessage) => {
      const common = new Map((m.commonStructs ?? []).map((s) => [s.name, s.fields]));
      return fieldLines(m.fields, common, '  ', `${m.name}:`).join('\n');
    };
    const [, , max] = /^(\d+)-(\d+)$/.exec(req.validVersions) ?? [];
    const text = [
      `/** ${api}: versions ${req.validVersions}, flexible ${req.flexibleVersions}. */`,
      `export const ${api} = defineMessage(`,
      `  '${api}', ${req.apiKey}, ${flexibleFrom(req.flexibleVersions)},`,
      '  `',
      body(req),
      '  `,',
      '  `',
      body(res),
      '  `,',
      `  ${Number(max ?? /^(\d+)$/.exec(req.validVersions)?.[1])},`,
      ');',
    ].join('\n');
    if (!files.has(family)) files.set(family, []);
    files.get(family)!.push(text);
  }
  for (const [family, messages] of files) {
    const usesNever = messages.some((m) => m.includes(', NEVER,'));
    const header = [
      `// Generated by scripts/gen-kafka-messages.ts from Apache Kafka's message definitions`,
      `// (../shared/kafka-protocol/*.json); do not edit. Regenerate: npm run gen:kafka-messages`,
      '',
      "import { defineMessage } from '../../schema.js';",
      usesNever ? '\nconst NEVER = Infinity;' : '',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(outDir, `${family}.ts`), header + messages.join('\n\n') + '\n');
  }
}

main();
