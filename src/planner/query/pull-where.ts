// ksqlDB's rules for the WHERE clause of a pull query on a table: which shapes are a key lookup,
// which a range scan and which need a table scan, and the errors given when
// `ksql.query.pull.table.scan.enabled` / `ksql.query.pull.range.scan.enabled` forbid the scan the
// shape needs. The clause is read as ksqlDB reads it: BETWEEN as two bounds, IN as equalities
// joined by OR, NOT pushed down, then split into the disjuncts of its disjunctive normal form.
// (How the store is then read is ./pull-access.ts; this module only accepts or refuses.)

import type { Expression, Literal } from '../../parser/ast.js';
import { formatExpression } from '../../parser/format.js';
import { formatType, type Column, type SqlType } from '../../common/types.js';
import { QueryPlanningError } from './errors.js';
import type { SourceLayout } from './layout.js';

export interface PullScanOptions {
  tableScans: boolean;
  rangeScans: boolean;
}

const HELP =
  ' See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.' +
  '\nPull queries require a WHERE clause that:' +
  '\n - includes a key equality expression, e.g. `SELECT * FROM X WHERE <key-column> = Y;`.' +
  '\n - in the case of a multi-column key, is a conjunction of equality expressions that cover all key columns.' +
  '\n - to support range expressions, e.g.,  SELECT * FROM X WHERE <key-column> < Y;`, range scans need to be enabled by setting ksql.query.pull.range.scan.enabled=true';
const WINDOW_HELP =
  '\n - (optionally) limits the time bounds of the windowed table.' +
  '\n\t Bounds on [`WINDOWSTART`, `WINDOWEND`] are supported' +
  '\n\t Supported operators are [EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL]';
const SCAN_HINT = '\nIf more flexible queries are needed, , table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true.';

/** Beyond this many disjuncts the normal form is not built: such a clause scans the table. */
const MAX_DISJUNCTS = 256;

function invalidWhere(message: string, windowed: boolean): QueryPlanningError {
  return new QueryPlanningError(`${message}.${HELP}${windowed ? WINDOW_HELP : ''}${SCAN_HINT}`);
}

const column = (c: Column): string => `\`${c.name}\` ${formatType(c.type)} KEY`;

/**
 * ksqlDB's first check of a pull query's WHERE on a table, made before the clause's types are
 * checked: a LIKE on a column needs a STRING column, whatever scans are enabled.
 */
export function checkPullLikeColumns(where: Expression, layout: SourceLayout): void {
  const windowed = layout.windowIndexes !== undefined;
  for (const d of disjunctsOf(where) ?? []) {
    for (const term of conjunctsOf(d)) {
      const like = term.kind === 'Not' ? term.operand : term;
      if (like.kind !== 'Like' || like.value.kind !== 'ColumnRef') continue;
      const c = layout.scope.resolve(like.value);
      if (c && c.type.base !== 'STRING') {
        throw invalidWhere(`The column type for Like condition must be VARCHAR. The column type is ${c.type.base}`, windowed);
      }
    }
  }
}

/** Checks the WHERE of a pull query on a table against ksqlDB's rules; throws what ksqlDB says. */
export function checkPullWhere(where: Expression | undefined, layout: SourceLayout, options: PullScanOptions): void {
  const windowed = layout.windowIndexes !== undefined;
  const keys = layout.keyColumns;
  const needScan = (): void => {
    if (!options.tableScans) {
      throw new QueryPlanningError('Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true');
    }
  };
  if (!where) {
    if (!options.tableScans) throw invalidWhere('Missing WHERE clause', windowed);
    return;
  }
  const disjuncts = disjunctsOf(where);
  if (!disjuncts) return needScan();

  const keyIndex = (e: Expression): number | 'WINDOW' | 'VALUE' | undefined => {
    if (e.kind !== 'ColumnRef') return undefined;
    const c = layout.scope.resolve(e);
    if (!c) return 'VALUE';
    if (c.windowBound) return 'WINDOW';
    if (c.namespace !== 'KEY') return 'VALUE';
    const i = keys.findIndex((k) => k.name === c.name);
    return i >= 0 ? i : 'VALUE';
  };

  let scan = false;
  const scanOrThrow = (message: string, win: boolean): void => {
    if (!options.tableScans) throw invalidWhere(message, win);
    scan = true;
  };

  // Validation, disjunct by disjunct (ksqlDB's QueryFilterNode.Validator).
  for (const d of disjuncts) {
    const seen = new Set<number>();
    let keyed = false;
    for (const term of conjunctsOf(d)) {
      if (term.kind === 'Like') {
        if (term.value.kind !== 'ColumnRef') scanOrThrow('Like condition must be between strings', windowed);
        continue;
      }
      if (term.kind !== 'Comparison') {
        // ksqlDB refuses any other predicate in a pull query; Eddy evaluates it over a scan.
        scanOrThrow(`Unsupported expression in WHERE clause: ${formatExpression(term)}`, false);
        continue;
      }
      const side = term.right.kind === 'ColumnRef' ? 'right' : term.left.kind === 'ColumnRef' ? 'left' : undefined;
      if (!side) {
        scanOrThrow('A comparison must directly reference a key column', windowed);
        continue;
      }
      const other = side === 'right' ? term.left : term.right;
      if (hasColumnRef(other)) {
        scanOrThrow('A comparison must be between a key column and a resolvable expression', windowed);
        continue;
      }
      const k = keyIndex(term[side]);
      if (typeof k !== 'number') continue;
      if (term.op === '<>' || term.op === 'IS DISTINCT FROM' || term.op === 'IS NOT DISTINCT FROM') {
        scanOrThrow(`Bound on key columns '[${keys.map(column).join(', ')}]' must currently be '='`, windowed);
      }
      if (seen.has(k) && !options.tableScans) {
        throw invalidWhere('A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate', windowed);
      }
      seen.add(k);
      keyed = true;
    }
    if (scan) return;
    if (!keyed) {
      if (options.tableScans) return;
      throw invalidWhere(`WHERE clause missing key column for disjunct: ${formatExpression(d)}`, windowed);
    }
    if (seen.size !== keys.length) {
      if (options.tableScans) return;
      const specified = [...seen].sort((a, b) => a - b).map((i) => `\`${keys[i]!.name}\``);
      throw invalidWhere(`Multi-column sources must specify every key in the WHERE clause. Specified: [${specified.join(', ')}] Expected: [${keys.map(column).join(', ')}]`, windowed);
    }
  }

  // Lookup constraints (ksqlDB's KeyValueExtractor): the key values must be of the key's type,
  // and what is not a lookup by equality is a range scan or a table scan.
  let allEqual = true;
  let range = false;
  for (const d of disjuncts) {
    const ops = new Map<number, string>();
    for (const term of conjunctsOf(d)) {
      if (term.kind !== 'Comparison') continue;
      const side = term.right.kind === 'ColumnRef' ? 'right' : 'left';
      const k = keyIndex(term[side]);
      if (typeof k !== 'number') continue;
      const other = side === 'right' ? term.left : term.right;
      checkKeyValue(other, keys[k]!);
      if (ops.get(k) === '=') continue;
      if (term.op === '=' || !ops.has(k)) ops.set(k, term.op);
    }
    const kinds = [...ops.values()];
    if (kinds.every((op) => op === '=')) continue;
    allEqual = false;
    const rangeType = keys[0]!.type.base;
    if (ops.size === 1 && ops.has(0) && (rangeType === 'STRING' || rangeType === 'BYTES')) range = true;
    else return needScan();
  }
  if (allEqual) return;
  if (!range || disjuncts.length !== 1 || !options.rangeScans || windowed) needScan();
}

/** ksqlDB's strict coercion of a key literal: only widening between numeric types. */
function checkKeyValue(e: Expression, key: Column): void {
  if (e.kind !== 'Literal' || e.type === 'NULL' || !CHECKED.has(key.type.base)) return;
  if (!fits(e, key.type)) {
    throw new QueryPlanningError(`'${String(e.value)}' can not be converted to the type of the key column: ${key.name} ${formatType(key.type)} KEY`);
  }
}

/** Key types whose literals coerce only from literals of their own kind (or narrower numbers). */
const CHECKED = new Set(['INTEGER', 'BIGINT', 'DECIMAL', 'DOUBLE', 'STRING', 'BOOLEAN']);
const NUMERIC_RANK: Record<string, number> = { INT: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };
const TYPE_RANK: Record<string, number> = { INTEGER: 0, BIGINT: 1, DECIMAL: 2, DOUBLE: 3 };

function fits(l: Literal, type: SqlType): boolean {
  if (l.type === 'STRING') return type.base === 'STRING';
  if (l.type === 'BOOLEAN') return type.base === 'BOOLEAN';
  const from = NUMERIC_RANK[l.type];
  const to = TYPE_RANK[type.base];
  if (from === undefined) return true;
  return to !== undefined && from <= to;
}

function hasColumnRef(e: Expression): boolean {
  let found = false;
  const visit = (x: unknown): void => {
    if (found || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(visit);
    const node = x as { kind?: string };
    if (node.kind === 'ColumnRef') {
      found = true;
      return;
    }
    if (node.kind === 'Lambda') return; // its parameters are not columns
    for (const [k, v] of Object.entries(node)) if (k !== 'loc') visit(v);
  };
  visit(e);
  return found;
}

function conjunctsOf(e: Expression, out: Expression[] = []): Expression[] {
  if (e.kind === 'Logical' && e.op === 'AND') {
    conjunctsOf(e.left, out);
    conjunctsOf(e.right, out);
  } else out.push(e);
  return out;
}

/**
 * The disjuncts of the clause's disjunctive normal form, each a conjunction of terms; undefined
 * when that form would be too large (the clause then needs a table scan).
 */
function disjunctsOf(where: Expression): Expression[] | undefined {
  const dnf = (e: Expression, negated: boolean): Expression[][] | undefined => {
    switch (e.kind) {
      case 'Not':
        return dnf(e.operand, !negated);
      case 'Between': {
        const lo: Expression = { kind: 'Comparison', op: '>=', left: e.value, right: e.low, ...(e.loc ? { loc: e.loc } : {}) };
        const hi: Expression = { kind: 'Comparison', op: '<=', left: e.value, right: e.high, ...(e.loc ? { loc: e.loc } : {}) };
        if (e.not) return dnf({ kind: 'Not', operand: { kind: 'Logical', op: 'AND', left: lo, right: hi } }, negated);
        return dnf({ kind: 'Logical', op: 'AND', left: lo, right: hi }, negated);
      }
      case 'In': {
        if (e.list.length === 0) return [[e]];
        const eqs = e.list.map((x): Expression => ({ kind: 'Comparison', op: '=', left: e.value, right: x, ...(e.loc ? { loc: e.loc } : {}) }));
        const or = eqs.reduceRight((acc, c) => ({ kind: 'Logical', op: 'OR', left: c, right: acc }) as Expression);
        return dnf(e.not ? { kind: 'Not', operand: or } : or, negated);
      }
      case 'Logical': {
        const op = negated ? (e.op === 'AND' ? 'OR' : 'AND') : e.op;
        const l = dnf(e.left, negated);
        const r = l && dnf(e.right, negated);
        if (!l || !r) return undefined;
        if (op === 'OR') return l.length + r.length > MAX_DISJUNCTS ? undefined : [...l, ...r];
        if (l.length * r.length > MAX_DISJUNCTS) return undefined;
        return l.flatMap((a) => r.map((b) => [...a, ...b]));
      }
      default:
        // A negated term stays a NOT (ksqlDB then refuses it as a lookup).
        return [[negated ? { kind: 'Not', operand: e } : e]];
    }
  };
  const form = dnf(where, false);
  return form?.map((terms) => terms.reduce((acc, t) => ({ kind: 'Logical', op: 'AND', left: acc, right: t }) as Expression));
}
