// Tokens of the SQL dialect (spec §0). Keywords are case-insensitive; most of them are
// non-reserved and belong to the `Ident` category so the grammar accepts them wherever an
// identifier is allowed. Labels follow ANTLR's display style ('KW', ',' and TOKEN_CLASS) so
// syntax errors read like ksqlDB's.

import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

// ---------------------------------------------------------------- categories

/** Anything usable as an identifier: plain, quoted, digit-leading and non-reserved keywords. */
export const Ident = createToken({ name: 'Ident', pattern: Lexer.NA, label: 'IDENTIFIER' });
/** A time unit keyword (DAY, DAYS, ... NANOSECONDS). */
export const TimeUnitTok = createToken({ name: 'TimeUnit', pattern: Lexer.NA, label: 'TIME_UNIT' });

// ---------------------------------------------------------------- whitespace and comments

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

// ---------------------------------------------------------------- literals and identifiers

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  line_breaks: true,
  label: 'STRING',
});
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /"(?:[^"]|"")*"/,
  line_breaks: true,
  categories: [Ident],
  label: 'QUOTED_IDENTIFIER',
});
export const BackquotedIdentifier = createToken({
  name: 'BackquotedIdentifier',
  pattern: /`(?:[^`]|``)*`/,
  line_breaks: true,
  categories: [Ident],
  label: 'BACKQUOTED_IDENTIFIER',
});

// Numbers and digit-leading identifiers overlap (`1E5` is a number, `1E5X` an identifier),
// so one scanner finds the longest match and each token accepts only its own kind.
type NumberKind = 'FLOAT' | 'DECIMAL' | 'INTEGER' | 'DIGIT_IDENT';
const numberRegexes: [NumberKind, RegExp][] = [
  ['FLOAT', /(?:\d+(?:\.\d*)?|\.\d+)E[+-]?\d+/iy],
  ['DECIMAL', /\d+\.\d*|\.\d+/y],
  ['INTEGER', /\d+/y],
  ['DIGIT_IDENT', /\d[A-Z0-9_@]+/iy],
];
let scanCacheText = '';
let scanCacheOffset = -1;
let scanCacheResult: { kind: NumberKind; length: number } | null = null;

function scanNumber(text: string, offset: number): { kind: NumberKind; length: number } | null {
  if (text === scanCacheText && offset === scanCacheOffset) return scanCacheResult;
  let best: { kind: NumberKind; length: number } | null = null;
  const c = text.charCodeAt(offset);
  const isDigit = c >= 48 && c <= 57;
  if (isDigit || c === 46 /* . */) {
    for (const [kind, re] of numberRegexes) {
      re.lastIndex = offset;
      const m = re.exec(text);
      if (m && (!best || m[0].length > best.length)) best = { kind, length: m[0].length };
    }
  }
  scanCacheText = text;
  scanCacheOffset = offset;
  scanCacheResult = best;
  return best;
}

function numberPattern(kind: NumberKind) {
  return {
    exec(text: string, offset: number): RegExpExecArray | null {
      const found = scanNumber(text, offset);
      if (!found || found.kind !== kind) return null;
      const m = [text.substr(offset, found.length)] as unknown as RegExpExecArray;
      return m;
    },
  };
}

export const FloatLiteral = createToken({
  name: 'FloatLiteral',
  pattern: numberPattern('FLOAT'),
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
  label: 'FLOATING_POINT_VALUE',
});
export const DecimalLiteral = createToken({
  name: 'DecimalLiteral',
  pattern: numberPattern('DECIMAL'),
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
  label: 'DECIMAL_VALUE',
});
export const IntegerLiteral = createToken({
  name: 'IntegerLiteral',
  pattern: numberPattern('INTEGER'),
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  label: 'INTEGER_VALUE',
});
export const DigitIdentifier = createToken({
  name: 'DigitIdentifier',
  pattern: numberPattern('DIGIT_IDENT'),
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  categories: [Ident],
  label: 'DIGIT_IDENTIFIER',
});

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_@]*/,
  categories: [Ident],
  label: 'IDENTIFIER',
});

export const Variable = createToken({ name: 'Variable', pattern: /\$\{[^}]*\}/, label: 'VARIABLE' });

// ---------------------------------------------------------------- keywords

const keywordTokens: TokenType[] = [];

function keyword(word: string, opts: { reserved?: boolean; unit?: boolean } = {}): TokenType {
  const categories: TokenType[] = [];
  if (!opts.reserved) categories.push(Ident);
  if (opts.unit) categories.push(TimeUnitTok);
  const tok = createToken({
    name: word,
    pattern: new RegExp(word, 'i'),
    longer_alt: Identifier,
    categories,
    label: `'${word}'`,
  });
  keywordTokens.push(tok);
  return tok;
}

const R = { reserved: true };

// Reserved: cannot be used as identifiers unless quoted.
export const SELECT = keyword('SELECT', R);
export const FROM = keyword('FROM', R);
export const AS = keyword('AS', R);
export const WHERE = keyword('WHERE', R);
export const WITHIN = keyword('WITHIN', R);
export const WINDOW = keyword('WINDOW', R);
export const GROUP = keyword('GROUP', R);
export const BY = keyword('BY', R);
export const HAVING = keyword('HAVING', R);
export const LIMIT = keyword('LIMIT', R);
export const OR = keyword('OR', R);
export const AND = keyword('AND', R);
export const IN = keyword('IN', R);
export const NOT = keyword('NOT', R);
export const EXISTS = keyword('EXISTS', R);
export const BETWEEN = keyword('BETWEEN', R);
export const LIKE = keyword('LIKE', R);
export const IS = keyword('IS', R);
export const NULL = keyword('NULL', R);
export const TRUE = keyword('TRUE', R);
export const FALSE = keyword('FALSE', R);
export const CASE = keyword('CASE', R);
export const WHEN = keyword('WHEN', R);
export const THEN = keyword('THEN', R);
export const ELSE = keyword('ELSE', R);
export const END = keyword('END', R);
export const JOIN = keyword('JOIN', R);
export const FULL = keyword('FULL', R);
export const OUTER = keyword('OUTER', R);
export const INNER = keyword('INNER', R);
export const LEFT = keyword('LEFT', R);
export const RIGHT = keyword('RIGHT', R);
export const ON = keyword('ON', R);
export const WITH = keyword('WITH', R);
export const CAST = keyword('CAST', R);
export const DISTINCT = keyword('DISTINCT', R);
export const CREATE = keyword('CREATE', R);
export const INSERT = keyword('INSERT', R);
export const INTO = keyword('INTO', R);
export const DROP = keyword('DROP', R);
export const DESCRIBE = keyword('DESCRIBE', R);
export const TERMINATE = keyword('TERMINATE', R);
export const PRINT = keyword('PRINT', R);

// Non-reserved.
export const ALL = keyword('ALL');
export const VALUES = keyword('VALUES');
export const TABLE = keyword('TABLE');
export const TABLES = keyword('TABLES');
export const STREAM = keyword('STREAM');
export const STREAMS = keyword('STREAMS');
export const TOPIC = keyword('TOPIC');
export const TOPICS = keyword('TOPICS');
export const QUERIES = keyword('QUERIES');
export const PROPERTIES = keyword('PROPERTIES');
export const VARIABLES = keyword('VARIABLES');
export const TYPE = keyword('TYPE');
export const TYPES = keyword('TYPES');
export const FUNCTION = keyword('FUNCTION');
export const FUNCTIONS = keyword('FUNCTIONS');
export const CONNECTOR = keyword('CONNECTOR');
export const CONNECTORS = keyword('CONNECTORS');
export const PLUGINS = keyword('PLUGINS');
export const SOURCE = keyword('SOURCE');
export const SINK = keyword('SINK');
export const EXTENDED = keyword('EXTENDED');
export const SHOW = keyword('SHOW');
export const LIST = keyword('LIST');
export const EXPLAIN = keyword('EXPLAIN');
export const SET = keyword('SET');
export const UNSET = keyword('UNSET');
export const ALTER = keyword('ALTER');
export const SYSTEM = keyword('SYSTEM');
export const ADD = keyword('ADD');
export const COLUMN = keyword('COLUMN');
export const DEFINE = keyword('DEFINE');
export const UNDEFINE = keyword('UNDEFINE');
export const PAUSE = keyword('PAUSE');
export const RESUME = keyword('RESUME');
export const RUN = keyword('RUN');
export const SCRIPT = keyword('SCRIPT');
export const ASSERT = keyword('ASSERT');
export const SCHEMA = keyword('SCHEMA');
export const SUBJECT = keyword('SUBJECT');
export const ID = keyword('ID');
export const TIMEOUT = keyword('TIMEOUT');
export const REPLACE = keyword('REPLACE');
export const IF = keyword('IF');
export const DELETE = keyword('DELETE');
export const KEY = keyword('KEY');
export const PRIMARY = keyword('PRIMARY');
export const HEADERS = keyword('HEADERS');
export const HEADER = keyword('HEADER');
export const PARTITION = keyword('PARTITION');
export const EMIT = keyword('EMIT');
export const CHANGES = keyword('CHANGES');
export const FINAL = keyword('FINAL');
export const ESCAPE = keyword('ESCAPE');
export const TUMBLING = keyword('TUMBLING');
export const HOPPING = keyword('HOPPING');
export const SESSION = keyword('SESSION');
export const SIZE = keyword('SIZE');
export const ADVANCE = keyword('ADVANCE');
export const RETENTION = keyword('RETENTION');
export const GRACE = keyword('GRACE');
export const PERIOD = keyword('PERIOD');
export const BEGINNING = keyword('BEGINNING');
export const INTERVAL = keyword('INTERVAL');
export const SAMPLE = keyword('SAMPLE');
export const ARRAY = keyword('ARRAY');
export const MAP = keyword('MAP');
export const STRUCT = keyword('STRUCT');
export const DECIMAL = keyword('DECIMAL');
export const STRING = keyword('STRING');

// Time units (non-reserved). Plurals first so that the longer word wins.
const U = { unit: true };
export const DAYS = keyword('DAYS', U);
export const DAY = keyword('DAY', U);
export const HOURS = keyword('HOURS', U);
export const HOUR = keyword('HOUR', U);
export const MINUTES = keyword('MINUTES', U);
export const MINUTE = keyword('MINUTE', U);
export const SECONDS = keyword('SECONDS', U);
export const SECOND = keyword('SECOND', U);
export const MILLISECONDS = keyword('MILLISECONDS', U);
export const MILLISECOND = keyword('MILLISECOND', U);
export const MICROSECONDS = keyword('MICROSECONDS', U);
export const MICROSECOND = keyword('MICROSECOND', U);
export const NANOSECONDS = keyword('NANOSECONDS', U);
export const NANOSECOND = keyword('NANOSECOND', U);

// ---------------------------------------------------------------- punctuation

export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: "'.'" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Assign = createToken({ name: 'Assign', pattern: /:=/, label: "':='" });
export const FatArrow = createToken({ name: 'FatArrow', pattern: /=>/, label: "'=>'" });
export const Arrow = createToken({ name: 'Arrow', pattern: /->/, label: "'->'" });
export const Concat = createToken({ name: 'Concat', pattern: /\|\|/, label: "'||'" });
export const LTE = createToken({ name: 'LTE', pattern: /<=/, label: "'<='" });
export const NEQ = createToken({ name: 'NEQ', pattern: /<>|!=/, label: "'<>'" });
export const GTE = createToken({ name: 'GTE', pattern: />=/, label: "'>='" });
export const LT = createToken({ name: 'LT', pattern: /</, label: "'<'" });
export const GT = createToken({ name: 'GT', pattern: />/, label: "'>'" });
export const EQ = createToken({ name: 'EQ', pattern: /=/, label: "'='" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });

// Order matters: comments before operators, multi-char operators before their prefixes,
// keywords before Identifier (longer_alt lets `selection` stay an identifier).
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  StringLiteral,
  QuotedIdentifier,
  BackquotedIdentifier,
  FloatLiteral,
  DecimalLiteral,
  DigitIdentifier,
  IntegerLiteral,
  Variable,
  Semicolon,
  Comma,
  Dot,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Assign,
  FatArrow,
  Arrow,
  Concat,
  LTE,
  NEQ,
  GTE,
  LT,
  GT,
  EQ,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  // Longest keywords first so `INTO` is not lexed as `IN` + longer_alt identifier.
  ...[...keywordTokens].sort((a, b) => b.name.length - a.name.length),
  Identifier,
  Ident,
  TimeUnitTok,
];

export const keywordTokenTypes: readonly TokenType[] = keywordTokens;

/** The token patterns are checked by test/parser/grammar-validation.test.ts, not at every start. */
export const lexerConfig = { ensureOptimizations: true, positionTracking: 'full' } as const;
export const sqlLexer = new Lexer(allTokens, { ...lexerConfig, skipValidations: true });
