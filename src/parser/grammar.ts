// The SQL grammar as a chevrotain EmbeddedActionsParser that builds the AST of ./ast.ts
// directly. One instance is built at module load and reused for every parse.
//
// Chevrotain runs every rule once in a "recording phase" to learn the grammar; anything
// that inspects sub-results (arrays, fields) is therefore wrapped in ACTION().

import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { EmbeddedActionsParser, EOF } from './chevrotain.js';
import type {
  AliasedSource,
  AstType,
  Duration,
  Expression,
  JoinClause,
  Literal,
  Loc,
  Property,
  OrderByItem,
  Query,
  SelectItem,
  SourceType,
  Statement,
  TableElement,
  TimeUnit,
  WindowExpression,
} from './ast.js';
import { ParseError } from './errors.js';
import * as T from './lexer.js';
import { integerLiteral, floatLiteral, decimalLiteral, durationMs, unitFromKeyword } from './literals.js';

/** A statement before `text` and `loc` are attached by the caller. */
export type StatementBody = DistributiveOmit<Statement, 'text' | 'loc'> & { text?: string; loc?: Loc };
type DistributiveOmit<U, K extends PropertyKey> = U extends unknown ? Omit<U, K> : never;

/** `SLIDING` and `COUNT` open a window clause without being keywords (COUNT is also a function). */
function windowWord(t: IToken): 'SLIDING' | 'COUNT' | undefined {
  if (t.tokenType !== T.Identifier) return undefined;
  const w = t.image.toUpperCase();
  return w === 'SLIDING' || w === 'COUNT' ? w : undefined;
}

/** Unit words that ksqlDB's grammar also allows as identifiers (its nonReserved list). */
const SINGULAR_UNITS = new Set<TokenType>([T.DAY, T.HOUR, T.MINUTE, T.SECOND]);

const closingClauseTokens = new Set<TokenType>([
  T.WINDOW,
  T.WHERE,
  T.GROUP,
  T.PARTITION,
  T.HAVING,
  T.EMIT,
  T.LIMIT,
  T.JOIN,
  T.INNER,
  T.LEFT,
  T.RIGHT,
  T.FULL,
  T.ON,
  T.WITHIN,
]);

const primitiveNames: Record<string, AstType> = {
  BOOLEAN: { kind: 'Primitive', name: 'BOOLEAN' },
  INT: { kind: 'Primitive', name: 'INTEGER' },
  INTEGER: { kind: 'Primitive', name: 'INTEGER' },
  BIGINT: { kind: 'Primitive', name: 'BIGINT' },
  DOUBLE: { kind: 'Primitive', name: 'DOUBLE' },
  STRING: { kind: 'Primitive', name: 'STRING' },
  VARCHAR: { kind: 'Primitive', name: 'STRING' },
  BYTES: { kind: 'Primitive', name: 'BYTES' },
  DATE: { kind: 'Primitive', name: 'DATE' },
  TIME: { kind: 'Primitive', name: 'TIME' },
  TIMESTAMP: { kind: 'Primitive', name: 'TIMESTAMP' },
};

export function identifierText(tok: IToken): string {
  const img = tok.image;
  switch (tok.tokenType) {
    case T.QuotedIdentifier:
      return img.slice(1, -1).replace(/""/g, '"');
    case T.BackquotedIdentifier:
      return img.slice(1, -1).replace(/``/g, '`');
    default:
      return img.toUpperCase();
  }
}

/** The identifier as written, quotes removed but case kept (topic names, connector properties). */
function rawIdentifierText(tok: IToken): string {
  if (tok.tokenType === T.QuotedIdentifier || tok.tokenType === T.BackquotedIdentifier) return identifierText(tok);
  return tok.image;
}

export function stringText(tok: IToken): string {
  return tok.image.slice(1, -1).replace(/''/g, "'");
}

function isQuoted(tok: IToken): boolean {
  return tok.tokenType === T.QuotedIdentifier || tok.tokenType === T.BackquotedIdentifier;
}

/** Display name of a token type in ANTLR style: 'KEYWORD', ',' or a class like INTEGER_VALUE. */
export function tokenLabel(t: TokenType): string {
  if (t === EOF) return '<EOF>';
  return t.LABEL ?? t.name;
}

/**
 * The ')' that closes a parenthesised comma-separated list. After an element ANTLR expects
 * either another ',' or the ')', and says so: "Expecting {',', ')'}".
 */
const LIST_CLOSE = {
  ERR_MSG: JSON.stringify({ kind: 'mismatch', expected: ["','", "')'"], rule: 'list' } satisfies EncodedSyntaxError),
};

function uniqueLabels(types: TokenType[]): string[] {
  return [...new Set(types.map(tokenLabel))];
}

/**
 * Chevrotain builds error messages through this provider; the messages are JSON so that
 * ./index.ts can turn them into ksqlDB-style ParseErrors with the expected-token list.
 */
export interface EncodedSyntaxError {
  kind: 'mismatch' | 'notAllInput' | 'noViableAlt' | 'earlyExit';
  expected: string[];
  rule: string;
}

const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    JSON.stringify({ kind: 'mismatch', expected: [tokenLabel(expected)], rule: ruleName } satisfies EncodedSyntaxError),
  buildNotAllInputParsedMessage: ({ ruleName }) =>
    JSON.stringify({ kind: 'notAllInput', expected: ['<EOF>'], rule: ruleName } satisfies EncodedSyntaxError),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, ruleName }) =>
    JSON.stringify({
      kind: 'noViableAlt',
      expected: uniqueLabels(expectedPathsPerAlt.flatMap((paths) => paths.map((p) => p[0]!).filter(Boolean))),
      rule: ruleName,
    } satisfies EncodedSyntaxError),
  buildEarlyExitMessage: ({ expectedIterationPaths, ruleName }) =>
    JSON.stringify({
      kind: 'earlyExit',
      expected: uniqueLabels(expectedIterationPaths.map((p) => p[0]!).filter(Boolean)),
      rule: ruleName,
    } satisfies EncodedSyntaxError),
};

export class SqlParser extends EmbeddedActionsParser {
  /** Location of the statement text's first character within the request. */
  base: Loc = { line: 1, column: 1, offset: 0 };
  /** Set when `expr->*` was parsed; only a select item may end with it. */
  structAllBase: Expression | undefined;
  structAllLoc: Loc | undefined;
  /**
   * Whether the test tool's statements (ASSERT VALUES, ASSERT NULL VALUES, ASSERT STREAM/TABLE)
   * parse. ksqlDB's server grammar has none of them, so a server reports a syntax error at the
   * word after ASSERT.
   */
  testStatements = false;

  /**
   * `validate`: chevrotain's checks of the grammar itself (ambiguities, left recursion). They
   * cost about half of the parser's construction, so a server starts without them and the
   * parser tests run them (test/parser/grammar-validation.test.ts).
   */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, { maxLookahead: 1, recoveryEnabled: false, errorMessageProvider, skipValidations: options.validate !== true });
    this.performSelfAnalysis();
  }

  loc(tok: IToken): Loc {
    const b = this.base;
    const line = tok.startLine ?? 1;
    const col = tok.startColumn ?? 1;
    return {
      line: b.line + line - 1,
      column: line === 1 ? b.column + col - 1 : col,
      offset: b.offset + tok.startOffset,
    };
  }

  private ident(): IToken {
    return this.CONSUME(T.Ident);
  }

  private la(i: number): TokenType {
    return this.LA(i).tokenType;
  }

  /** A non-reserved word matched by its text (ORDER, OFFSET, ASC, ...: they stay identifiers elsewhere). */
  private isWord(i: number, word: string): boolean {
    const t = this.LA(i);
    return t.tokenType === T.Identifier && t.image.toUpperCase() === word;
  }

  // ============================================================== entry points

  singleStatement = this.RULE('singleStatement', (): StatementBody => {
    const stmt = this.SUBRULE(this.statement);
    this.OPTION(() => this.CONSUME(T.Semicolon));
    return stmt;
  });

  singleExpression = this.RULE('singleExpression', (): Expression => {
    return this.SUBRULE(this.expression);
  });

  singleType = this.RULE('singleType', (): AstType => {
    return this.SUBRULE(this.type);
  });

  tableElementList = this.RULE('tableElementList', (): TableElement[] => {
    const out: TableElement[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => out.push(this.SUBRULE(this.tableElement)) });
    return out;
  });

  // ============================================================== statements

  statement = this.RULE('statement', (): StatementBody => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.selectStatement) },
      { ALT: () => this.SUBRULE(this.createStatement) },
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.dropStatement) },
      { ALT: () => this.SUBRULE(this.showStatement) },
      { ALT: () => this.SUBRULE(this.describeStatement) },
      { ALT: () => this.SUBRULE(this.explainStatement) },
      { ALT: () => this.SUBRULE(this.setStatement) },
      { ALT: () => this.SUBRULE(this.unsetStatement) },
      { ALT: () => this.SUBRULE(this.alterStatement) },
      { ALT: () => this.SUBRULE(this.defineStatement) },
      { ALT: () => this.SUBRULE(this.undefineStatement) },
      { ALT: () => this.SUBRULE(this.queryControlStatement) },
      { ALT: () => this.SUBRULE(this.printStatement) },
      { ALT: () => this.SUBRULE(this.runScriptStatement) },
      { ALT: () => this.SUBRULE(this.assertStatement) },
    ]);
  });

  selectStatement = this.RULE('selectStatement', (): StatementBody => {
    const query = this.SUBRULE(this.query);
    return { kind: 'Select', query };
  });

  createStatement = this.RULE('createStatement', (): StatementBody => {
    const createTok = this.CONSUME(T.CREATE);
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.la(1) === T.TYPE,
          ALT: () => this.SUBRULE(this.createTypeRest),
        },
        {
          GATE: () => (this.la(1) === T.SOURCE || this.la(1) === T.SINK) && this.la(2) === T.CONNECTOR,
          ALT: () => this.SUBRULE(this.createConnectorRest),
        },
        { ALT: () => this.SUBRULE(this.createSourceRest, { ARGS: [createTok] }) },
      ],
    });
  });

  private createSourceRest = this.RULE('createSourceRest', (createTok: IToken): StatementBody => {
    let orReplace = false;
    let isSource = false;
    let ifNotExists = false;
    let elements: TableElement[] | undefined;
    let properties: Property[] = [];
    let query: Query | undefined;
    let asTok: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.OR);
      this.CONSUME(T.REPLACE);
      orReplace = true;
    });
    this.OPTION2(() => {
      this.CONSUME(T.SOURCE);
      isSource = true;
    });
    const sourceType = this.SUBRULE(this.streamOrTable);
    ifNotExists = this.SUBRULE(this.ifNotExists);
    const nameTok = this.ident();
    this.OPTION3(() => {
      elements = this.SUBRULE(this.tableElements, { ARGS: [sourceType] });
    });
    this.OPTION4(() => {
      properties = this.SUBRULE(this.withProperties, { ARGS: [false] });
    });
    this.OPTION5(() => {
      asTok = this.CONSUME(T.AS);
      query = this.SUBRULE(this.query);
    });
    return this.ACTION(() => {
      const name = identifierText(nameTok);
      if (query) {
        if (elements) {
          throw ParseError.at(this.loc(asTok!), `Syntax Error\nA CREATE ${sourceType} AS SELECT statement cannot declare columns`);
        }
        if (isSource) {
          throw ParseError.at(this.loc(createTok), `Syntax Error\nCREATE SOURCE ${sourceType} cannot be used with AS SELECT`);
        }
        return { kind: 'CreateAsSelect', sourceType, name, orReplace, ifNotExists, properties, query } as StatementBody;
      }
      return {
        kind: 'CreateSource',
        sourceType,
        name,
        orReplace,
        ifNotExists,
        isSource,
        elements: elements ?? [],
        properties,
      } as StatementBody;
    });
  });

  private createTypeRest = this.RULE('createTypeRest', (): StatementBody => {
    this.CONSUME(T.TYPE);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const nameTok = this.ident();
    this.CONSUME(T.AS);
    const type = this.SUBRULE(this.type);
    return this.ACTION(() => ({ kind: 'CreateType', name: identifierText(nameTok), type, ifNotExists }) as StatementBody);
  });

  private createConnectorRest = this.RULE('createConnectorRest', (): StatementBody => {
    const typeTok = this.OR([{ ALT: () => this.CONSUME(T.SOURCE) }, { ALT: () => this.CONSUME(T.SINK) }]);
    this.CONSUME(T.CONNECTOR);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const nameTok = this.ident();
    const properties = this.SUBRULE(this.withProperties, { ARGS: [true] });
    return this.ACTION(
      () =>
        ({
          kind: 'CreateConnector',
          connectorType: typeTok.tokenType === T.SINK ? 'SINK' : 'SOURCE',
          name: identifierText(nameTok),
          ifNotExists,
          properties,
        }) as StatementBody,
    );
  });

  private streamOrTable = this.RULE('streamOrTable', (): SourceType => {
    return this.OR([
      { ALT: () => (this.CONSUME(T.STREAM), 'STREAM' as const) },
      { ALT: () => (this.CONSUME(T.TABLE), 'TABLE' as const) },
    ]);
  });

  private ifNotExists = this.RULE('ifNotExists', (): boolean => {
    let result = false;
    this.OPTION({
      GATE: () => this.la(2) === T.NOT,
      DEF: () => {
        this.CONSUME(T.IF);
        this.CONSUME(T.NOT);
        this.CONSUME(T.EXISTS);
        result = true;
      },
    });
    return result;
  });

  private ifExists = this.RULE('ifExists', (): boolean => {
    let result = false;
    this.OPTION({
      GATE: () => this.la(2) === T.EXISTS,
      DEF: () => {
        this.CONSUME(T.IF);
        this.CONSUME(T.EXISTS);
        result = true;
      },
    });
    return result;
  });

  insertStatement = this.RULE('insertStatement', (): StatementBody => {
    this.CONSUME(T.INSERT);
    this.CONSUME(T.INTO);
    const targetTok = this.ident();
    return this.OR([
      {
        ALT: () => {
          let properties: Property[] = [];
          this.OPTION(() => {
            properties = this.SUBRULE(this.withProperties, { ARGS: [false] });
          });
          const query = this.SUBRULE(this.query);
          return this.ACTION(() => ({ kind: 'InsertInto', target: identifierText(targetTok), targetLoc: this.loc(targetTok), properties, query }) as StatementBody);
        },
      },
      {
        ALT: () => {
          let columns: string[] | undefined;
          this.OPTION2(() => {
            columns = this.SUBRULE(this.columnList);
          });
          this.CONSUME(T.VALUES);
          const values = this.SUBRULE(this.valueList);
          return this.ACTION(() => {
            const stmt: StatementBody = { kind: 'InsertValues', target: identifierText(targetTok), values };
            if (columns) stmt.columns = columns;
            return stmt;
          });
        },
      },
    ]);
  });

  private columnList = this.RULE('columnList', (): string[] => {
    const out: string[] = [];
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => {
      const tok = this.ident();
      this.ACTION(() => out.push(identifierText(tok)));
    } });
    this.CONSUME(T.RParen, LIST_CLOSE);
    return out;
  });

  private valueList = this.RULE('valueList', (): Expression[] => {
    const out: Expression[] = [];
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => out.push(this.SUBRULE(this.expression)) });
    this.CONSUME(T.RParen);
    return out;
  });

  dropStatement = this.RULE('dropStatement', (): StatementBody => {
    this.CONSUME(T.DROP);
    return this.OR([
      {
        ALT: () => {
          const sourceType = this.SUBRULE(this.streamOrTable);
          const ifExists = this.SUBRULE(this.ifExists);
          const nameTok = this.ident();
          let deleteTopic = false;
          this.OPTION(() => {
            this.CONSUME(T.DELETE);
            this.CONSUME(T.TOPIC);
            deleteTopic = true;
          });
          return this.ACTION(() => ({ kind: 'DropSource', sourceType, name: identifierText(nameTok), ifExists, deleteTopic }) as StatementBody);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.TYPE);
          const ifExists = this.SUBRULE2(this.ifExists);
          const nameTok = this.CONSUME2(T.Ident);
          return this.ACTION(() => ({ kind: 'DropType', name: identifierText(nameTok), ifExists }) as StatementBody);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.CONNECTOR);
          const ifExists = this.SUBRULE3(this.ifExists);
          const nameTok = this.CONSUME3(T.Ident);
          return this.ACTION(() => ({ kind: 'DropConnector', name: identifierText(nameTok), ifExists }) as StatementBody);
        },
      },
    ]);
  });

  showStatement = this.RULE('showStatement', (): StatementBody => {
    this.OR([{ ALT: () => this.CONSUME(T.SHOW) }, { ALT: () => this.CONSUME(T.LIST) }]);
    let extended = false;
    let all = false;
    const extendedOpt = (idx: number) =>
      this.option(idx, () => {
        this.consume(idx, T.EXTENDED);
        extended = true;
      });
    const what = this.OR2([
      { ALT: () => (this.CONSUME(T.PROPERTIES), 'PROPERTIES' as const) },
      {
        ALT: () => {
          this.OPTION(() => {
            this.CONSUME(T.ALL);
            all = true;
          });
          this.CONSUME(T.TOPICS);
          extendedOpt(1);
          return 'TOPICS' as const;
        },
      },
      { ALT: () => (this.CONSUME(T.STREAMS), extendedOpt(2), 'STREAMS' as const) },
      { ALT: () => (this.CONSUME(T.TABLES), extendedOpt(3), 'TABLES' as const) },
      { ALT: () => (this.CONSUME(T.QUERIES), extendedOpt(4), 'QUERIES' as const) },
      { ALT: () => (this.CONSUME(T.FUNCTIONS), 'FUNCTIONS' as const) },
      { ALT: () => (this.CONSUME(T.TYPES), 'TYPES' as const) },
      { ALT: () => (this.CONSUME(T.VARIABLES), 'VARIABLES' as const) },
      { ALT: () => (this.CONSUME(T.CONNECTORS), 'CONNECTORS' as const) },
      { ALT: () => (this.CONSUME(T.SOURCE), this.CONSUME2(T.CONNECTORS), 'SOURCE CONNECTORS' as const) },
      { ALT: () => (this.CONSUME(T.SINK), this.CONSUME3(T.CONNECTORS), 'SINK CONNECTORS' as const) },
      { ALT: () => (this.CONSUME(T.CONNECTOR), this.CONSUME(T.PLUGINS), 'CONNECTOR PLUGINS' as const) },
    ]);
    return { kind: 'Show', what, extended, all };
  });

  describeStatement = this.RULE('describeStatement', (): StatementBody => {
    this.CONSUME(T.DESCRIBE);
    let extended = false;
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.la(2) === EOF || this.la(2) === T.Semicolon || this.la(2) === T.EXTENDED,
          ALT: () => {
            const tok = this.OR2([{ ALT: () => this.CONSUME(T.STREAMS) }, { ALT: () => this.CONSUME(T.TABLES) }]);
            this.OPTION(() => {
              this.CONSUME(T.EXTENDED);
              extended = true;
            });
            return this.ACTION(
              () => ({ kind: 'DescribeSources', sourceType: tok.tokenType === T.STREAMS ? 'STREAM' : 'TABLE', extended }) as StatementBody,
            );
          },
        },
        {
          GATE: () => this.la(2) !== EOF && this.la(2) !== T.Semicolon && this.la(2) !== T.EXTENDED,
          ALT: () => {
            this.CONSUME(T.FUNCTION);
            const nameTok = this.ident();
            return this.ACTION(() => ({ kind: 'DescribeFunction', name: identifierText(nameTok) }) as StatementBody);
          },
        },
        {
          GATE: () => this.la(2) !== EOF && this.la(2) !== T.Semicolon && this.la(2) !== T.EXTENDED,
          ALT: () => {
            this.CONSUME(T.CONNECTOR);
            const nameTok = this.CONSUME2(T.Ident);
            return this.ACTION(() => ({ kind: 'DescribeConnector', name: identifierText(nameTok) }) as StatementBody);
          },
        },
        {
          ALT: () => {
            this.OPTION2({
              GATE: () => this.la(2) !== EOF && this.la(2) !== T.Semicolon,
              DEF: () => {
                this.CONSUME2(T.EXTENDED);
                extended = true;
              },
            });
            const nameTok = this.CONSUME3(T.Ident);
            this.OPTION3(() => {
              this.CONSUME3(T.EXTENDED);
              extended = true;
            });
            return this.ACTION(() => ({ kind: 'DescribeSource', name: identifierText(nameTok), extended }) as StatementBody);
          },
        },
      ],
    });
  });

  explainStatement = this.RULE('explainStatement', (): StatementBody => {
    this.CONSUME(T.EXPLAIN);
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.la(2) === EOF || this.la(2) === T.Semicolon,
          ALT: () => {
            const tok = this.ident();
            return this.ACTION(() => ({ kind: 'Explain', queryId: identifierText(tok) }) as StatementBody);
          },
        },
        {
          ALT: () => {
            const first = this.LA(1);
            const inner = this.SUBRULE(this.statement);
            return this.ACTION(() => {
              inner.loc = this.loc(first);
              // The nested statement's text is attached by the caller (it knows the source text).
              (inner as { innerOffset?: number }).innerOffset = first.startOffset;
              return { kind: 'Explain', statement: inner } as unknown as StatementBody;
            });
          },
        },
      ],
    });
  });

  setStatement = this.RULE('setStatement', (): StatementBody => {
    this.CONSUME(T.SET);
    const kv = this.SUBRULE(this.stringAssignment);
    return this.ACTION(() => ({ kind: 'SetProperty', name: kv[0], value: kv[1] }) as StatementBody);
  });

  private stringAssignment = this.RULE('stringAssignment', (): [string, string] => {
    const n = this.CONSUME(T.StringLiteral);
    this.CONSUME(T.EQ);
    const v = this.CONSUME2(T.StringLiteral);
    return this.ACTION(() => [stringText(n), stringText(v)] as [string, string]);
  });

  unsetStatement = this.RULE('unsetStatement', (): StatementBody => {
    this.CONSUME(T.UNSET);
    const n = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => ({ kind: 'UnsetProperty', name: stringText(n) }) as StatementBody);
  });

  alterStatement = this.RULE('alterStatement', (): StatementBody => {
    this.CONSUME(T.ALTER);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(T.SYSTEM);
          const kv = this.SUBRULE(this.stringAssignment);
          return this.ACTION(() => ({ kind: 'AlterSystem', name: kv[0], value: kv[1] }) as StatementBody);
        },
      },
      {
        ALT: () => {
          const sourceType = this.SUBRULE(this.streamOrTable);
          const nameTok = this.ident();
          const addColumns: TableElement[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => {
              this.CONSUME(T.ADD);
              this.OPTION(() => this.CONSUME(T.COLUMN));
              const colTok = this.CONSUME2(T.Ident);
              const type = this.SUBRULE(this.type);
              this.ACTION(() => addColumns.push({ name: identifierText(colTok), type, loc: this.loc(colTok) }));
            },
          });
          return this.ACTION(() => ({ kind: 'AlterSource', sourceType, name: identifierText(nameTok), addColumns }) as StatementBody);
        },
      },
    ]);
  });

  defineStatement = this.RULE('defineStatement', (): StatementBody => {
    this.CONSUME(T.DEFINE);
    const nameTok = this.ident();
    this.CONSUME(T.EQ);
    const v = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => {
      const name = variableName(nameTok, this.loc(nameTok));
      return { kind: 'DefineVariable', name, value: stringText(v) } as StatementBody;
    });
  });

  undefineStatement = this.RULE('undefineStatement', (): StatementBody => {
    this.CONSUME(T.UNDEFINE);
    const nameTok = this.ident();
    return this.ACTION(() => ({ kind: 'UndefineVariable', name: variableName(nameTok, this.loc(nameTok)) }) as StatementBody);
  });

  queryControlStatement = this.RULE('queryControlStatement', (): StatementBody => {
    const kindTok = this.OR([
      { ALT: () => this.CONSUME(T.TERMINATE) },
      { ALT: () => this.CONSUME(T.PAUSE) },
      { ALT: () => this.CONSUME(T.RESUME) },
    ]);
    let queryId: string | undefined;
    let all = false;
    this.OR2({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.la(2) === EOF || this.la(2) === T.Semicolon,
          ALT: () => {
            this.CONSUME(T.ALL);
            all = true;
          },
        },
        {
          ALT: () => {
            const tok = this.ident();
            this.ACTION(() => (queryId = identifierText(tok)));
          },
        },
      ],
    });
    return this.ACTION(() => {
      const kind = kindTok.tokenType === T.TERMINATE ? 'TerminateQuery' : kindTok.tokenType === T.PAUSE ? 'PauseQuery' : 'ResumeQuery';
      const stmt: StatementBody = { kind, all };
      if (queryId !== undefined) stmt.queryId = queryId;
      return stmt;
    });
  });

  printStatement = this.RULE('printStatement', (): StatementBody => {
    this.CONSUME(T.PRINT);
    const topicTok = this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.ident() }]);
    let fromBeginning = false;
    let interval: number | undefined;
    let limit: number | undefined;
    this.OPTION(() => {
      this.CONSUME(T.FROM);
      this.CONSUME(T.BEGINNING);
      fromBeginning = true;
    });
    this.OPTION2(() => {
      this.OR2([{ ALT: () => this.CONSUME(T.INTERVAL) }, { ALT: () => this.CONSUME(T.SAMPLE) }]);
      interval = this.SUBRULE(this.positiveInt);
    });
    this.OPTION3(() => {
      this.CONSUME(T.LIMIT);
      limit = this.SUBRULE2(this.positiveInt);
    });
    return this.ACTION(() => {
      const topic = topicTok.tokenType === T.StringLiteral ? stringText(topicTok) : rawIdentifierText(topicTok);
      const stmt: StatementBody = { kind: 'Print', topic, fromBeginning };
      if (interval !== undefined) stmt.interval = interval;
      if (limit !== undefined) stmt.limit = limit;
      return stmt;
    });
  });

  runScriptStatement = this.RULE('runScriptStatement', (): StatementBody => {
    this.CONSUME(T.RUN);
    this.CONSUME(T.SCRIPT);
    const p = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => ({ kind: 'RunScript', path: stringText(p) }) as StatementBody);
  });

  assertStatement = this.RULE('assertStatement', (): StatementBody => {
    this.CONSUME(T.ASSERT);
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.testStatements && this.la(1) === T.VALUES,
          ALT: () => {
            this.CONSUME(T.VALUES);
            const targetTok = this.ident();
            let columns: string[] | undefined;
            this.OPTION(() => (columns = this.SUBRULE(this.columnList)));
            this.CONSUME2(T.VALUES);
            const values = this.SUBRULE(this.valueList);
            return this.ACTION(() => {
              const stmt: StatementBody = { kind: 'AssertValues', target: identifierText(targetTok), values };
              if (columns) stmt.columns = columns;
              return stmt;
            });
          },
        },
        {
          GATE: () => this.testStatements,
          ALT: () => {
            this.CONSUME(T.NULL);
            this.CONSUME3(T.VALUES);
            const targetTok = this.CONSUME2(T.Ident);
            let columns: string[] | undefined;
            this.OPTION2(() => (columns = this.SUBRULE2(this.columnList)));
            this.CONSUME(T.KEY);
            const keys = this.SUBRULE2(this.valueList);
            return this.ACTION(() => {
              const stmt: StatementBody = { kind: 'AssertTombstone', target: identifierText(targetTok), keys };
              if (columns) stmt.columns = columns;
              return stmt;
            });
          },
        },
        {
          GATE: () => this.testStatements && (this.la(1) === T.STREAM || this.la(1) === T.TABLE),
          ALT: () => {
            const sourceType = this.SUBRULE(this.streamOrTable);
            const nameTok = this.CONSUME3(T.Ident);
            let elements: TableElement[] = [];
            let properties: Property[] = [];
            this.OPTION3(() => (elements = this.SUBRULE(this.tableElements, { ARGS: [sourceType] })));
            this.OPTION4(() => (properties = this.SUBRULE(this.withProperties, { ARGS: [false] })));
            return this.ACTION(
              () => ({ kind: 'AssertSource', sourceType, name: identifierText(nameTok), elements, properties }) as StatementBody,
            );
          },
        },
        {
          ALT: () => {
            let exists = true;
            this.OPTION5(() => {
              this.CONSUME(T.NOT);
              this.CONSUME(T.EXISTS);
              exists = false;
            });
            return this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.TOPIC);
                  const topicTok = this.OR3([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME4(T.Ident) }]);
                  let properties: Property[] = [];
                  let timeout: Duration | undefined;
                  this.OPTION6(() => (properties = this.SUBRULE2(this.withProperties, { ARGS: [false] })));
                  this.OPTION7(() => (timeout = this.SUBRULE(this.timeoutClause)));
                  return this.ACTION(() => {
                    const topic = topicTok.tokenType === T.StringLiteral ? stringText(topicTok) : rawIdentifierText(topicTok);
                    const stmt: StatementBody = { kind: 'AssertTopic', topic, exists, properties };
                    if (timeout) stmt.timeout = timeout;
                    return stmt;
                  });
                },
              },
              {
                ALT: () => {
                  const schemaTok = this.CONSUME(T.SCHEMA);
                  let subject: string | undefined;
                  let id: number | undefined;
                  let timeout: Duration | undefined;
                  this.OPTION8(() => {
                    this.CONSUME(T.SUBJECT);
                    const s = this.OR4([{ ALT: () => this.CONSUME2(T.StringLiteral) }, { ALT: () => this.CONSUME5(T.Ident) }]);
                    this.ACTION(() => (subject = s.tokenType === T.StringLiteral ? stringText(s) : rawIdentifierText(s)));
                  });
                  this.OPTION9(() => {
                    this.CONSUME(T.ID);
                    id = this.SUBRULE(this.positiveInt);
                  });
                  this.option(10, () => (timeout = this.SUBRULE2(this.timeoutClause)));
                  return this.ACTION(() => {
                    if (subject === undefined && id === undefined) {
                      throw ParseError.at(this.loc(schemaTok), 'ASSERT SCHEMA statements much include a subject name or an id');
                    }
                    const stmt: StatementBody = { kind: 'AssertSchema', exists };
                    if (subject !== undefined) stmt.subject = subject;
                    if (id !== undefined) stmt.id = id;
                    if (timeout) stmt.timeout = timeout;
                    return stmt;
                  });
                },
              },
            ]);
          },
        },
      ],
    });
  });

  private timeoutClause = this.RULE('timeoutClause', (): Duration => {
    this.CONSUME(T.TIMEOUT);
    return this.SUBRULE(this.duration);
  });

  // ============================================================== elements, properties, types

  tableElements = this.RULE('tableElements', (sourceType: SourceType | undefined): TableElement[] => {
    const out: TableElement[] = [];
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => out.push(this.SUBRULE(this.tableElement, { ARGS: [sourceType] })) });
    this.CONSUME(T.RParen, LIST_CLOSE);
    return out;
  });

  tableElement = this.RULE('tableElement', (sourceType?: SourceType): TableElement => {
    const nameTok = this.ident();
    const type = this.SUBRULE(this.type);
    let constraint: TableElement['constraint'];
    let constraintTok: IToken | undefined;
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            constraintTok = this.CONSUME(T.KEY);
            constraint = 'KEY';
          },
        },
        {
          ALT: () => {
            constraintTok = this.CONSUME(T.PRIMARY);
            this.CONSUME2(T.KEY);
            constraint = 'PRIMARY KEY';
          },
        },
        {
          ALT: () => {
            constraintTok = this.CONSUME(T.HEADERS);
            constraint = 'HEADERS';
          },
        },
        {
          ALT: () => {
            constraintTok = this.CONSUME(T.HEADER);
            this.CONSUME(T.LParen);
            const k = this.CONSUME(T.StringLiteral);
            this.CONSUME(T.RParen);
            this.ACTION(() => (constraint = { header: stringText(k) }));
          },
        },
      ]);
    });
    return this.ACTION(() => {
      const name = identifierText(nameTok);
      const loc = this.loc(nameTok);
      if (sourceType === 'TABLE' && constraint === 'KEY') {
        throw new ParseError(
          `Line: ${loc.line}, Col: ${loc.column}: Column \`${name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.\n` +
            `Tables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
          { line: loc.line, column: loc.column, detail: `Column \`${name}\` is a 'KEY' column: please use 'PRIMARY KEY' for tables.` },
        );
      }
      if (sourceType === 'STREAM' && constraint === 'PRIMARY KEY') {
        throw new ParseError(
          `Line: ${loc.line}, Col: ${loc.column}: Column \`${name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.\n` +
            `Tables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.`,
          { line: loc.line, column: loc.column, detail: `Column \`${name}\` is a 'PRIMARY KEY' column: please use 'KEY' for streams.` },
        );
      }
      void constraintTok;
      const el: TableElement = { name, type, loc };
      if (constraint) el.constraint = constraint;
      return el;
    });
  });

  withProperties = this.RULE('withProperties', (keepCase: boolean): Property[] => {
    const out: Property[] = [];
    this.CONSUME(T.WITH);
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const nameTok = this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.ident() }]);
        this.CONSUME(T.EQ);
        const value = this.SUBRULE(this.literal);
        this.ACTION(() => {
          let name = nameTok.tokenType === T.StringLiteral ? stringText(nameTok) : rawIdentifierText(nameTok);
          if (!keepCase) name = name.toUpperCase();
          out.push({ name, value, loc: this.loc(nameTok) });
        });
      },
    });
    this.CONSUME(T.RParen);
    return out;
  });

  type = this.RULE('type', (): AstType => {
    let t = this.SUBRULE(this.baseType);
    this.MANY({
      GATE: () => this.la(1) === T.ARRAY && this.la(2) !== T.LT,
      DEF: () => {
        this.CONSUME(T.ARRAY);
        this.ACTION(() => (t = { kind: 'Array', item: t }));
      },
    });
    return t;
  });

  private baseType = this.RULE('baseType', (): AstType => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.la(2) === T.LT,
          ALT: () => {
            this.CONSUME(T.ARRAY);
            this.CONSUME(T.LT);
            const item = this.SUBRULE(this.type);
            this.CONSUME(T.GT);
            return { kind: 'Array', item } as AstType;
          },
        },
        {
          GATE: () => this.la(2) === T.LT,
          ALT: () => {
            this.CONSUME(T.MAP);
            this.CONSUME2(T.LT);
            const key = this.SUBRULE2(this.type);
            this.CONSUME(T.Comma);
            const value = this.SUBRULE3(this.type);
            this.CONSUME2(T.GT);
            return { kind: 'Map', key, value } as AstType;
          },
        },
        {
          GATE: () => this.la(2) === T.LT,
          ALT: () => {
            this.CONSUME(T.STRUCT);
            this.CONSUME3(T.LT);
            const fields: { name: string; type: AstType }[] = [];
            this.MANY_SEP({
              SEP: T.Comma,
              DEF: () => {
                const f = this.ident();
                const ft = this.SUBRULE4(this.type);
                this.ACTION(() => fields.push({ name: identifierText(f), type: ft }));
              },
            });
            this.CONSUME3(T.GT);
            return { kind: 'Struct', fields } as AstType;
          },
        },
        {
          GATE: () => this.la(2) === T.LParen,
          ALT: () => {
            const decTok = this.CONSUME(T.DECIMAL);
            this.CONSUME(T.LParen);
            const p = this.CONSUME(T.IntegerLiteral);
            this.CONSUME2(T.Comma);
            const s = this.CONSUME2(T.IntegerLiteral);
            this.CONSUME(T.RParen);
            return this.ACTION(() => {
              const precision = Number(p.image);
              const scale = Number(s.image);
              if (precision < 1) throw ParseError.at(this.loc(decTok), `DECIMAL precision must be >= 1: DECIMAL(${precision},${scale})`);
              if (scale > precision) {
                throw ParseError.at(this.loc(decTok), `DECIMAL scale must be equal to or less than precision: DECIMAL(${precision},${scale})`);
              }
              return { kind: 'Decimal', precision, scale } as AstType;
            });
          },
        },
        {
          ALT: () => {
            const nameTok = this.CONSUME2(T.Ident);
            let hasParams = false;
            this.OPTION(() => {
              this.CONSUME2(T.LParen);
              this.AT_LEAST_ONE_SEP({
                SEP: T.Comma,
                DEF: () => {
                  this.OR2([{ ALT: () => this.CONSUME(T.STRING) }, { ALT: () => this.CONSUME3(T.IntegerLiteral) }]);
                },
              });
              this.CONSUME2(T.RParen);
              hasParams = true;
            });
            return this.ACTION(() => {
              const name = identifierText(nameTok);
              if (!isQuoted(nameTok)) {
                const prim = primitiveNames[name];
                if (prim) {
                  if (hasParams && prim.kind === 'Primitive' && prim.name !== 'STRING') {
                    throw ParseError.at(this.loc(nameTok), `Unexpected type parameters for ${name}`);
                  }
                  return prim;
                }
                if (name === 'DECIMAL') throw ParseError.at(this.loc(nameTok), 'DECIMAL requires a precision and scale: DECIMAL(p, s)');
              }
              if (hasParams) throw ParseError.at(this.loc(nameTok), `Unexpected type parameters for ${name}`);
              return { kind: 'Alias', name, loc: this.loc(nameTok) } as AstType;
            });
          },
        },
      ],
    });
  });

  literal = this.RULE('literal', (): Literal => {
    return this.OR([
      { ALT: () => (this.CONSUME(T.NULL), { kind: 'Literal', type: 'NULL', value: null } as Literal) },
      { ALT: () => (this.CONSUME(T.TRUE), { kind: 'Literal', type: 'BOOLEAN', value: true } as Literal) },
      { ALT: () => (this.CONSUME(T.FALSE), { kind: 'Literal', type: 'BOOLEAN', value: false } as Literal) },
      {
        ALT: () => {
          const s = this.CONSUME(T.StringLiteral);
          return this.ACTION(() => ({ kind: 'Literal', type: 'STRING', value: stringText(s), loc: this.loc(s) }) as Literal);
        },
      },
      {
        ALT: () => {
          let minus: IToken | undefined;
          this.OPTION(() => (minus = this.CONSUME(T.Minus)));
          const n = this.OR2([
            { ALT: () => this.CONSUME(T.IntegerLiteral) },
            { ALT: () => this.CONSUME(T.DecimalLiteral) },
            { ALT: () => this.CONSUME(T.FloatLiteral) },
          ]);
          return this.ACTION(() => this.numberLiteral(n, minus));
        },
      },
    ]);
  });

  private numberLiteral(n: IToken, minus: IToken | undefined): Literal {
    const text = (minus ? '-' : '') + n.image;
    const loc = this.loc(minus ?? n);
    if (n.tokenType === T.IntegerLiteral) return integerLiteral(text, loc);
    if (n.tokenType === T.DecimalLiteral) return decimalLiteral(text, loc);
    return floatLiteral(text, loc);
  }

  private positiveInt = this.RULE('positiveInt', (): number => {
    const t = this.CONSUME(T.IntegerLiteral);
    return this.ACTION(() => Number(t.image));
  });

  // ============================================================== queries

  query = this.RULE('query', (): Query => {
    const selectTok = this.CONSUME(T.SELECT);
    const select: SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => select.push(this.SUBRULE(this.selectItem)) });
    this.CONSUME(T.FROM);
    const from = this.SUBRULE(this.aliasedSource);
    const joins: JoinClause[] = [];
    this.MANY(() => joins.push(this.SUBRULE(this.joinClause)));
    const q: Query = { select, from, joins };
    this.OPTION(() => {
      this.CONSUME(T.WINDOW);
      q.window = this.SUBRULE(this.windowExpression);
    });
    this.OPTION2(() => {
      this.CONSUME(T.WHERE);
      q.where = this.SUBRULE(this.expression);
    });
    this.OPTION3(() => {
      this.CONSUME(T.GROUP);
      this.CONSUME(T.BY);
      q.groupBy = this.SUBRULE(this.groupingList);
    });
    this.OPTION4(() => {
      this.CONSUME(T.PARTITION);
      this.CONSUME2(T.BY);
      q.partitionBy = this.SUBRULE2(this.groupingList);
    });
    this.OPTION5(() => {
      this.CONSUME(T.HAVING);
      q.having = this.SUBRULE2(this.expression);
    });
    this.OPTION8({
      GATE: () => this.isWord(1, 'ORDER') && this.la(2) === T.BY,
      DEF: () => {
        this.CONSUME3(T.Ident);
        const by = this.CONSUME3(T.BY);
        const items: OrderByItem[] = [];
        this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.orderByItem)) });
        this.ACTION(() => {
          q.orderBy = items;
          (q.extensionLoc ??= {}).orderBy = this.loc(by);
        });
      },
    });
    this.OPTION6(() => {
      this.CONSUME(T.EMIT);
      this.OR([
        { ALT: () => (this.CONSUME(T.CHANGES), (q.emit = 'CHANGES')) },
        { ALT: () => (this.CONSUME(T.FINAL), (q.emit = 'FINAL')) },
      ]);
    });
    this.OPTION7(() => {
      const limitTok = this.CONSUME(T.LIMIT);
      const n = this.SUBRULE(this.literal);
      this.ACTION(() => {
        if (n.type !== 'INT' && n.type !== 'BIGINT') {
          throw ParseError.preparing(this.loc(limitTok), 'Value must be integer for command: LIMIT');
        }
        q.limit = Number(n.value);
      });
      this.OPTION9({
        GATE: () => this.isWord(1, 'OFFSET'),
        DEF: () => {
          const offsetTok = this.CONSUME4(T.Ident);
          const m = this.SUBRULE2(this.literal);
          this.ACTION(() => {
            if (m.type !== 'INT' && m.type !== 'BIGINT') {
              throw ParseError.at(this.loc(offsetTok), 'Value must be integer for command: OFFSET');
            }
            q.offset = Number(m.value);
            (q.extensionLoc ??= {}).offset = this.loc(offsetTok);
          });
        },
      });
    });
    this.ACTION(() => (q.loc = this.loc(selectTok)));
    return q;
  });

  orderByItem = this.RULE('orderByItem', (): OrderByItem => {
    const expr = this.SUBRULE(this.expression);
    let descending = false;
    let nullsFirst: boolean | undefined;
    this.OPTION({
      GATE: () => this.isWord(1, 'ASC') || this.isWord(1, 'DESC'),
      DEF: () => {
        const dir = this.CONSUME(T.Ident);
        this.ACTION(() => (descending = dir.image.toUpperCase() === 'DESC'));
      },
    });
    this.OPTION2({
      GATE: () => this.isWord(1, 'NULLS') && (this.isWord(2, 'FIRST') || this.isWord(2, 'LAST')),
      DEF: () => {
        this.CONSUME2(T.Ident);
        const which = this.CONSUME3(T.Ident);
        this.ACTION(() => (nullsFirst = which.image.toUpperCase() === 'FIRST'));
      },
    });
    return this.ACTION(() => {
      const item: OrderByItem = { expr, descending };
      if (nullsFirst !== undefined) item.nullsFirst = nullsFirst;
      if (expr.loc) item.loc = expr.loc;
      return item;
    });
  });

  selectItem = this.RULE('selectItem', (): SelectItem => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const star = this.CONSUME(T.Star);
            return this.ACTION(() => ({ kind: 'AllColumns', loc: this.loc(star) }) as SelectItem);
          },
        },
        {
          GATE: () => this.la(2) === T.Dot && this.la(3) === T.Star,
          ALT: () => {
            const src = this.ident();
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Star);
            return this.ACTION(() => ({ kind: 'AllColumns', source: identifierText(src), loc: this.loc(src) }) as SelectItem);
          },
        },
        {
          ALT: () => {
            const first = this.LA(1);
            this.ACTION(() => (this.structAllBase = undefined));
            const expr = this.SUBRULE(this.expression);
            let aliasTok: IToken | undefined;
            this.OPTION(() => {
              this.OPTION2(() => this.CONSUME(T.AS));
              aliasTok = this.CONSUME2(T.Ident);
            });
            return this.ACTION(() => {
              const loc = this.loc(first);
              const structBase = this.structAllBase;
              this.structAllBase = undefined;
              this.structAllLoc = undefined;
              if (structBase) {
                if (structBase !== expr) throw ParseError.at(loc, "Syntax Error\n'->*' must be the last part of a select item");
                if (aliasTok) throw ParseError.at(this.loc(aliasTok), "Syntax Error\nA '->*' select item cannot have an alias");
                return { kind: 'StructAll', expr, loc } as SelectItem;
              }
              const item: SelectItem = { kind: 'SingleColumn', expr, loc };
              if (aliasTok) item.alias = identifierText(aliasTok);
              return item;
            });
          },
        },
      ],
    });
  });

  aliasedSource = this.RULE('aliasedSource', (): AliasedSource => {
    const nameTok = this.ident();
    let aliasTok: IToken | undefined;
    this.OPTION({
      GATE: () => this.la(1) === T.AS || (!closingClauseTokens.has(this.la(1)) && !(this.isWord(1, 'ORDER') && this.la(2) === T.BY)),
      DEF: () => {
        this.OPTION2(() => this.CONSUME(T.AS));
        aliasTok = this.CONSUME2(T.Ident);
      },
    });
    return this.ACTION(() => {
      const src: AliasedSource = { name: identifierText(nameTok), loc: this.loc(nameTok) };
      if (aliasTok) src.alias = identifierText(aliasTok);
      return src;
    });
  });

  joinClause = this.RULE('joinClause', (): JoinClause => {
    const first = this.LA(1);
    let type: JoinClause['type'] = 'INNER';
    this.OPTION(() => {
      this.OR([
        { ALT: () => (this.CONSUME(T.INNER), (type = 'INNER')) },
        { ALT: () => (this.CONSUME(T.LEFT), this.OPTION2(() => this.CONSUME(T.OUTER)), (type = 'LEFT')) },
        { ALT: () => (this.CONSUME(T.RIGHT), this.OPTION3(() => this.CONSUME2(T.OUTER)), (type = 'RIGHT')) },
        { ALT: () => (this.CONSUME(T.FULL), this.OPTION4(() => this.CONSUME3(T.OUTER)), (type = 'FULL')) },
      ]);
    });
    this.CONSUME(T.JOIN);
    const source = this.SUBRULE(this.aliasedSource);
    let within: JoinClause['within'];
    this.OPTION5(() => {
      within = this.SUBRULE(this.withinClause);
    });
    this.CONSUME(T.ON);
    const on = this.SUBRULE(this.expression);
    return this.ACTION(() => {
      const j: JoinClause = { type, source, on, loc: this.loc(first) };
      if (within) j.within = within;
      return j;
    });
  });

  private withinClause = this.RULE('withinClause', (): NonNullable<JoinClause['within']> => {
    this.CONSUME(T.WITHIN);
    const w = this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          const before = this.SUBRULE(this.duration);
          this.CONSUME(T.Comma);
          const after = this.SUBRULE2(this.duration);
          this.CONSUME(T.RParen);
          return { before, after } as NonNullable<JoinClause['within']>;
        },
      },
      {
        ALT: () => {
          const d = this.SUBRULE3(this.duration);
          return { before: d, after: d } as NonNullable<JoinClause['within']>;
        },
      },
    ]);
    this.OPTION(() => {
      const g = this.SUBRULE(this.gracePeriod);
      this.ACTION(() => (w.grace = g));
    });
    return w;
  });

  private gracePeriod = this.RULE('gracePeriod', (): Duration => {
    this.CONSUME(T.GRACE);
    this.CONSUME(T.PERIOD);
    return this.SUBRULE(this.duration);
  });

  duration = this.RULE('duration', (): Duration => {
    const n = this.CONSUME(T.IntegerLiteral);
    const u = this.CONSUME(T.TimeUnitTok);
    return this.ACTION(() => {
      const unit = unitFromKeyword(u.tokenType.name);
      const value = Number(n.image);
      return { value, unit, ms: durationMs(value, unit) };
    });
  });

  windowExpression = this.RULE('windowExpression', (): WindowExpression => {
    const first = this.LA(1);
    this.OPTION({
      GATE: () => this.la(2) === T.TUMBLING || this.la(2) === T.HOPPING || this.la(2) === T.SESSION || windowWord(this.LA(2)) !== undefined,
      DEF: () => this.ident(),
    });
    const w = this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.TUMBLING);
            this.CONSUME(T.LParen);
            this.CONSUME(T.SIZE);
            const size = this.SUBRULE(this.duration);
            const w: WindowExpression = { type: 'TUMBLING', size };
            this.SUBRULE(this.windowOptions, { ARGS: [w] });
            this.CONSUME(T.RParen);
            return w;
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.HOPPING);
            this.CONSUME2(T.LParen);
            this.CONSUME2(T.SIZE);
            const size = this.SUBRULE2(this.duration);
            this.CONSUME(T.Comma);
            this.CONSUME(T.ADVANCE);
            this.CONSUME(T.BY);
            const advance = this.SUBRULE3(this.duration);
            const w: WindowExpression = { type: 'HOPPING', size, advance };
            this.SUBRULE2(this.windowOptions, { ARGS: [w] });
            this.CONSUME2(T.RParen);
            return w;
          },
        },
        {
          GATE: () => windowWord(this.LA(1)) === 'SLIDING',
          ALT: () => {
            this.CONSUME2(T.Ident);
            this.CONSUME4(T.LParen);
            this.CONSUME3(T.SIZE);
            const size = this.SUBRULE5(this.duration);
            const w: WindowExpression = { type: 'SLIDING', size };
            this.SUBRULE4(this.windowOptions, { ARGS: [w] });
            this.CONSUME4(T.RParen);
            return w;
          },
        },
        {
          GATE: () => windowWord(this.LA(1)) === 'COUNT',
          ALT: () => {
            this.CONSUME3(T.Ident);
            this.CONSUME5(T.LParen);
            this.CONSUME4(T.SIZE);
            const n = this.CONSUME(T.IntegerLiteral);
            let advance: IToken | undefined;
            this.OPTION2(() => {
              this.CONSUME2(T.Comma);
              this.CONSUME2(T.ADVANCE);
              this.OPTION3(() => this.CONSUME2(T.BY));
              advance = this.CONSUME2(T.IntegerLiteral);
            });
            this.CONSUME5(T.RParen);
            return this.ACTION(() => {
              const size = Number(n.image);
              const records = { size, advance: advance ? Number(advance.image) : size };
              return { type: 'COUNT', size: { value: 0, unit: 'MILLISECONDS', ms: 0 }, records } as WindowExpression;
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.SESSION);
            this.CONSUME3(T.LParen);
            const size = this.SUBRULE4(this.duration);
            const w: WindowExpression = { type: 'SESSION', size };
            this.SUBRULE3(this.windowOptions, { ARGS: [w] });
            this.CONSUME3(T.RParen);
            return w;
          },
        },
      ],
    });
    this.ACTION(() => (w.loc = this.loc(first)));
    return w;
  });

  private windowOptions = this.RULE('windowOptions', (w: WindowExpression): void => {
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.RETENTION);
            const d = this.SUBRULE(this.duration);
            this.ACTION(() => (w.retention = d));
          },
        },
        {
          ALT: () => {
            const d = this.SUBRULE(this.gracePeriod);
            this.ACTION(() => (w.grace = d));
          },
        },
      ]);
    });
  });

  /** GROUP BY / PARTITION BY: `e, ...` or `(e, ...)`. */
  private groupingList = this.RULE('groupingList', (): Expression[] => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.parenthesizedList(),
          ALT: () => {
            const out: Expression[] = [];
            this.CONSUME(T.LParen);
            this.MANY_SEP({ SEP: T.Comma, DEF: () => out.push(this.SUBRULE(this.valueExpression)) });
            this.CONSUME(T.RParen);
            return out;
          },
        },
        {
          ALT: () => {
            const out: Expression[] = [];
            this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => out.push(this.SUBRULE2(this.valueExpression)) });
            return out;
          },
        },
      ],
    });
  });

  /** True when the next tokens are `(` ... `)` holding a top-level comma, or `()`. */
  private parenthesizedList(): boolean {
    if (this.la(1) !== T.LParen) return false;
    if (this.la(2) === T.RParen) return true;
    let depth = 0;
    for (let i = 1; ; i++) {
      const t = this.la(i);
      if (t === EOF) return false;
      if (t === T.LParen || t === T.LBracket) depth++;
      else if (t === T.RParen || t === T.RBracket) {
        depth--;
        if (depth === 0) return false;
      } else if (t === T.Comma && depth === 1) return true;
    }
  }

  // ============================================================== expressions

  expression = this.RULE('expression', (): Expression => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(T.OR);
      const right = this.SUBRULE2(this.andExpression);
      this.ACTION(() => (left = { kind: 'Logical', op: 'OR', left, right, loc: left.loc }));
    });
    return left;
  });

  private andExpression = this.RULE('andExpression', (): Expression => {
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(T.AND);
      const right = this.SUBRULE2(this.notExpression);
      this.ACTION(() => (left = { kind: 'Logical', op: 'AND', left, right, loc: left.loc }));
    });
    return left;
  });

  private notExpression = this.RULE('notExpression', (): Expression => {
    return this.OR([
      {
        ALT: () => {
          const tok = this.CONSUME(T.NOT);
          const operand = this.SUBRULE(this.notExpression);
          return this.ACTION(() => ({ kind: 'Not', operand, loc: this.loc(tok) }) as Expression);
        },
      },
      { ALT: () => this.SUBRULE(this.predicated) },
    ]);
  });

  private predicated = this.RULE('predicated', (): Expression => {
    const value = this.SUBRULE(this.valueExpression);
    let result: Expression = value;
    this.OPTION(() => {
      result = this.OR([
        {
          ALT: () => {
            const opTok = this.OR2([
              { ALT: () => this.CONSUME(T.EQ) },
              { ALT: () => this.CONSUME(T.NEQ) },
              { ALT: () => this.CONSUME(T.LT) },
              { ALT: () => this.CONSUME(T.LTE) },
              { ALT: () => this.CONSUME(T.GT) },
              { ALT: () => this.CONSUME(T.GTE) },
            ]);
            const right = this.SUBRULE2(this.valueExpression);
            return this.ACTION(() => {
              const op = opTok.tokenType === T.NEQ ? '<>' : (opTok.image as '=' | '<' | '<=' | '>' | '>=');
              return { kind: 'Comparison', op, left: value, right, loc: value.loc } as Expression;
            });
          },
        },
        {
          ALT: () => {
            let not = false;
            this.OPTION2(() => (this.CONSUME(T.NOT), (not = true)));
            return this.OR3([
              {
                ALT: () => {
                  this.CONSUME(T.BETWEEN);
                  const low = this.SUBRULE3(this.valueExpression);
                  this.CONSUME(T.AND);
                  const high = this.SUBRULE4(this.valueExpression);
                  return this.ACTION(() => ({ kind: 'Between', value, low, high, not, loc: value.loc }) as Expression);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.IN);
                  this.CONSUME(T.LParen);
                  const list: Expression[] = [];
                  this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
                  this.CONSUME(T.RParen);
                  return this.ACTION(() => ({ kind: 'In', value, list, not, loc: value.loc }) as Expression);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.LIKE);
                  const pattern = this.SUBRULE5(this.valueExpression);
                  let escTok: IToken | undefined;
                  this.OPTION3(() => {
                    this.CONSUME(T.ESCAPE);
                    escTok = this.CONSUME(T.StringLiteral);
                  });
                  return this.ACTION(() => {
                    const e: Expression = { kind: 'Like', value, pattern, not, loc: value.loc };
                    if (escTok) {
                      const esc = stringText(escTok);
                      if (esc.length !== 1) {
                        throw ParseError.at(this.loc(escTok), `Expected single character escape but got: ${esc}`);
                      }
                      e.escape = esc;
                    }
                    return e;
                  });
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.IS);
            let not = false;
            this.OPTION4(() => (this.CONSUME2(T.NOT), (not = true)));
            return this.OR4([
              {
                ALT: () => {
                  this.CONSUME(T.NULL);
                  return this.ACTION(() => ({ kind: 'IsNull', value, not, loc: value.loc }) as Expression);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.DISTINCT);
                  this.CONSUME2(T.FROM);
                  const right = this.SUBRULE6(this.valueExpression);
                  return this.ACTION(
                    () =>
                      ({
                        kind: 'Comparison',
                        op: not ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM',
                        left: value,
                        right,
                        loc: value.loc,
                      }) as Expression,
                  );
                },
              },
            ]);
          },
        },
      ]);
    });
    return result;
  });

  valueExpression = this.RULE('valueExpression', (): Expression => {
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(T.Concat);
      const right = this.SUBRULE2(this.additive);
      this.ACTION(() => (left = { kind: 'Arithmetic', op: '||', left, right, loc: left.loc }));
    });
    return left;
  });

  private additive = this.RULE('additive', (): Expression => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      const right = this.SUBRULE2(this.multiplicative);
      this.ACTION(() => (left = { kind: 'Arithmetic', op: op.image as '+' | '-', left, right, loc: left.loc }));
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): Expression => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Slash) },
        { ALT: () => this.CONSUME(T.Percent) },
      ]);
      const right = this.SUBRULE2(this.unary);
      this.ACTION(() => (left = { kind: 'Arithmetic', op: op.image as '*' | '/' | '%', left, right, loc: left.loc }));
    });
    return left;
  });

  private unary = this.RULE('unary', (): Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // `-1` is a negative literal, as in ksqlDB's grammar (so -2147483648 is an INT).
          GATE: () => this.la(2) === T.IntegerLiteral || this.la(2) === T.DecimalLiteral || this.la(2) === T.FloatLiteral,
          ALT: () => {
            const minus = this.CONSUME(T.Minus);
            const n = this.OR2([
              { ALT: () => this.CONSUME(T.IntegerLiteral) },
              { ALT: () => this.CONSUME(T.DecimalLiteral) },
              { ALT: () => this.CONSUME(T.FloatLiteral) },
            ]);
            const lit = this.ACTION(() => this.numberLiteral(n, minus));
            return this.SUBRULE(this.postfix, { ARGS: [lit] });
          },
        },
        {
          ALT: () => {
            const op = this.OR3([{ ALT: () => this.CONSUME2(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]);
            const operand = this.SUBRULE(this.unary);
            return this.ACTION(() => ({ kind: 'Unary', op: op.image as '-' | '+', operand, loc: this.loc(op) }) as Expression);
          },
        },
        { ALT: () => this.SUBRULE(this.primary) },
      ],
    });
  });

  private primary = this.RULE('primary', (): Expression => {
    const base = this.SUBRULE(this.primaryBase);
    return this.SUBRULE(this.postfix, { ARGS: [base] });
  });

  /** Subscripts and dereferences: `base[i]`, `base->field`, and `base->*` in select items. */
  private postfix = this.RULE('postfix', (base: Expression): Expression => {
    let e = base;
    let done = false;
    this.MANY({
      GATE: () => !done,
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              const lb = this.CONSUME(T.LBracket);
              const index = this.SUBRULE(this.valueExpression);
              this.CONSUME(T.RBracket);
              this.ACTION(() => (e = { kind: 'Subscript', base: e, index, loc: e.loc ?? this.loc(lb) }));
            },
          },
          {
            ALT: () => {
              const arrow = this.CONSUME(T.Arrow);
              this.OR2([
                {
                  ALT: () => {
                    const f = this.ident();
                    this.ACTION(() => (e = { kind: 'Dereference', base: e, field: identifierText(f), loc: e.loc ?? this.loc(arrow) }));
                  },
                },
                {
                  ALT: () => {
                    const star = this.CONSUME(T.Star);
                    this.ACTION(() => {
                      this.structAllBase = e;
                      this.structAllLoc = this.loc(star);
                    });
                    done = true;
                  },
                },
              ]);
            },
          },
        ]);
      },
    });
    return e;
  });

  private primaryBase = this.RULE('primaryBase', (): Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.literalExpression) },
        { ALT: () => this.SUBRULE(this.parenthesized) },
        { ALT: () => this.SUBRULE(this.caseExpression) },
        { ALT: () => this.SUBRULE(this.castExpression) },
        { GATE: () => this.la(2) === T.LBracket, ALT: () => this.SUBRULE(this.arrayConstructor) },
        { GATE: () => this.la(2) === T.LParen, ALT: () => this.SUBRULE(this.mapConstructor) },
        { GATE: () => this.la(2) === T.LParen, ALT: () => this.SUBRULE(this.structConstructor) },
        { GATE: () => this.la(2) === T.LParen, ALT: () => this.SUBRULE(this.functionCall) },
        { GATE: () => this.la(2) === T.FatArrow, ALT: () => this.SUBRULE(this.singleParamLambda) },
        { GATE: () => this.la(2) === T.StringLiteral, ALT: () => this.SUBRULE(this.typedLiteral) },
        { ALT: () => this.SUBRULE(this.columnReference) },
        {
          ALT: () => {
            const v = this.CONSUME(T.Variable);
            return this.ACTION(() => {
              throw ParseError.at(this.loc(v), `Undefined variable ${v.image}: define it with DEFINE before use`);
            }) as Expression;
          },
        },
      ],
    });
  });

  private literalExpression = this.RULE('literalExpression', (): Expression => {
    const first = this.LA(1);
    return this.OR([
      { ALT: () => (this.CONSUME(T.NULL), this.ACTION(() => ({ kind: 'Literal', type: 'NULL', value: null, loc: this.loc(first) }) as Expression)) },
      { ALT: () => (this.CONSUME(T.TRUE), this.ACTION(() => ({ kind: 'Literal', type: 'BOOLEAN', value: true, loc: this.loc(first) }) as Expression)) },
      { ALT: () => (this.CONSUME(T.FALSE), this.ACTION(() => ({ kind: 'Literal', type: 'BOOLEAN', value: false, loc: this.loc(first) }) as Expression)) },
      {
        ALT: () => {
          const s = this.CONSUME(T.StringLiteral);
          return this.ACTION(() => ({ kind: 'Literal', type: 'STRING', value: stringText(s), loc: this.loc(s) }) as Expression);
        },
      },
      {
        ALT: () => {
          const n = this.OR2([
            { ALT: () => this.CONSUME(T.IntegerLiteral) },
            { ALT: () => this.CONSUME(T.DecimalLiteral) },
            { ALT: () => this.CONSUME(T.FloatLiteral) },
          ]);
          return this.ACTION(() => this.numberLiteral(n, undefined));
        },
      },
    ]);
  });

  /** `(e)`, or the parameter list of `(x, y) => body`. */
  private parenthesized = this.RULE('parenthesized', (): Expression => {
    const lp = this.CONSUME(T.LParen);
    const items: Expression[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        items.push(this.SUBRULE(this.expression));
      },
    });
    const rp = this.CONSUME(T.RParen);
    let lambdaBody: Expression | undefined;
    this.OPTION(() => {
      this.CONSUME(T.FatArrow);
      lambdaBody = this.SUBRULE2(this.expression);
    });
    return this.ACTION(() => {
      if (lambdaBody) {
        const params = items.map((it) => {
          if (it.kind !== 'ColumnRef' || it.source !== undefined) {
            throw ParseError.at(it.loc ?? this.loc(lp), 'Syntax Error\nLambda parameters must be plain identifiers');
          }
          return it.name;
        });
        return { kind: 'Lambda', params, body: lambdaBody, loc: this.loc(lp) } as Expression;
      }
      if (items.length !== 1) {
        const at = items.length === 0 ? rp : this.findTopLevelComma(lp, rp);
        const near = at.tokenType === EOF ? '<EOF>' : at.image;
        const loc = this.loc(at);
        throw ParseError.syntax({
          line: loc.line,
          column: loc.column,
          token: near,
          expected: ["')'"],
          reason: items.length === 0 ? `no viable alternative at input '()'` : `missing ')' at '${near}'`,
        });
      }
      return items[0]!;
    });
  });

  /** The comma directly inside the parentheses that start at `lp` (re-lexed from the input). */
  private findTopLevelComma(lp: IToken, rp: IToken): IToken {
    const tokens = this.input;
    let depth = 0;
    for (const t of tokens) {
      if (t.startOffset < lp.startOffset || t.startOffset > rp.startOffset) continue;
      if (t.tokenType === T.LParen || t.tokenType === T.LBracket) depth++;
      else if (t.tokenType === T.RParen || t.tokenType === T.RBracket) depth--;
      else if (t.tokenType === T.Comma && depth === 1) return t;
    }
    return rp;
  }

  private singleParamLambda = this.RULE('singleParamLambda', (): Expression => {
    const p = this.ident();
    this.CONSUME(T.FatArrow);
    const body = this.SUBRULE(this.expression);
    return this.ACTION(() => ({ kind: 'Lambda', params: [identifierText(p)], body, loc: this.loc(p) }) as Expression);
  });

  private caseExpression = this.RULE('caseExpression', (): Expression => {
    const caseTok = this.CONSUME(T.CASE);
    let operand: Expression | undefined;
    this.OPTION(() => (operand = this.SUBRULE(this.valueExpression)));
    const whens: { when: Expression; then: Expression }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.WHEN);
      const when = this.SUBRULE(this.expression);
      this.CONSUME(T.THEN);
      const then = this.SUBRULE2(this.expression);
      whens.push({ when, then });
    });
    let elseExpr: Expression | undefined;
    this.OPTION2(() => {
      this.CONSUME(T.ELSE);
      elseExpr = this.SUBRULE3(this.expression);
    });
    this.CONSUME(T.END);
    return this.ACTION(() => {
      const e: Expression = { kind: 'Case', whens, loc: this.loc(caseTok) };
      if (operand) e.operand = operand;
      if (elseExpr) e.else = elseExpr;
      return e;
    });
  });

  private castExpression = this.RULE('castExpression', (): Expression => {
    const castTok = this.CONSUME(T.CAST);
    this.CONSUME(T.LParen);
    const expr = this.SUBRULE(this.expression);
    this.CONSUME(T.AS);
    const type = this.SUBRULE(this.type);
    this.CONSUME(T.RParen);
    return this.ACTION(() => ({ kind: 'Cast', expr, type, loc: this.loc(castTok) }) as Expression);
  });

  private arrayConstructor = this.RULE('arrayConstructor', (): Expression => {
    const tok = this.CONSUME(T.ARRAY);
    this.CONSUME(T.LBracket);
    const items: Expression[] = [];
    this.MANY_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.expression)) });
    this.CONSUME(T.RBracket);
    return this.ACTION(() => ({ kind: 'ArrayConstructor', items, loc: this.loc(tok) }) as Expression);
  });

  private mapConstructor = this.RULE('mapConstructor', (): Expression => {
    const tok = this.CONSUME(T.MAP);
    this.CONSUME(T.LParen);
    const entries: { key: Expression; value: Expression }[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const key = this.SUBRULE(this.expression);
        this.CONSUME(T.Assign);
        const value = this.SUBRULE2(this.expression);
        entries.push({ key, value });
      },
    });
    this.CONSUME(T.RParen);
    return this.ACTION(() => ({ kind: 'MapConstructor', entries, loc: this.loc(tok) }) as Expression);
  });

  private structConstructor = this.RULE('structConstructor', (): Expression => {
    const tok = this.CONSUME(T.STRUCT);
    this.CONSUME(T.LParen);
    const fields: { name: string; value: Expression }[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        const name = this.ident();
        this.CONSUME(T.Assign);
        const value = this.SUBRULE(this.expression);
        this.ACTION(() => fields.push({ name: identifierText(name), value }));
      },
    });
    this.CONSUME(T.RParen);
    return this.ACTION(() => ({ kind: 'StructConstructor', fields, loc: this.loc(tok) }) as Expression);
  });

  private functionCall = this.RULE('functionCall', (): Expression => {
    const nameTok = this.ident();
    this.CONSUME(T.LParen);
    let star = false;
    let distinct = false;
    const args: Expression[] = [];
    this.OPTION(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { ALT: () => (this.CONSUME(T.Star), (star = true)) },
          {
            ALT: () => {
              this.OPTION2(() => (this.CONSUME(T.DISTINCT), (distinct = true)));
              this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.functionArgument)) });
            },
          },
        ],
      });
    });
    this.CONSUME(T.RParen);
    return this.ACTION(() => {
      const e: Expression = { kind: 'FunctionCall', name: identifierText(nameTok), args, loc: this.loc(nameTok) };
      if (star) e.star = true;
      if (distinct) e.distinct = true;
      return e;
    });
  });

  private functionArgument = this.RULE('functionArgument', (): Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // As in ksqlDB, the singular DAY, HOUR, MINUTE and SECOND are identifiers first: a
          // column named SECOND stays a column; the other unit words are units.
          GATE: () => (this.la(2) === T.Comma || this.la(2) === T.RParen) && !SINGULAR_UNITS.has(this.la(1)),
          ALT: () => {
            const u = this.CONSUME(T.TimeUnitTok);
            return this.ACTION(() => ({ kind: 'IntervalUnit', unit: unitFromKeyword(u.tokenType.name), loc: this.loc(u) }) as Expression);
          },
        },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    });
  });

  private typedLiteral = this.RULE('typedLiteral', (): Expression => {
    const typeTok = this.ident();
    const s = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => {
      const name = identifierText(typeTok);
      if (isQuoted(typeTok) || name !== 'DECIMAL') {
        const loc = this.loc(typeTok);
        throw ParseError.syntax({
          line: loc.line,
          column: loc.column,
          token: typeTok.image,
          expected: [],
          reason: `Unsupported typed literal ${name} '...': only DECIMAL 'n' is supported`,
        });
      }
      return decimalLiteral(stringText(s), this.loc(typeTok), true);
    });
  });

  private columnReference = this.RULE('columnReference', (): Expression => {
    const first = this.ident();
    let second: IToken | undefined;
    this.OPTION({
      GATE: () => this.la(2) !== T.Star,
      DEF: () => {
        this.CONSUME(T.Dot);
        second = this.CONSUME2(T.Ident);
      },
    });
    return this.ACTION(() => {
      if (second) return { kind: 'ColumnRef', source: identifierText(first), name: identifierText(second), loc: this.loc(first) } as Expression;
      return { kind: 'ColumnRef', name: identifierText(first), loc: this.loc(first) } as Expression;
    });
  });
}

function variableName(tok: IToken, loc: Loc): string {
  const name = tok.tokenType === T.QuotedIdentifier || tok.tokenType === T.BackquotedIdentifier ? identifierText(tok) : tok.image;
  if (!/^[A-Za-z_]\w*$/.test(name)) {
    throw ParseError.at(loc, `Illegal argument: variable name '${name}' must match [A-Za-z_][A-Za-z0-9_]*`);
  }
  return name.toLowerCase();
}

export type TimeUnitName = TimeUnit;
