// What a dry run shows per statement, executing nothing: sources created or dropped, and
// for a CREATE ... AS SELECT the server's EXPLAIN, which for a CREATE OR REPLACE of a running
// query carries the upgrade (steps before and after, columns added, state kept or rebuilt,
// or why the server would refuse it).

import type { Log } from '../log.js';
import { upgradeLines } from '../../render/upgrade.js';
import type { Json, RestClient } from '../rest.js';
import type { FileStatement } from '../statements.js';

const DEFINE_RE = /^DEFINE\s+([A-Za-z_]\w*)\s*=\s*'((?:[^']|'')*)'\s*;$/is;
const CREATE_RE = /^CREATE\s+(OR\s+REPLACE\s+)?(SOURCE\s+)?(STREAM|TABLE)\s+(IF\s+NOT\s+EXISTS\s+)?(`[^`]+`|[\w]+)/i;
const DROP_RE = /^DROP\s+(STREAM|TABLE|TYPE|CONNECTOR)\s+(IF\s+EXISTS\s+)?(`[^`]+`|[\w]+)/i;

export async function planDiff(client: RestClient, statements: FileStatement[], defines: Record<string, string>, log: Log): Promise<void> {
  const variables = { ...defines };
  const created = new Set<string>();
  for (const stmt of statements) {
    const define = DEFINE_RE.exec(stmt.text);
    if (define) {
      variables[define[1]!] = define[2]!.replace(/''/g, "'");
      continue;
    }
    log.info(`Statement at line ${stmt.line}: ${firstLine(stmt.text)}`);
    for (const line of await describe(client, stmt.text, variables, created)) log.info('  ' + line);
    const name = CREATE_RE.exec(stmt.text)?.[5];
    if (name) created.add(unquoted(name));
  }
}

const unquoted = (name: string) => (name.startsWith('`') ? name.slice(1, -1) : name.toUpperCase());

async function describe(client: RestClient, text: string, variables: Record<string, string>, created: Set<string>): Promise<string[]> {
  const create = CREATE_RE.exec(text);
  const drop = DROP_RE.exec(text);
  if (create && /\bAS\s+SELECT\b/i.test(text)) {
    let entity: Json | undefined;
    try {
      entity = (await client.executeStatement(`EXPLAIN ${text}`, {}, variables))[0];
    } catch (err) {
      const message = (err as Error).message;
      const missing = /Source `([^`]+)` does not exist/.exec(message)?.[1];
      if (missing && created.has(missing)) return [`would create ${create[3]!.toLowerCase()} ${create[5]}, reading ${missing} created above (its plan is known once that runs)`];
      return [`would fail: ${message}`];
    }
    const description = entity?.queryDescription as Json | undefined;
    const upgrade = description?.upgrade as Json | undefined;
    if (upgrade) return upgradeLines(upgrade);
    const fields = ((description?.fields ?? []) as Json[]).map((f) => String(f.name));
    return [`would create ${create[3]!.toLowerCase()} ${create[5]} with columns ${fields.join(', ')}, written by a new query`];
  }
  if (create) return [`would ${create[1] ? 'create or replace' : 'create'} ${create[3]!.toLowerCase()} ${create[5]}`];
  if (drop) return [`would drop ${drop[1]!.toLowerCase()} ${drop[3]}${/\bDELETE\s+TOPIC\b/i.test(text) ? ' and delete its topic' : ''}`];
  return ['would run as written'];
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!;
  return line.length < text.length ? line + ' …' : line;
}

/** `eddy -f file --dry-run`: the plan diff of every statement of a script, nothing executed. */
export async function dryRunScript(url: string, text: string, variables: Record<string, string>, log: Log): Promise<void> {
  const { RestClient } = await import('../rest.js');
  const { splitStatements } = await import('../../../src/parser/split.js');
  const statements = splitStatements(text).map((s) => ({ text: s.text.endsWith(';') ? s.text : s.text + ';', line: s.loc.line, column: s.loc.column }));
  log.info('This is a dry run. No statements will be executed.');
  await planDiff(new RestClient({ url }), statements, variables, log);
}
