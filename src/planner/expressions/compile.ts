// The expression compiler: type-checks an expression tree against a scope and generates ONE
// JS function over the row array. Constants travel in a constants array (`k`), helpers in
// `h`; nothing from the query text is spliced into the generated source except column
// indexes and JSON-quoted field names.

import type { AstType, ColumnRef, Expression, FunctionCall, Lambda } from '../../parser/ast.js';
import type { ArgShape, FunctionRegistry } from '../../functions/registry.js';
import { FunctionResolutionError } from '../../functions/registry.js';
import { Decimal } from '../../common/decimal.js';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INTEGER,
  STRING,
  TIMESTAMP,
  decimalType,
  formatType,
  isNumeric,
  normalizeBigint,
  typesEqual,
} from '../../common/types.js';
import type { SqlType } from '../../common/types.js';
import {
  ConversionError,
  buildCaster,
  buildCoercer,
  canCast,
  castNotSupported,
  coerceValue,
  parseBooleanText,
} from './convert.js';
import { ExpressionError } from './errors.js';
import { sqlTypeOf } from './ast-types.js';
import { formatExpression } from '../../parser/format.js';
import { likeMatcher, likeToRegExp, simpleLike } from './like.js';
import { runtime } from './runtime.js';
import { parseDate, parseTime, parseTimestamp } from './time.js';
import { canImplicitlyCoerce, commonOf, commonType, comparable, numericResultType } from './type-rules.js';
import type { ArithmeticOp } from './type-rules.js';
import { valueToString } from './values.js';

export interface ColumnSlot {
  index: number;
  type: SqlType;
}

/** Maps column references (and, optionally, whole precomputed sub-expressions) to row slots. */
export interface ExpressionScope {
  resolveColumn(ref: ColumnRef): ColumnSlot | undefined;
  /**
   * Optional: a sub-expression already computed into a slot, e.g. a GROUP BY expression or an
   * aggregate result after aggregation. Consulted before compiling any non-literal node.
   */
  resolveExpression?(expr: Expression): ColumnSlot | undefined;
}

export interface ExpressionContext {
  functions: FunctionRegistry;
  /** Called with a message whenever evaluation fails (the result is then null). */
  onError(message: string): void;
  /** Resolves CREATE TYPE names used in CAST. */
  resolveType?(name: string): SqlType | undefined;
}

export interface CompiledExpression {
  /** null only for an untyped NULL literal (the planner rejects that in projections). */
  type: SqlType | null;
  /** Never throws: a failure calls ctx.onError and yields null. */
  evaluate(row: unknown[]): unknown;
  /** Set when the value does not depend on the row (folded at compile time). */
  constant?: { value: unknown };
}

type LiteralKind = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'NULL';

/** A compiled sub-expression: its type and a JS expression computing its value. */
interface Node {
  type: SqlType | null;
  code: string;
  ast: Expression;
  /** Known at compile time. */
  lit?: { value: unknown };
  /** Never null at runtime (comparisons, IS NULL, ...): lets callers skip null tests. */
  notNull?: boolean;
  /** Set when the node is a literal as written (drives literal coercion rules). */
  literalKind?: LiteralKind;
  /** Constructor children, so that literal coercion can reach inside ARRAY/MAP/STRUCT. */
  items?: Node[];
  entries?: { key: Node; value: Node }[];
  fields?: { name: string; value: Node }[];
}

interface LambdaVar {
  code: string;
  type: SqlType;
}

const PSEUDO_TIME_COLUMNS = new Set(['ROWTIME', 'WINDOWSTART', 'WINDOWEND']);

const COMPARISON_NAMES: Record<string, string> = {
  '=': 'EQUAL',
  '<>': 'NOT_EQUAL',
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
  'IS DISTINCT FROM': 'IS_DISTINCT_FROM',
  'IS NOT DISTINCT FROM': 'IS_NOT_DISTINCT_FROM',
};

type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

function typeText(t: SqlType | null): string {
  return t === null ? 'NULL' : formatType(t);
}

export class ExpressionCompiler {
  private readonly consts: unknown[] = [];
  private temps = 0;
  private lambdaFrames: Map<string, LambdaVar>[] = [];
  private lambdaVars = 0;

  constructor(
    private readonly scope: ExpressionScope,
    private readonly ctx: ExpressionContext,
  ) {}

  // ------------------------------------------------------------ public entry points

  compile(expr: Expression): CompiledExpression {
    const node = this.node(expr);
    const ctx = this.ctx;
    const text = formatExpression(expr);
    const fail = (e: unknown): void => {
      const msg = e instanceof Error ? e.message : String(e);
      ctx.onError(`Error computing expression ${text}: ${msg}`);
    };
    const evaluate = this.build(node.code, fail);
    return node.lit ? { type: node.type, evaluate, constant: { value: node.lit.value } } : { type: node.type, evaluate };
  }

  inferType(expr: Expression): SqlType | null {
    return this.node(expr).type;
  }

  /** Compile-time value of a constant expression (throws ExpressionError when it is not constant). */
  constantValue(expr: Expression, target?: SqlType): { value: unknown; type: SqlType | null } {
    let node = this.node(expr);
    if (target) node = this.coerce(node, target, true);
    if (node.lit) return { value: node.lit.value, type: node.type };
    let failure: unknown;
    const value = this.build(node.code, (e) => {
      failure = e;
    })([]);
    if (failure !== undefined) throw new ExpressionError(failure instanceof Error ? failure.message : String(failure), 'codegen', expr.loc);
    return { value, type: node.type };
  }

  // ------------------------------------------------------------ code building

  private build(code: string, fail: (e: unknown) => void): (row: unknown[]) => unknown {
    const temps = this.temps > 0 ? `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};` : '';
    const src = `"use strict"; return function evaluate(row) { ${temps} try { return ${code}; } catch (e) { fail(e); return null; } };`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function('k', 'h', 'fail', src)(this.consts, runtime, fail) as (row: unknown[]) => unknown;
  }

  private k(value: unknown): string {
    const i = this.consts.length;
    this.consts.push(value);
    return `k[${i}]`;
  }

  private temp(): string {
    return `t${this.temps++}`;
  }

  private constNode(ast: Expression, type: SqlType | null, value: unknown, literalKind?: LiteralKind): Node {
    let code: string;
    if (value === null) code = 'null';
    else if (value === true) code = 'true';
    else if (value === false) code = 'false';
    else code = this.k(value);
    const n: Node = { type, code, ast, lit: { value } };
    if (literalKind) n.literalKind = literalKind;
    return n;
  }

  /** Evaluates a node whose inputs are all constant, at compile time; undefined if it fails. */
  private fold(node: Node): Node {
    let failed = false;
    const value = this.build(node.code, () => {
      failed = true;
    })([]);
    if (failed) return node;
    return { ...node, code: value === null ? 'null' : this.k(value), lit: { value } };
  }

  /**
   * Binds each operand to a reference, testing it for null first (constants and never-null
   * operands are not tested): `nullResult` when one is null, else `body(refs)`.
   */
  private guarded(nodes: Node[], nullResult: string, body: (refs: string[]) => string): string {
    const conds: string[] = [];
    const refs = nodes.map((n) => {
      if (n.lit && n.lit.value !== null) return n.code;
      const t = this.temp();
      conds.push(n.notNull ? `((${t} = ${n.code}), false)` : `(${t} = ${n.code}) === null`);
      return t;
    });
    if (conds.length === 0) return `(${body(refs)})`;
    return `(${conds.join(' || ')} ? ${nullResult} : ${body(refs)})`;
  }

  /**
   * NOT BETWEEN / NOT IN / NOT LIKE negate the positive predicate, as ksqlDB parses them:
   * the positive form is false on nulls, so the negated form is true.
   */
  private negateIf(not: boolean, node: Node): Node {
    return not ? { ...node, code: `(!${node.code})` } : node;
  }

  private err(message: string, expr: Expression, stage: 'type' | 'codegen' = 'type'): ExpressionError {
    return new ExpressionError(message, stage, expr.loc);
  }

  // ------------------------------------------------------------ dispatch

  private node(expr: Expression): Node {
    if (
      this.scope.resolveExpression &&
      this.lambdaFrames.length === 0 &&
      expr.kind !== 'Literal' &&
      expr.kind !== 'ColumnRef' &&
      expr.kind !== 'Lambda' &&
      expr.kind !== 'IntervalUnit'
    ) {
      const slot = this.scope.resolveExpression(expr);
      if (slot) return { type: slot.type, code: `row[${slot.index}]`, ast: expr };
    }
    switch (expr.kind) {
      case 'Literal':
        return this.literal(expr);
      case 'ColumnRef':
        return this.column(expr);
      case 'Dereference':
        return this.dereference(expr);
      case 'Subscript':
        return this.subscript(expr);
      case 'FunctionCall':
        return this.call(expr);
      case 'Lambda':
        throw this.err('Lambda expressions can only be used as arguments of lambda functions (TRANSFORM, FILTER, REDUCE)', expr);
      case 'IntervalUnit':
        throw this.err(`Time unit ${expr.unit} can only be used as a function argument`, expr);
      case 'Arithmetic':
        return expr.op === '||' ? this.concat(expr) : this.arithmetic(expr, expr.op);
      case 'Unary':
        return this.unary(expr);
      case 'Comparison':
        return this.comparison(expr);
      case 'Between':
        return this.between(expr);
      case 'In':
        return this.inList(expr);
      case 'Like':
        return this.like(expr);
      case 'IsNull': {
        const v = this.node(expr.value);
        if (v.notNull) return this.constNode(expr, BOOLEAN, expr.not);
        return { type: BOOLEAN, code: `((${v.code}) ${expr.not ? '!==' : '==='} null)`, ast: expr, notNull: true };
      }
      case 'Not': {
        const v = this.node(expr.operand);
        this.expectBoolean(v, expr, 'NOT');
        if (v.lit) return this.constNode(expr, BOOLEAN, v.lit.value === null ? null : !v.lit.value);
        if (v.notNull) return { type: BOOLEAN, code: `(!${v.code})`, ast: expr, notNull: true };
        const t = this.temp();
        return { type: BOOLEAN, code: `((${t} = ${v.code}) === null ? null : !${t})`, ast: expr };
      }
      case 'Logical':
        return this.logical(expr);
      case 'Case':
        return this.caseExpr(expr);
      case 'Cast':
        return this.cast(expr);
      case 'ArrayConstructor':
        return this.arrayCtor(expr);
      case 'MapConstructor':
        return this.mapCtor(expr);
      case 'StructConstructor':
        return this.structCtor(expr);
    }
  }

  // ------------------------------------------------------------ leaves

  private literal(expr: Extract<Expression, { kind: 'Literal' }>): Node {
    switch (expr.type) {
      case 'NULL':
        return this.constNode(expr, null, null, 'NULL');
      case 'BOOLEAN':
        return this.constNode(expr, BOOLEAN, expr.value === true || expr.value === 'true', 'BOOLEAN');
      case 'STRING':
        return this.constNode(expr, STRING, String(expr.value), 'STRING');
      case 'INT':
        return this.constNode(expr, INTEGER, Number(expr.value), 'NUMBER');
      case 'BIGINT': {
        const v = BigInt(String(expr.value));
        if (v > 9223372036854775807n || v < -9223372036854775808n) {
          throw this.err(`Invalid numeric literal: ${String(expr.value)}`, expr);
        }
        return this.constNode(expr, BIGINT, normalizeBigint(v), 'NUMBER');
      }
      case 'DECIMAL': {
        const d = Decimal.parse(String(expr.value));
        return this.constNode(expr, decimalType(d.precision(), d.scale), d, 'NUMBER');
      }
      case 'DOUBLE': {
        const v = Number(expr.value);
        if (!Number.isFinite(v)) throw this.err(`Number overflows DOUBLE: ${String(expr.value)}`, expr);
        return this.constNode(expr, DOUBLE, v, 'NUMBER');
      }
    }
  }

  private column(expr: ColumnRef): Node {
    if (expr.source === undefined) {
      for (let i = this.lambdaFrames.length - 1; i >= 0; i--) {
        const v = this.lambdaFrames[i]!.get(expr.name);
        if (v) return { type: v.type, code: v.code, ast: expr };
      }
    }
    const slot = this.scope.resolveColumn(expr);
    if (!slot) {
      const text = formatExpression(expr);
      throw new ExpressionError(`Column '${text}' cannot be resolved.`, 'type', expr.loc, text);
    }
    return { type: slot.type, code: `row[${slot.index}]`, ast: expr };
  }

  private dereference(expr: Extract<Expression, { kind: 'Dereference' }>): Node {
    const base = this.node(expr.base);
    if (base.type === null) return { type: null, code: 'null', ast: expr, lit: { value: null } };
    if (base.type.base !== 'STRUCT') {
      throw this.err(`Expected ${formatExpression(expr.base)} to be a STRUCT to dereference ${expr.field}, but it is ${formatType(base.type)}`, expr);
    }
    const field = base.type.fields.find((f) => f.name === expr.field);
    if (!field) {
      throw this.err(`Could not find field '${expr.field}' in '${formatExpression(expr.base)}'.`, expr);
    }
    const node: Node = {
      type: field.type,
      code: this.guarded([base], 'null', ([t]) => `${t}[${JSON.stringify(field.name)}] ?? null`),
      ast: expr,
    };
    return base.lit ? this.fold(node) : node;
  }

  private subscript(expr: Extract<Expression, { kind: 'Subscript' }>): Node {
    const base = this.node(expr.base);
    let index = this.node(expr.index);
    if (base.type === null) return { type: null, code: 'null', ast: expr, lit: { value: null } };
    let node: Node;
    if (base.type.base === 'ARRAY') {
      if (index.type !== null && index.type.base !== 'INTEGER' && index.type.base !== 'BIGINT') {
        throw this.err(`Array index must be INTEGER or BIGINT, got ${formatExpression(expr.index)} (${formatType(index.type)})`, expr);
      }
      node = {
        type: base.type.item,
        code: this.guarded([base, index], 'null', ([t, i]) => `h.arrayAt(${t}, ${i})`),
        ast: expr,
      };
    } else if (base.type.base === 'MAP') {
      index = this.coerce(index, base.type.key, false);
      node = {
        type: base.type.value,
        code: this.guarded([base, index], 'null', ([t, i]) => `h.mapGet(${t}, ${i})`),
        ast: expr,
      };
    } else {
      throw this.err(`Subscript expects an ARRAY or a MAP, but ${formatExpression(expr.base)} is ${formatType(base.type)}`, expr);
    }
    return base.lit && index.lit ? this.fold(node) : node;
  }

  // ------------------------------------------------------------ arithmetic and logic

  private unary(expr: Extract<Expression, { kind: 'Unary' }>): Node {
    const v = this.node(expr.operand);
    if (v.type !== null && !isNumeric(v.type)) {
      throw this.err(`Unary ${expr.op} expects a numeric operand, but ${formatExpression(expr.operand)} is ${formatType(v.type)}`, expr);
    }
    if (expr.op === '+' || v.type === null) return { ...v, ast: expr };
    const base = v.type.base;
    const op = (t: string) =>
      base === 'INTEGER' ? `(-${t}) | 0` : base === 'BIGINT' ? `h.negL(${t})` : base === 'DECIMAL' ? `${t}.negate()` : `-${t}`;
    const node: Node = { type: v.type, code: this.guarded([v], 'null', ([t]) => op(t!)), ast: expr };
    if (!v.lit) return node;
    const folded = this.fold(node);
    if (v.literalKind === 'NUMBER') folded.literalKind = 'NUMBER';
    return folded;
  }

  private arithmetic(expr: Expression, op: ArithmeticOp): Node {
    const e = expr as Extract<Expression, { kind: 'Arithmetic' }>;
    const l = this.node(e.left);
    const r = this.node(e.right);
    if (l.type === null || r.type === null) {
      // An untyped NULL has no type to do arithmetic in (ksqlDB refuses it too).
      const typeText = (t: SqlType | null) => (t === null ? 'null' : formatType(t));
      throw this.err(
        `Error processing expression: ${formatExpression(expr)}. Arithmetic on types ${typeText(l.type)} and ${typeText(r.type)} are not supported.`,
        expr,
      );
    }
    const lt = l.type;
    const rt = r.type;
    if (op === '+' && lt.base === 'STRING' && rt.base === 'STRING') {
      const node: Node = { type: STRING, code: this.guarded([l, r], 'null', ([a, b]) => `${a} + ${b}`), ast: expr };
      return l.lit && r.lit ? this.fold(node) : node;
    }
    if (!isNumeric(lt) || !isNumeric(rt)) {
      throw this.err(
        `Error processing expression: ${formatExpression(expr)}. Unsupported arithmetic types. ${lt.base} ${rt.base}`,
        expr,
      );
    }
    const type = numericResultType(op, lt, rt);
    const body = (a: string, b: string): string => {
      switch (type.base) {
        case 'INTEGER':
          return op === '+'
            ? `(${a} + ${b}) | 0`
            : op === '-'
              ? `(${a} - ${b}) | 0`
              : op === '*'
                ? `Math.imul(${a}, ${b})`
                : op === '/'
                  ? `h.divI(${a}, ${b})`
                  : `h.modI(${a}, ${b})`;
        case 'BIGINT':
          return `h.${{ '+': 'addL', '-': 'subL', '*': 'mulL', '/': 'divL', '%': 'modL' }[op]}(${a}, ${b})`;
        case 'DECIMAL': {
          const fn = { '+': 'addD', '-': 'subD', '*': 'mulD', '/': 'divD', '%': 'modD' }[op];
          const da = lt.base === 'DECIMAL' ? a : `h.toDec(${a})`;
          const db = rt.base === 'DECIMAL' ? b : `h.toDec(${b})`;
          return `h.${fn}(${da}, ${db}, ${type.scale})`;
        }
        default: {
          const toD = (t: SqlType, v: string) => (t.base === 'DECIMAL' ? `${v}.toNumber()` : t.base === 'BIGINT' ? `Number(${v})` : v);
          return `${toD(lt, a)} ${op} ${toD(rt, b)}`;
        }
      }
    };
    const node: Node = { type, code: this.guarded([l, r], 'h.nullOperand()', ([a, b]) => body(a!, b!)), ast: expr };
    return l.lit && r.lit ? this.fold(node) : node;
  }

  private concat(expr: Extract<Expression, { kind: 'Arithmetic' }>): Node {
    const l = this.node(expr.left);
    const r = this.node(expr.right);
    for (const [side, n] of [
      [expr.left, l],
      [expr.right, r],
    ] as const) {
      if (n.type !== null && n.type.base !== 'STRING') {
        throw this.err(`Operator || expects STRING operands, but ${formatExpression(side)} is ${formatType(n.type)}`, expr);
      }
    }
    const node: Node = { type: STRING, code: `h.concat(${l.code}, ${r.code})`, ast: expr };
    return l.lit && r.lit ? this.fold(node) : node;
  }

  private expectBoolean(n: Node, expr: Expression, what: string): void {
    if (n.type !== null && n.type.base !== 'BOOLEAN') {
      throw this.err(`${what} expects BOOLEAN operands, but ${formatExpression(n.ast)} is ${formatType(n.type)}`, expr);
    }
  }

  private logical(expr: Extract<Expression, { kind: 'Logical' }>): Node {
    const l = this.node(expr.left);
    const r = this.node(expr.right);
    this.expectBoolean(l, expr, expr.op);
    this.expectBoolean(r, expr, expr.op);
    if (l.notNull && r.notNull) {
      const node: Node = { type: BOOLEAN, code: `(${l.code} ${expr.op === 'AND' ? '&&' : '||'} ${r.code})`, ast: expr, notNull: true };
      return l.lit && r.lit ? this.fold(node) : node;
    }
    const a = this.temp();
    const b = this.temp();
    // three-valued logic, right side evaluated only when it can change the result
    const code =
      expr.op === 'AND'
        ? `((${a} = ${l.code}) === false ? false : (${b} = ${r.code}) === false ? false : (${a} === null || ${b} === null) ? null : true)`
        : `((${a} = ${l.code}) === true ? true : (${b} = ${r.code}) === true ? true : (${a} === null || ${b} === null) ? null : false)`;
    const node: Node = { type: BOOLEAN, code, ast: expr };
    return l.lit && r.lit ? this.fold(node) : node;
  }

  // ------------------------------------------------------------ comparisons

  /**
   * Prepares two operands for comparison: checks the types, converts string literals that
   * stand for times (ROWTIME > '2020-01-01', date_col = '2020-01-01') and returns a code
   * builder for a comparison of two non-null temporaries.
   */
  private comparePlan(
    expr: Expression,
    opName: string,
    left: Node,
    right: Node,
  ): { l: Node; r: Node; test: (op: CmpOp, a: string, b: string) => string } {
    let l = left;
    let r = right;
    // the pseudo time columns (BIGINT) accept timestamp strings
    const magic = (col: Node, other: Node): Node | undefined => {
      if (col.ast.kind === 'ColumnRef' && PSEUDO_TIME_COLUMNS.has(col.ast.name) && col.type?.base === 'BIGINT' && other.literalKind === 'STRING') {
        const ms = parseTimestamp(other.lit!.value as string);
        if (ms === undefined) throw this.err(`Failed to parse timestamp '${String(other.lit!.value)}' for comparison with ${col.ast.name}`, expr);
        return this.constNode(other.ast, BIGINT, ms, 'NUMBER');
      }
      return undefined;
    };
    r = magic(l, r) ?? r;
    l = magic(r, l) ?? l;
    // date/time values compare with strings (parsed) and DATE with TIMESTAMP
    const temporal = (t: SqlType | null) => t !== null && (t.base === 'DATE' || t.base === 'TIME' || t.base === 'TIMESTAMP');
    if (temporal(l.type) && r.type?.base === 'STRING') r = this.stringToTemporal(r, l.type!, expr);
    else if (temporal(r.type) && l.type?.base === 'STRING') l = this.stringToTemporal(l, r.type!, expr);
    if (l.type?.base === 'DATE' && r.type?.base === 'TIMESTAMP') l = this.castRuntime(l, TIMESTAMP);
    if (r.type?.base === 'DATE' && l.type?.base === 'TIMESTAMP') r = this.castRuntime(r, TIMESTAMP);

    const lt = l.type ?? r.type;
    const rt = r.type ?? l.type;
    const equalityOnly = opName === 'EQUAL' || opName === 'NOT_EQUAL' || opName.includes('DISTINCT');
    if (lt !== null && rt !== null && !comparable(lt, rt, equalityOnly)) {
      throw this.err(
        `Cannot compare ${formatExpression(left.ast)} (${typeText(left.type)}) to ${formatExpression(right.ast)} (${typeText(right.type)}) with ${opName}.`,
        expr,
      );
    }
    const jsOp = (op: CmpOp) => (op === '=' ? '===' : op === '<>' ? '!==' : op);
    let test: (op: CmpOp, a: string, b: string) => string;
    if (lt === null || rt === null) {
      test = () => 'false';
    } else if (isNumeric(lt) && isNumeric(rt)) {
      if (lt.base === 'DECIMAL' || rt.base === 'DECIMAL') test = (op, a, b) => `h.cmpNum(${a}, ${b}) ${jsOp(op)} 0`;
      else if (lt.base === rt.base && lt.base !== 'BIGINT') test = (op, a, b) => `${a} ${jsOp(op)} ${b}`;
      // number/bigint mixes: loose equality and relational operators are exact across the two
      else test = (op, a, b) => `${a} ${op === '=' ? '==' : op === '<>' ? '!=' : op} ${b}`;
    } else if (lt.base === 'BYTES') {
      test = (op, a, b) => `Buffer.compare(${a}, ${b}) ${jsOp(op)} 0`;
    } else if (lt.base === 'ARRAY' || lt.base === 'MAP' || lt.base === 'STRUCT') {
      test = (op, a, b) => (op === '=' ? `h.eq(${a}, ${b})` : `!h.eq(${a}, ${b})`);
    } else {
      test = (op, a, b) => `${a} ${jsOp(op)} ${b}`;
    }
    return { l, r, test };
  }

  private stringToTemporal(n: Node, type: SqlType, expr: Expression): Node {
    if (n.lit) {
      const s = n.lit.value as string | null;
      if (s === null) return { ...n, type };
      const v = type.base === 'DATE' ? parseDate(s) ?? dateFromTimestampText(s) : type.base === 'TIME' ? parseTime(s) : parseTimestamp(s);
      if (v === undefined) throw this.err(`invalid input syntax for type ${type.base}: "${s}"`, expr, 'codegen');
      return this.constNode(n.ast, type, v);
    }
    return this.coerceRuntime(n, type);
  }

  private comparison(expr: Extract<Expression, { kind: 'Comparison' }>): Node {
    const left = this.node(expr.left);
    const right = this.node(expr.right);
    const distinct = expr.op === 'IS DISTINCT FROM' || expr.op === 'IS NOT DISTINCT FROM';
    if (!distinct && (left.literalKind === 'NULL' || right.literalKind === 'NULL')) {
      throw this.err('Comparison with NULL not supported', expr);
    }
    const { l, r, test } = this.comparePlan(expr, COMPARISON_NAMES[expr.op]!, left, right);
    let node: Node;
    if (distinct) {
      const neg = expr.op === 'IS DISTINCT FROM';
      const a = this.temp();
      const b = this.temp();
      // null-safe: two nulls are not distinct, one null is
      node = {
        type: BOOLEAN,
        code: `((${a} = ${l.code}), (${b} = ${r.code}), (${a} === null || ${b} === null) ? ${neg ? `${a} !== ${b}` : `${a} === ${b}`} : ${
          neg ? '!' : ''
        }(${test('=', a, b)}))`,
        ast: expr,
        notNull: true,
      };
    } else {
      node = {
        type: BOOLEAN,
        code: this.guarded([l, r], 'false', ([a, b]) => test(expr.op as CmpOp, a!, b!)),
        ast: expr,
        notNull: true,
      };
    }
    return l.lit && r.lit ? this.fold(node) : node;
  }

  private between(expr: Extract<Expression, { kind: 'Between' }>): Node {
    const v = this.node(expr.value);
    const lo = this.node(expr.low);
    const hi = this.node(expr.high);
    const p1 = this.comparePlan(expr, 'GREATER_THAN_OR_EQUAL', v, lo);
    const p2 = this.comparePlan(expr, 'LESS_THAN_OR_EQUAL', v, hi);
    // the value may have been converted differently for each bound (e.g. a DATE vs TIMESTAMP bound)
    const operands = p1.l === p2.l ? [p1.l, p1.r, p2.r] : [p1.l, p1.r, p2.r, p2.l];
    const code = this.guarded(operands, 'false', ([a, lo2, hi2, a2]) => `${p1.test('>=', a!, lo2!)} && ${p2.test('<=', a2 ?? a!, hi2!)}`);
    const node = this.negateIf(expr.not, { type: BOOLEAN, code, ast: expr, notNull: true });
    return v.lit && lo.lit && hi.lit ? this.fold(node) : node;
  }

  private inList(expr: Extract<Expression, { kind: 'In' }>): Node {
    const v = this.node(expr.value);
    const items = expr.list.map((x) => this.node(x));
    if (v.type === null) return this.constNode(expr, BOOLEAN, false);
    const vt = v.type;
    const checks: string[] = [];
    const a = this.temp();
    // ksqlDB widens the value and the numeric items before each one to a common type, and names
    // that type when an item does not fit (DECIMAL(4, 2) IN (10, true): DECIMAL(12, 2) = BOOLEAN).
    let common = vt;
    for (const raw of items) {
      if (raw.literalKind === 'NULL') continue;
      const item = this.inItem(vt, raw, expr, common);
      if (item.type === null) continue;
      if (isNumeric(common) && isNumeric(item.type)) common = commonOf(common, item.type) ?? common;
      if (isNumeric(vt) && isNumeric(item.type)) {
        const b = this.temp();
        const decimal = vt.base === 'DECIMAL' || item.type.base === 'DECIMAL';
        checks.push(`((${b} = ${item.code}) !== null && ${decimal ? `h.cmpNum(${a}, ${b}) === 0` : `${a} == ${b}`})`);
      } else {
        checks.push(`h.eqv(${a}, ${item.code})`);
      }
    }
    const any = checks.length === 0 ? 'false' : checks.join(' || ');
    const positive: Node = {
      type: BOOLEAN,
      code: `((${a} = ${v.code}) === null ? false : (${any}))`,
      ast: expr,
      notNull: true,
    };
    const node = this.negateIf(expr.not, positive);
    return v.lit && items.every((i) => i.lit) ? this.fold(node) : node;
  }

  /** An IN list item converted for comparison with a value of type `vt` (ksqlDB's IN rules). */
  private inItem(vt: SqlType, item: Node, expr: Expression, shown: SqlType = vt): Node {
    const it = item.type!;
    const mismatch = () =>
      this.err(
        `operator does not exist: ${formatType(shown)} = ${formatType(it)} (${formatExpression(item.ast)})${
          vt.base === 'BOOLEAN' ? '\nHint: You might need to add explicit type casts.' : ''
        }`,
        expr,
        'codegen',
      );
    if (isNumeric(vt)) {
      if (isNumeric(it)) return item;
      if (item.literalKind === 'STRING') {
        const s = item.lit!.value as string;
        try {
          return this.constNode(item.ast, decimalTypeOf(Decimal.parse(s.trim())), Decimal.parse(s.trim()));
        } catch {
          throw this.err(`invalid input syntax for type ${vt.base}: "${s}".`, expr, 'codegen');
        }
      }
      throw mismatch();
    }
    if (item.literalKind === 'STRING' || item.literalKind === 'NUMBER' || item.literalKind === 'BOOLEAN' || item.items || item.entries || item.fields) {
      try {
        return this.coerce(item, vt, false);
      } catch (e) {
        if (e instanceof ExpressionError && e.message.startsWith('invalid input syntax')) {
          // ksqlDB ends the message with a period for a bare literal, not inside a constructor.
          const bare = !(item.items || item.entries || item.fields) && !e.message.endsWith('.');
          throw new ExpressionError(bare ? `${e.message}.` : e.message, 'codegen', expr.loc);
        }
        // constructors with extra struct fields stay as they are: comparable, never equal
        if (commonOf(vt, it) !== undefined && item.literalKind === undefined) return item;
        throw mismatch();
      }
    }
    if (vt.base === 'DATE' || vt.base === 'TIME' || vt.base === 'TIMESTAMP') {
      if (it.base === 'STRING') return this.coerceRuntime(item, vt);
    }
    if (commonOf(vt, it) === undefined) throw mismatch();
    return item;
  }

  private like(expr: Extract<Expression, { kind: 'Like' }>): Node {
    const v = this.node(expr.value);
    const p = this.node(expr.pattern);
    for (const [side, n] of [
      [expr.value, v],
      [expr.pattern, p],
    ] as const) {
      if (n.type !== null && n.type.base !== 'STRING') {
        throw this.err(`LIKE can only be used with STRING operands, but ${formatExpression(side)} is ${formatType(n.type)}`, expr);
      }
    }
    if (expr.escape !== undefined && [...expr.escape].length !== 1) {
      throw this.err(`LIKE escape must be a single character, got '${expr.escape}'`, expr);
    }
    // A NULL operand makes LIKE and NOT LIKE both false, so the negation goes inside the guard.
    const bang = expr.not ? '!' : '';
    let node: Node;
    if (p.lit) {
      if (p.lit.value === null) return this.constNode(expr, BOOLEAN, false);
      const pattern = p.lit.value as string;
      const simple = simpleLike(pattern, expr.escape);
      const test = simple
        ? (a: string) => (simple.kind === 'equals' ? `${a} === ${this.k(simple.text)}` : `${a}.${simple.kind}(${this.k(simple.text)})`)
        : (a: string) => `${this.k(likeToRegExp(pattern, expr.escape))}.test(${a})`;
      node = { type: BOOLEAN, code: this.guarded([v], 'false', ([a]) => `${bang}(${test(a!)})`), ast: expr, notNull: true };
    } else {
      const m = this.k(likeMatcher(expr.escape));
      node = { type: BOOLEAN, code: this.guarded([v, p], 'false', ([a, b]) => `${bang}${m}(${a}, ${b})`), ast: expr, notNull: true };
    }
    return v.lit && p.lit ? this.fold(node) : node;
  }

  // ------------------------------------------------------------ CASE and CAST

  private caseExpr(expr: Extract<Expression, { kind: 'Case' }>): Node {
    const operand = expr.operand ? this.node(expr.operand) : undefined;
    const conds = expr.whens.map((w) => this.node(w.when));
    let results = expr.whens.map((w) => this.node(w.then));
    const elseNode = expr.else ? this.node(expr.else) : undefined;
    if (elseNode) results.push(elseNode);
    if (results.every((r) => r.type === null)) {
      throw this.err('Invalid Case expression. All case branches have NULL type', expr, 'codegen');
    }
    const type = this.unify(results, expr, (types) =>
      this.err(`Invalid Case expression. Type for all 'THEN' clauses should be the same. Result types: ${types}.`, expr),
    );
    results = results.map((r) => this.coerce(r, type, true));
    let code = elseNode ? results[results.length - 1]!.code : 'null';
    const t = operand ? this.temp() : '';
    for (let i = expr.whens.length - 1; i >= 0; i--) {
      const c = conds[i]!;
      let test: string;
      if (operand) {
        if (c.type !== null && operand.type !== null && !comparable(operand.type, c.type, true) && c.literalKind === undefined) {
          throw this.err(
            `Cannot compare ${formatExpression(operand.ast)} (${formatType(operand.type)}) to ${formatExpression(c.ast)} (${formatType(c.type)}) with EQUAL.`,
            expr,
          );
        }
        const w = operand.type !== null && c.literalKind !== undefined && c.literalKind !== 'NULL' ? this.coerce(c, operand.type, true) : c;
        test = `h.eqv(${t}, ${w.code})`;
      } else {
        if (c.type !== null && c.type.base !== 'BOOLEAN') {
          throw this.err(`WHEN operand type should be boolean. Type for '${formatExpression(c.ast)}' is ${formatType(c.type)}`, expr);
        }
        test = `(${c.code}) === true`;
      }
      code = `(${test} ? ${results[i]!.code} : ${code})`;
    }
    if (operand) code = `((${t} = ${operand.code}) === null ? ${elseNode ? results[results.length - 1]!.code : 'null'} : ${code})`;
    return { type, code, ast: expr };
  }

  resolveAstType(t: AstType, at: Expression): SqlType {
    try {
      return sqlTypeOf(t, this.ctx.resolveType?.bind(this.ctx));
    } catch (e) {
      throw this.err((e as Error).message, at);
    }
  }

  private cast(expr: Extract<Expression, { kind: 'Cast' }>): Node {
    const target = this.resolveAstType(expr.type, expr);
    const v = this.node(expr.expr);
    if (v.type === null) return { type: target, code: 'null', ast: expr, lit: { value: null } };
    if (typesEqual(v.type, target)) return { ...v, type: target, ast: expr };
    if (!canCast(v.type, target)) throw this.err(castNotSupported(v.type, target), expr, 'codegen');
    const caster = this.k(buildCaster(v.type, target));
    const node: Node = { type: target, code: `${caster}(${v.code})`, ast: expr };
    return v.lit ? this.fold(node) : node;
  }

  // ------------------------------------------------------------ constructors

  /**
   * Common type of values that must share one (array items, map keys/values, CASE results):
   * the first non-null item picks the family; string literals are converted into it.
   */
  private unify(nodes: Node[], expr: Expression, onMismatch: (types: string) => ExpressionError): SqlType {
    const first = nodes.find((n) => n.type !== null);
    if (!first) return STRING;
    if (first.type!.base === 'STRING') {
      for (const n of nodes) {
        if (n.type !== null && n.type.base !== 'STRING' && n.literalKind === undefined) {
          throw onMismatch(nodes.map((x) => typeText(x.type)).join(', '));
        }
      }
      return STRING;
    }
    const typed = nodes.filter((n) => n.type !== null && n.literalKind !== 'STRING').map((n) => n.type);
    const t = commonType(typed);
    if (t === undefined) throw onMismatch(nodes.map((x) => typeText(x.type)).join(', '));
    void expr;
    if (!isNumeric(t)) return t;
    // Numeric string literals take part with the type of the number they hold ('2e1' is a DECIMAL).
    const literalTypes = nodes.filter((n) => n.literalKind === 'STRING').map((n) => numericTextType(n.lit!.value as string));
    return commonType([t, ...literalTypes.filter((x): x is SqlType => x !== undefined)]) ?? t;
  }

  private arrayCtor(expr: Extract<Expression, { kind: 'ArrayConstructor' }>): Node {
    if (expr.items.length === 0) {
      throw this.err('Array constructor cannot be empty. Please supply at least one element (see https://github.com/confluentinc/ksql/issues/4239).', expr);
    }
    const raw = expr.items.map((i) => this.node(i));
    if (raw.every((n) => n.type === null)) {
      throw this.err('Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239).', expr);
    }
    const item = this.unify(raw, expr, (types) => this.err(`Cannot construct an array with mismatching types: ${types}`, expr));
    const items = raw.map((n) => this.coerce(n, item, true));
    const node: Node = { type: { base: 'ARRAY', item }, code: `[${items.map((i) => this.failingAlone(i)).join(', ')}]`, ast: expr, items };
    return items.every((i) => i.lit) ? { ...this.fold(node), items } : node;
  }

  private mapCtor(expr: Extract<Expression, { kind: 'MapConstructor' }>): Node {
    if (expr.entries.length === 0) {
      throw this.err(
        'Map constructor cannot be empty. Please supply at least one key value pair (see https://github.com/confluentinc/ksql/issues/4239).',
        expr,
      );
    }
    const keys = expr.entries.map((e) => this.node(e.key));
    const values = expr.entries.map((e) => this.node(e.value));
    if (keys.every((n) => n.type === null)) throw this.err('Cannot construct a map with all NULL keys', expr);
    if (values.every((n) => n.type === null)) throw this.err('Cannot construct a map with all NULL values', expr);
    const kt = this.unify(keys, expr, (types) => this.err(`Cannot construct a map with mismatching key types: ${types}`, expr));
    const vt = this.unify(values, expr, (types) => this.err(`Cannot construct a map with mismatching value types: ${types}`, expr));
    let entries: { key: Node; value: Node }[];
    try {
      entries = keys.map((k, i) => ({ key: this.coerce(k, kt, true), value: this.coerce(values[i]!, vt, true) }));
    } catch (e) {
      // ksqlDB's map constructor ends a literal coercion error with a period.
      if (e instanceof ExpressionError && e.message.startsWith('invalid input syntax') && !e.message.endsWith('.')) {
        throw new ExpressionError(`${e.message}.`, e.stage, e.loc, e.column);
      }
      throw e;
    }
    const t = this.temp();
    const sets = entries.map((e) => `${t}.set(${e.key.code}, ${e.value.code})`).join(', ');
    const node: Node = { type: { base: 'MAP', key: kt, value: vt }, code: `(${t} = new Map(), ${sets}, ${t})`, ast: expr, entries };
    return entries.every((e) => e.key.lit && e.value.lit) ? { ...this.fold(node), entries } : node;
  }

  /**
   * Code for one element of a constructor: as in ksqlDB, an element that fails to evaluate is
   * NULL (and logged) and the ARRAY or STRUCT around it survives.
   */
  private failingAlone(element: Node): string {
    if (element.lit || /^row\[\d+\]$/.test(element.code)) return element.code;
    return `(() => { try { return ${element.code}; } catch (e) { fail(e); return null; } })()`;
  }

  private structCtor(expr: Extract<Expression, { kind: 'StructConstructor' }>): Node {
    const names = new Set<string>();
    const fields: { name: string; value: Node }[] = [];
    for (const f of expr.fields) {
      if (names.has(f.name)) throw this.err('Duplicate field names found in STRUCT', expr);
      names.add(f.name);
      let value = this.node(f.value);
      // an untyped NULL field has no type of its own; STRING keeps the struct usable
      if (value.type === null) value = { ...value, type: STRING };
      fields.push({ name: f.name, value });
    }
    const type: SqlType = { base: 'STRUCT', fields: fields.map((f) => ({ name: f.name, type: f.value.type! })) };
    const code = `({${fields.map((f) => `${JSON.stringify(f.name)}: ${this.failingAlone(f.value)}`).join(', ')}})`;
    const node: Node = { type, code, ast: expr, fields };
    return fields.every((f) => f.value.lit) ? { ...this.fold(node), fields } : node;
  }

  // ------------------------------------------------------------ coercion

  /**
   * Converts a node to `target`. Literals (also inside constructors) convert at compile time
   * with ksqlDB's literal rules; other values only widen implicitly, unless `lenient` allows
   * any implicit coercion (function arguments, CASE branches).
   */
  coerce(node: Node, target: SqlType, lenient: boolean): Node {
    if (node.type === null) return { ...node, type: target, code: 'null', lit: { value: null } };
    if (typesEqual(node.type, target)) return node;
    if (node.literalKind !== undefined && node.lit) {
      try {
        const value = coerceValue(node.lit.value, node.type, target);
        return this.constNode(node.ast, target, value, node.literalKind);
      } catch (e) {
        if (e instanceof ConversionError) throw this.err(e.message, node.ast, 'codegen');
        throw e;
      }
    }
    if (node.items && target.base === 'ARRAY') {
      const items = node.items.map((i) => this.coerce(i, target.item, lenient));
      const n: Node = { type: target, code: `[${items.map((i) => i.code).join(', ')}]`, ast: node.ast, items };
      return items.every((i) => i.lit) ? { ...this.fold(n), items } : n;
    }
    if (node.entries && target.base === 'MAP') {
      const entries = node.entries.map((e) => ({ key: this.coerce(e.key, target.key, lenient), value: this.coerce(e.value, target.value, lenient) }));
      const t = this.temp();
      const sets = entries.map((e) => `${t}.set(${e.key.code}, ${e.value.code})`).join(', ');
      const n: Node = { type: target, code: `(${t} = new Map(), ${sets}, ${t})`, ast: node.ast, entries };
      return entries.every((e) => e.key.lit && e.value.lit) ? { ...this.fold(n), entries } : n;
    }
    if (node.fields && target.base === 'STRUCT') {
      const own = new Map(node.fields.map((f) => [f.name, f.value]));
      const extra = node.fields.filter((f) => !target.fields.some((t) => t.name === f.name));
      if (extra.length === 0) {
        const fields = target.fields.map((t) => {
          const v = own.get(t.name);
          return { name: t.name, value: v ? this.coerce(v, t.type, lenient) : this.constNode(node.ast, t.type, null) };
        });
        const code = `({${fields.map((f) => `${JSON.stringify(f.name)}: ${f.value.code}`).join(', ')}})`;
        const n: Node = { type: target, code, ast: node.ast, fields };
        return fields.every((f) => f.value.lit) ? { ...this.fold(n), fields } : n;
      }
    }
    if (canImplicitlyCoerce(node.type, target)) return this.coerceRuntime(node, target);
    if (lenient && node.type.base !== 'STRING' && target.base !== 'STRING' && canCast(node.type, target) && sameFamily(node.type, target)) {
      return this.castRuntime(node, target);
    }
    throw this.err(`Cannot coerce ${formatExpression(node.ast)} (${formatType(node.type)}) to ${formatType(target)}`, node.ast);
  }

  /** Implicit conversion applied per row (widening, strings parsed as dates, ...). */
  private coerceRuntime(node: Node, target: SqlType): Node {
    const from = node.type!;
    // INT → BIGINT/DOUBLE needs no work in this representation
    if (from.base === 'INTEGER' && (target.base === 'BIGINT' || target.base === 'DOUBLE')) return { ...node, type: target };
    return this.convertWith(node, target, buildCoercer(from, target));
  }

  /** CAST semantics applied per row (narrowing numerics, DATE → TIMESTAMP, ...). */
  private castRuntime(node: Node, target: SqlType): Node {
    return this.convertWith(node, target, buildCaster(node.type!, target));
  }

  private convertWith(node: Node, target: SqlType, conv: (v: unknown) => unknown): Node {
    const n: Node = { type: target, code: `${this.k(conv)}(${node.code})`, ast: node.ast };
    return node.lit ? this.fold(n) : n;
  }

  // ------------------------------------------------------------ functions

  private call(expr: FunctionCall): Node {
    const fns = this.ctx.functions;
    const kind = fns.kindOf(expr.name);
    if (kind === undefined) throw this.err(`Can't find any functions with the name '${expr.name}'`, expr);
    if (kind === 'AGGREGATE') {
      throw this.err(`Aggregate function ${expr.name} cannot be used here: aggregates are only allowed in the SELECT and HAVING clauses of a GROUP BY query.`, expr);
    }
    if (kind === 'TABLE') {
      throw this.err(`Table function ${expr.name} can only be used in the SELECT clause of a stream query.`, expr);
    }
    const values: (Node | undefined)[] = [];
    const lambdas = new Map<number, { params: string[]; last?: { types: SqlType[]; body: Node; vars: string[] } }>();
    const shapes: ArgShape[] = expr.args.map((arg, i) => {
      if (arg.kind === 'Lambda') {
        const entry: { params: string[]; last?: { types: SqlType[]; body: Node; vars: string[] } } = { params: arg.params };
        lambdas.set(i, entry);
        values.push(undefined);
        return {
          kind: 'lambda',
          arity: arg.params.length,
          typeBody: (paramTypes: SqlType[]) => {
            const compiled = this.lambdaBody(arg, paramTypes);
            entry.last = { types: paramTypes, ...compiled };
            if (compiled.body.type === null) {
              throw this.err(`Can't infer a type of null in lambda ${formatExpression(arg)}`, arg);
            }
            return compiled.body.type;
          },
        };
      }
      if (arg.kind === 'IntervalUnit') {
        values.push(undefined);
        return { kind: 'unit', unit: arg.unit };
      }
      const n = this.node(arg);
      values.push(n);
      return n.lit ? { kind: 'value', type: n.type, literal: n.lit.value } : { kind: 'value', type: n.type };
    });
    let resolved;
    try {
      resolved = fns.resolveScalar(expr.name, shapes);
    } catch (e) {
      if (e instanceof FunctionResolutionError) throw this.err(e.message, expr);
      throw e;
    }
    const argCodes: string[] = [];
    let allConstant = true;
    expr.args.forEach((arg, i) => {
      if (arg.kind === 'IntervalUnit') {
        argCodes.push(this.k(arg.unit));
        return;
      }
      const lam = lambdas.get(i);
      if (lam) {
        allConstant = false;
        if (!lam.last) throw this.err(`Function ${expr.name} did not type its lambda argument ${formatExpression(arg)}`, expr);
        argCodes.push(`((${lam.last.vars.join(', ')}) => ${lam.last.body.code})`);
        return;
      }
      let n = values[i]!;
      const pt = resolved.paramTypes[i];
      if (pt) n = this.coerce(n, pt, true);
      if (!n.lit) allConstant = false;
      argCodes.push(n.code);
    });
    const fn = this.k(resolved.invoke);
    const args = argCodes.join(', ');
    const code = argCodes.length <= 2 ? `h.call${argCodes.length}(fail, ${fn}${args ? `, ${args}` : ''})` : `h.callN(fail, ${fn}, [${args}])`;
    const node: Node = { type: resolved.returnType, code, ast: expr };
    return allConstant && resolved.deterministic ? this.fold(node) : node;
  }

  private lambdaBody(lambda: Lambda, paramTypes: SqlType[]): { body: Node; vars: string[] } {
    if (paramTypes.length !== lambda.params.length) {
      throw this.err(`Lambda ${formatExpression(lambda)} takes ${lambda.params.length} parameter(s), but ${paramTypes.length} were supplied`, lambda);
    }
    const frame = new Map<string, LambdaVar>();
    const vars: string[] = [];
    lambda.params.forEach((p, i) => {
      const v = `L${this.lambdaVars++}`;
      vars.push(v);
      frame.set(p, { code: v, type: paramTypes[i]! });
    });
    this.lambdaFrames.push(frame);
    try {
      return { body: this.node(lambda.body), vars };
    } finally {
      this.lambdaFrames.pop();
    }
  }
}

function sameFamily(a: SqlType, b: SqlType): boolean {
  if (isNumeric(a) && isNumeric(b)) return true;
  return a.base === b.base;
}

/** The type of the number a string holds: INT or BIGINT for whole numbers, DECIMAL with a point or exponent. */
function numericTextType(text: string): SqlType | undefined {
  const s = text.trim();
  if (/^[+-]?\d+$/.test(s)) {
    const v = BigInt(s);
    if (v >= -(2n ** 31n) && v < 2n ** 31n) return INTEGER;
    return v >= -(2n ** 63n) && v < 2n ** 63n ? BIGINT : undefined;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  try {
    const d = Decimal.parse(s);
    return decimalTypeOf(d.scale < 0 ? d.setScale(0) : d);
  } catch {
    return undefined;
  }
}

function decimalTypeOf(d: Decimal): SqlType {
  return decimalType(d.precision(), Math.max(d.scale, 0));
}

function dateFromTimestampText(s: string): number | undefined {
  const ms = parseTimestamp(s);
  return ms === undefined ? undefined : Math.floor(ms / 86_400_000);
}

export { parseBooleanText, valueToString };
