// Parameter type patterns of function signatures, and matching of argument types against
// them. Signatures are written as compact text, e.g. `(arr ARRAY<T>, fn FUNC(T => U)) ARRAY<U>`,
// and parsed once when the library is built.

import {
  type SqlType,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  formatType,
  typesEqual,
  decimalType,
} from '../common/types.js';

/** A parameter type pattern. */
export type TypePattern =
  | { p: 'concrete'; type: SqlType }
  /** Any DECIMAL, whatever its precision and scale. */
  | { p: 'decimal' }
  /** Any STRUCT. */
  | { p: 'struct' }
  /** Any type at all, without binding (TOPK's extra columns). */
  | { p: 'any' }
  /** A type variable such as T, K, V, U, S. */
  | { p: 'generic'; name: string }
  | { p: 'array'; item: TypePattern }
  | { p: 'map'; key: TypePattern; value: TypePattern }
  | { p: 'lambda'; params: TypePattern[]; body: TypePattern }
  | { p: 'unit' };

export interface ParamSpec {
  name: string;
  pattern: TypePattern;
  variadic: boolean;
}

export interface Signature {
  params: ParamSpec[];
  /** The declared return pattern (for docs and simple return types); may be absent for computed ones. */
  returns: TypePattern | null;
  variadic: boolean;
}

const PRIMITIVES: Record<string, SqlType> = {
  BOOLEAN,
  INT: INTEGER,
  INTEGER,
  BIGINT,
  DOUBLE,
  STRING,
  VARCHAR: STRING,
  BYTES,
  DATE,
  TIME,
  TIMESTAMP,
};

/** Splits at top-level commas (not inside <> or ()). */
function splitTop(text: string, sep = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(') depth++;
    else if ((c === '>' && text[i - 1] !== '=') || c === ')') depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || out.length > 0) out.push(last);
  return out;
}

export function parsePattern(text: string): TypePattern {
  const t = text.trim();
  const upper = t.toUpperCase();
  if (upper in PRIMITIVES) return { p: 'concrete', type: PRIMITIVES[upper]! };
  if (upper === 'DECIMAL') return { p: 'decimal' };
  if (upper === 'STRUCT') return { p: 'struct' };
  if (upper === 'ANY') return { p: 'any' };
  if (upper === 'UNIT') return { p: 'unit' };
  if (/^[A-Z][0-9]?$/.test(t)) return { p: 'generic', name: t };
  let m = /^ARRAY<(.*)>$/i.exec(t);
  if (m) return { p: 'array', item: parsePattern(m[1]!) };
  m = /^MAP<(.*)>$/i.exec(t);
  if (m) {
    const parts = splitTop(m[1]!);
    if (parts.length !== 2) throw new Error(`bad map pattern ${t}`);
    return { p: 'map', key: parsePattern(parts[0]!), value: parsePattern(parts[1]!) };
  }
  m = /^STRUCT<(.*)>$/i.exec(t);
  if (m) return { p: 'concrete', type: structPattern(m[1]!, t) };
  m = /^FUNC\((.*)=>(.*)\)$/i.exec(t);
  if (m) {
    const params = m[1]!.trim() === '' ? [] : splitTop(m[1]!).map(parsePattern);
    return { p: 'lambda', params, body: parsePattern(m[2]!) };
  }
  m = /^DECIMAL\((\d+),\s*(\d+)\)$/i.exec(t);
  if (m) return { p: 'concrete', type: decimalType(Number(m[1]), Number(m[2])) };
  throw new Error(`Unknown type pattern: ${t}`);
}

/** `A INT, B STRING` of a `STRUCT<…>` pattern: a concrete struct type. */
function structPattern(fieldsText: string, whole: string): SqlType {
  const fields = splitTop(fieldsText).map((f) => {
    const m = /^(`[^`]+`|"[^"]+"|\S+)\s+(.+)$/.exec(f.trim());
    if (!m) throw new Error(`struct field needs a name and a type: ${f} in ${whole}`);
    const type = parsePattern(m[2]!);
    if (type.p !== 'concrete') throw new Error(`struct fields need concrete types: ${f} in ${whole}`);
    return { name: m[1]!.replace(/^[`"]|[`"]$/g, ''), type: type.type };
  });
  return { base: 'STRUCT', fields };
}

/** Parses `(name TYPE, other TYPE...) RETURN` (the return part is optional). */
export function parseSignature(text: string): Signature {
  const t = text.trim();
  if (!t.startsWith('(')) throw new Error(`bad signature ${text}`);
  let depth = 0;
  let close = -1;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(' || t[i] === '<') depth++;
    else if (t[i] === ')' || (t[i] === '>' && t[i - 1] !== '=')) {
      depth--;
      if (depth === 0 && t[i] === ')') {
        close = i;
        break;
      }
    }
  }
  if (close < 0) throw new Error(`bad signature ${text}`);
  const inner = t.slice(1, close).trim();
  const ret = t.slice(close + 1).trim();
  const params: ParamSpec[] = inner === ''
    ? []
    : splitTop(inner).map((p) => {
        const sp = p.indexOf(' ');
        if (sp < 0) throw new Error(`parameter needs a name and a type: ${p} in ${text}`);
        let typeText = p.slice(sp + 1).trim();
        const variadic = typeText.endsWith('...');
        if (variadic) typeText = typeText.slice(0, -3);
        return { name: p.slice(0, sp), pattern: parsePattern(typeText), variadic };
      });
  const variadicCount = params.filter((p) => p.variadic).length;
  if (variadicCount > 1) throw new Error(`only one variadic parameter allowed: ${text}`);
  return { params, returns: ret === '' ? null : parsePattern(ret), variadic: variadicCount === 1 };
}

export function formatPattern(p: TypePattern): string {
  switch (p.p) {
    case 'concrete':
      return formatType(p.type);
    case 'decimal':
      return 'DECIMAL';
    case 'struct':
      return 'STRUCT';
    case 'any':
      return 'ANY';
    case 'generic':
      return p.name;
    case 'array':
      return `ARRAY<${formatPattern(p.item)}>`;
    case 'map':
      return `MAP<${formatPattern(p.key)}, ${formatPattern(p.value)}>`;
    case 'lambda':
      return `LAMBDA<(${p.params.map(formatPattern).join(', ')}) => ${formatPattern(p.body)}>`;
    case 'unit':
      return 'TIMEUNIT';
  }
}

export type Bindings = Map<string, SqlType>;

/** Widening rank of numeric types: INT → BIGINT → DECIMAL → DOUBLE. */
function numericRank(t: SqlType): number {
  switch (t.base) {
    case 'INTEGER':
      return 1;
    case 'BIGINT':
      return 2;
    case 'DECIMAL':
      return 3;
    case 'DOUBLE':
      return 4;
    default:
      return 0;
  }
}

/** The DECIMAL an integer type widens to. */
export function decimalFor(t: SqlType): SqlType {
  if (t.base === 'INTEGER') return decimalType(10, 0);
  if (t.base === 'BIGINT') return decimalType(19, 0);
  return t;
}

/** Whether a string literal can stand for a value of `target` (implicit literal coercion). */
function stringLiteralCoerces(text: string, target: SqlType): boolean {
  const s = text.trim();
  switch (target.base) {
    case 'INTEGER':
      return /^[+-]?\d+$/.test(s) && Math.abs(Number(s)) <= 2147483648;
    case 'BIGINT':
      return /^[+-]?\d+$/.test(s) && BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n;
    case 'DECIMAL':
    case 'DOUBLE':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s);
    case 'BOOLEAN': {
      const l = s.toLowerCase();
      return l !== '' && ('true'.startsWith(l) || 'false'.startsWith(l) || 'yes'.startsWith(l) || 'no'.startsWith(l));
    }
    case 'DATE':
      return /^\d{4}-\d{2}(-\d{2})?$/.test(s);
    case 'TIME':
      return /^\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/.test(s);
    case 'TIMESTAMP':
      return /^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,9})?)?)?)?([+-]\d{2}(:?\d{2})?|Z)?$/.test(s);
    default:
      return false;
  }
}

/**
 * The type an argument of type `from` is implicitly cast to when bound to a parameter of
 * concrete type `to`, or null when no implicit cast exists. `literal` is the argument's
 * constant value when it is a literal (enables literal coercions).
 */
export function implicitCast(from: SqlType, to: SqlType, literal: unknown): SqlType | null {
  if (typesEqual(from, to)) return to;
  const rf = numericRank(from);
  const rt = numericRank(to);
  if (rf > 0 && rt > 0) {
    if (from.base === 'DECIMAL' && to.base === 'DECIMAL') return to;
    return rf < rt ? to : null;
  }
  if (from.base === 'STRING' && typeof literal === 'string' && stringLiteralCoerces(literal, to)) return to;
  if (from.base === 'ARRAY' && to.base === 'ARRAY') {
    return implicitCast(from.item, to.item, undefined) ? to : null;
  }
  if (from.base === 'MAP' && to.base === 'MAP') {
    return implicitCast(from.key, to.key, undefined) && implicitCast(from.value, to.value, undefined) ? to : null;
  }
  return null;
}

/**
 * Matches an argument type against a pattern, binding type variables. Returns the type the
 * argument should be coerced to, or null when it does not match. `allowCasts` enables the
 * implicit widening phase. Bindings are mutated only on success of the whole match (the
 * caller passes a scratch copy).
 */
export function matchPattern(
  pattern: TypePattern,
  arg: SqlType,
  bindings: Bindings,
  allowCasts: boolean,
  literal: unknown,
): SqlType | null {
  switch (pattern.p) {
    case 'concrete':
      if (typesEqual(pattern.type, arg)) return arg;
      return allowCasts ? implicitCast(arg, pattern.type, literal) : null;
    case 'decimal':
      if (arg.base === 'DECIMAL') return arg;
      if (allowCasts && (arg.base === 'INTEGER' || arg.base === 'BIGINT')) return decimalFor(arg);
      if (allowCasts && arg.base === 'STRING' && typeof literal === 'string' && stringLiteralCoerces(literal, DOUBLE)) {
        try {
          const text = literal.trim();
          const m = /^[+-]?(\d*)\.?(\d*)$/.exec(text);
          if (m) return decimalType(Math.max(1, m[1]!.replace(/^0+/, '').length + m[2]!.length), m[2]!.length);
        } catch {
          return null;
        }
      }
      return null;
    case 'struct':
      return arg.base === 'STRUCT' ? arg : null;
    case 'any':
      return arg;
    case 'generic': {
      const bound = bindings.get(pattern.name);
      if (bound === undefined) {
        bindings.set(pattern.name, arg);
        return arg;
      }
      if (typesEqual(bound, arg)) return bound;
      if (!allowCasts) return null;
      if (implicitCast(arg, bound, literal)) return bound;
      // A later argument of a wider type widens the binding (e.g. ARRAY<INT> with a BIGINT).
      if (implicitCast(bound, arg, undefined)) {
        bindings.set(pattern.name, arg);
        return arg;
      }
      return null;
    }
    case 'array': {
      if (arg.base !== 'ARRAY') return null;
      const item = matchPattern(pattern.item, arg.item, bindings, allowCasts, undefined);
      return item ? { base: 'ARRAY', item } : null;
    }
    case 'map': {
      if (arg.base !== 'MAP') return null;
      const key = matchPattern(pattern.key, arg.key, bindings, allowCasts, undefined);
      if (!key) return null;
      const value = matchPattern(pattern.value, arg.value, bindings, allowCasts, undefined);
      return value ? { base: 'MAP', key, value } : null;
    }
    case 'lambda':
    case 'unit':
      return null;
  }
}

/** Substitutes bound type variables; returns null when a variable is unbound. */
export function instantiate(pattern: TypePattern, bindings: Bindings): SqlType | null {
  switch (pattern.p) {
    case 'concrete':
      return pattern.type;
    case 'decimal':
    case 'struct':
    case 'any':
    case 'lambda':
    case 'unit':
      return null;
    case 'generic':
      return bindings.get(pattern.name) ?? null;
    case 'array': {
      const item = instantiate(pattern.item, bindings);
      return item ? { base: 'ARRAY', item } : null;
    }
    case 'map': {
      const key = instantiate(pattern.key, bindings);
      const value = instantiate(pattern.value, bindings);
      return key && value ? { base: 'MAP', key, value } : null;
    }
  }
}

/** True when a pattern mentions a type variable not yet bound. */
export function hasUnbound(pattern: TypePattern, bindings: Bindings): boolean {
  switch (pattern.p) {
    case 'generic':
      return !bindings.has(pattern.name);
    case 'array':
      return hasUnbound(pattern.item, bindings);
    case 'map':
      return hasUnbound(pattern.key, bindings) || hasUnbound(pattern.value, bindings);
    case 'lambda':
      return pattern.params.some((p) => hasUnbound(p, bindings)) || hasUnbound(pattern.body, bindings);
    default:
      return false;
  }
}

/** Type text for DESCRIBE FUNCTION, in ksqlDB's style (VARCHAR, INT). */
export function formatPatternDoc(p: TypePattern): string {
  return formatPattern(p)
    .replace(/\bSTRING\b/g, 'VARCHAR')
    .replace(/\bINTEGER\b/g, 'INT');
}

/** Number of parameters whose pattern involves a type variable (less generic overloads win ties). */
export function genericity(p: TypePattern): number {
  switch (p.p) {
    case 'generic':
    case 'any':
      return 1;
    case 'array':
      return genericity(p.item);
    case 'map':
      return genericity(p.key) + genericity(p.value);
    case 'lambda':
      return p.params.reduce((n, x) => n + genericity(x), genericity(p.body));
    default:
      return 0;
  }
}
