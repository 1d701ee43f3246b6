// Headless mode (ksql.queries.file): the server runs a SQL file at start and accepts no
// statements over REST, as ksqlDB's standalone executor does, with its messages. The file
// is run on every start; what the replayed command log already holds with the same text is
// left as it is, so a restart resumes the file's queries instead of failing on them.

import { readFileSync } from 'node:fs';
import { parseStatement, splitStatements, type Statement } from '../src/parser/index.js';
import type { EngineApi } from '../src/engine/api.js';

const SUPPORTED: Record<string, string> = {
  SetProperty: 'SET',
  UnsetProperty: 'UNSET',
  CreateStream: 'CREATE STREAM',
  CreateTable: 'CREATE TABLE',
  CreateType: 'REGISTER TYPE',
  CreateStreamAsSelect: 'CREAETE STREAM AS SELECT', // sic: ksqlDB's text
  CreateTableAsSelect: 'CREATE TABLE AS SELECT',
  InsertInto: 'INSERT INTO',
};

/** ksqlDB's list, in its order (sorted). */
const SUPPORTED_TEXT = Object.values(SUPPORTED).sort().join('\n');

function kindOf(stmt: Statement): string {
  if (stmt.kind === 'CreateSource') return stmt.sourceType === 'STREAM' ? 'CreateStream' : 'CreateTable';
  if (stmt.kind === 'CreateAsSelect') return stmt.sourceType === 'STREAM' ? 'CreateStreamAsSelect' : 'CreateTableAsSelect';
  return stmt.kind;
}

interface CatalogLike {
  getSource(name: string): { sqlText: string } | undefined;
  listQueries?(): { sqlText: string }[];
}

export async function runQueriesFile(engine: EngineApi & { catalog?: CatalogLike }, path: string, config: Record<string, unknown>): Promise<void> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Could not read the query file: ${path}. Details: ${(err as Error).message}`);
  }
  const statements = splitStatements(text).map((s) => ({ s, stmt: parseStatement(s.text, { variables: {}, baseLoc: s.loc }) }));
  for (const { s, stmt } of statements) {
    if (!SUPPORTED[kindOf(stmt)]) {
      throw new Error(`Unsupported statement. Only the following statements are supporting in standalone mode:\n${SUPPORTED_TEXT}\nStatement: ${s.text} (line ${s.loc.line}:${s.loc.column})`);
    }
  }
  if (!statements.some(({ stmt }) => stmt.kind === 'CreateAsSelect' || stmt.kind === 'InsertInto')) {
    throw new Error(
      "The SQL file does not contain any persistent queries. i.e. it contains no 'INSERT INTO', 'CREATE TABLE x AS SELECT' or 'CREATE STREAM x AS SELECT' style statements.",
    );
  }
  const properties: Record<string, unknown> = {};
  const queries = new Set((engine.catalog?.listQueries?.() ?? []).map((q) => q.sqlText));
  for (const { s, stmt } of statements) {
    if (stmt.kind === 'SetProperty') {
      properties[stmt.name] = stmt.value;
      continue;
    }
    if (stmt.kind === 'UnsetProperty') {
      delete properties[stmt.name];
      continue;
    }
    const target = stmt.kind === 'CreateSource' || stmt.kind === 'CreateAsSelect' ? engine.catalog?.getSource(stmt.name) : undefined;
    if (target?.sqlText === stmt.text || (stmt.kind === 'InsertInto' && queries.has(stmt.text))) continue; // already there from the last start
    try {
      await engine.execute(s.text, { properties: { ...properties }, variables: {} });
    } catch (err) {
      throw new Error(`Failed to start with query file ${path}: line ${s.loc.line}:${s.loc.column}: ${(err as Error).message}`);
    }
  }
  void config;
}

/** Paths of the REST endpoints that take statements; in headless mode they do not exist. */
export const STATEMENT_PATHS = ['/ksql', '/ksql/terminate', '/query', '/query-stream', '/inserts-stream', '/close-query'];
