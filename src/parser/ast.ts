// Typed AST for Eddy's SQL dialect (ksqlDB-compatible). Produced by src/parser, consumed
// by src/planner and src/engine. Identifiers are already normalised: unquoted names are
// upper-cased, quoted names keep their case.

export interface Loc {
  /** 1-based line and column of the node's first token in the request text. */
  line: number;
  column: number;
  /** 0-based character offset in the request text. */
  offset: number;
}

// ---------------------------------------------------------------- types

export type AstType =
  | {
      kind: 'Primitive';
      name: 'BOOLEAN' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'DATE' | 'TIME' | 'TIMESTAMP';
    }
  | { kind: 'Decimal'; precision: number; scale: number }
  | { kind: 'Array'; item: AstType }
  | { kind: 'Map'; key: AstType; value: AstType }
  | { kind: 'Struct'; fields: { name: string; type: AstType }[] }
  /** A name registered with CREATE TYPE (resolved by the planner). */
  | { kind: 'Alias'; name: string; loc?: Loc };

// ---------------------------------------------------------------- expressions

export type TimeUnit = 'DAYS' | 'HOURS' | 'MINUTES' | 'SECONDS' | 'MILLISECONDS' | 'MICROSECONDS' | 'NANOSECONDS';

export type Expression =
  | Literal
  | ColumnRef
  | Dereference
  | Subscript
  | FunctionCall
  | Lambda
  | IntervalUnitArg
  | Arithmetic
  | Unary
  | Comparison
  | Between
  | InList
  | Like
  | IsNull
  | Not
  | Logical
  | Case
  | Cast
  | ArrayConstructor
  | MapConstructor
  | StructConstructor;

interface Node {
  loc?: Loc;
}

export interface Literal extends Node {
  kind: 'Literal';
  /** INT/BIGINT/DECIMAL/DOUBLE carry the literal's text in `value`; the planner makes values. */
  type: 'INT' | 'BIGINT' | 'DECIMAL' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'NULL';
  value: string | boolean | null;
}

/** `name` or `source.name`. Lambda parameters are also parsed as ColumnRefs. */
export interface ColumnRef extends Node {
  kind: 'ColumnRef';
  source?: string;
  name: string;
}

/** `base->field` */
export interface Dereference extends Node {
  kind: 'Dereference';
  base: Expression;
  field: string;
}

/** `base[index]` (arrays are 1-based, maps by key). */
export interface Subscript extends Node {
  kind: 'Subscript';
  base: Expression;
  index: Expression;
}

export interface FunctionCall extends Node {
  kind: 'FunctionCall';
  /** Upper-cased function name. */
  name: string;
  args: Expression[];
  /** COUNT(*) */
  star?: boolean;
  distinct?: boolean;
}

/** `x => body` or `(x, y) => body`; only valid as a function argument. */
export interface Lambda extends Node {
  kind: 'Lambda';
  params: string[];
  body: Expression;
}

/** A bare time unit used as a function argument, e.g. DATEADD(DAYS, 1, d). */
export interface IntervalUnitArg extends Node {
  kind: 'IntervalUnit';
  unit: TimeUnit;
}

export interface Arithmetic extends Node {
  kind: 'Arithmetic';
  /** `||` is parsed as '||' (string concatenation). */
  op: '+' | '-' | '*' | '/' | '%' | '||';
  left: Expression;
  right: Expression;
}

export interface Unary extends Node {
  kind: 'Unary';
  op: '-' | '+';
  operand: Expression;
}

export interface Comparison extends Node {
  kind: 'Comparison';
  op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM' | 'IS NOT DISTINCT FROM';
  left: Expression;
  right: Expression;
}

export interface Between extends Node {
  kind: 'Between';
  value: Expression;
  low: Expression;
  high: Expression;
  not: boolean;
}

export interface InList extends Node {
  kind: 'In';
  value: Expression;
  list: Expression[];
  not: boolean;
}

export interface Like extends Node {
  kind: 'Like';
  value: Expression;
  pattern: Expression;
  escape?: string;
  not: boolean;
}

export interface IsNull extends Node {
  kind: 'IsNull';
  value: Expression;
  not: boolean;
}

export interface Not extends Node {
  kind: 'Not';
  operand: Expression;
}

export interface Logical extends Node {
  kind: 'Logical';
  op: 'AND' | 'OR';
  left: Expression;
  right: Expression;
}

/** Searched CASE (no operand) or simple CASE (operand compared with each WHEN). */
export interface Case extends Node {
  kind: 'Case';
  operand?: Expression;
  whens: { when: Expression; then: Expression }[];
  else?: Expression;
}

export interface Cast extends Node {
  kind: 'Cast';
  expr: Expression;
  type: AstType;
}

export interface ArrayConstructor extends Node {
  kind: 'ArrayConstructor';
  items: Expression[];
}

export interface MapConstructor extends Node {
  kind: 'MapConstructor';
  entries: { key: Expression; value: Expression }[];
}

export interface StructConstructor extends Node {
  kind: 'StructConstructor';
  fields: { name: string; value: Expression }[];
}

// ---------------------------------------------------------------- queries

export type SelectItem =
  | { kind: 'AllColumns'; source?: string; loc?: Loc }
  /** `expr->*` */
  | { kind: 'StructAll'; expr: Expression; loc?: Loc }
  | { kind: 'SingleColumn'; expr: Expression; alias?: string; loc?: Loc };

export interface Duration {
  value: number;
  unit: TimeUnit;
  /** value converted to milliseconds */
  ms: number;
}

export interface WindowExpression {
  type: 'TUMBLING' | 'HOPPING' | 'SESSION' | 'SLIDING' | 'COUNT';
  /** Size for TUMBLING/HOPPING/SLIDING, gap for SESSION; unused for COUNT (see `records`). */
  size: Duration;
  /** COUNT windows: records per window and records between window starts. */
  records?: { size: number; advance: number };
  advance?: Duration;
  retention?: Duration;
  grace?: Duration;
  loc?: Loc;
}

export interface AliasedSource {
  name: string;
  alias?: string;
  loc?: Loc;
}

export interface JoinClause {
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
  source: AliasedSource;
  /** WITHIN n unit → before = after = n; WITHIN (a, b) → before = a, after = b. */
  within?: { before: Duration; after: Duration; grace?: Duration };
  on: Expression;
  loc?: Loc;
}

export interface Query {
  select: SelectItem[];
  from: AliasedSource;
  joins: JoinClause[];
  window?: WindowExpression;
  where?: Expression;
  groupBy?: Expression[];
  partitionBy?: Expression[];
  having?: Expression;
  /** undefined when the query has no EMIT clause (a pull query on its own). */
  emit?: 'CHANGES' | 'FINAL';
  limit?: number;
  /** Eddy extension for pull queries (refused elsewhere): ORDER BY items and LIMIT n OFFSET m. */
  orderBy?: OrderByItem[];
  offset?: number;
  /** Where ORDER BY / OFFSET start: the position ksqlDB reports its syntax error at. */
  extensionLoc?: { orderBy?: Loc; offset?: Loc };
  loc?: Loc;
}

export interface OrderByItem {
  expr: Expression;
  descending: boolean;
  /** SQL default: NULLs sort as larger than every value (last ascending, first descending). */
  nullsFirst?: boolean;
  loc?: Loc;
}

// ---------------------------------------------------------------- statements

export interface Property {
  /** Upper-cased property name, e.g. KAFKA_TOPIC. */
  name: string;
  value: Literal;
  loc?: Loc;
}

export interface TableElement {
  name: string;
  type: AstType;
  constraint?: 'KEY' | 'PRIMARY KEY' | 'HEADERS' | { header: string };
  loc?: Loc;
}

export type SourceType = 'STREAM' | 'TABLE';

interface StatementBase {
  /** The statement's text exactly as written (after variable substitution), with its `;`. */
  text: string;
  loc: Loc;
}

export interface CreateSource extends StatementBase {
  kind: 'CreateSource';
  sourceType: SourceType;
  name: string;
  orReplace: boolean;
  ifNotExists: boolean;
  /** CREATE SOURCE STREAM/TABLE: read-only. */
  isSource: boolean;
  elements: TableElement[];
  properties: Property[];
}

export interface CreateAsSelect extends StatementBase {
  kind: 'CreateAsSelect';
  sourceType: SourceType;
  name: string;
  orReplace: boolean;
  ifNotExists: boolean;
  properties: Property[];
  query: Query;
}

export interface InsertInto extends StatementBase {
  kind: 'InsertInto';
  target: string;
  /** Where the target's name is written. */
  targetLoc?: Loc;
  properties: Property[];
  query: Query;
}

export interface InsertValues extends StatementBase {
  kind: 'InsertValues';
  target: string;
  /** Absent when no column list was given. */
  columns?: string[];
  values: Expression[];
}

export interface DropSource extends StatementBase {
  kind: 'DropSource';
  sourceType: SourceType;
  name: string;
  ifExists: boolean;
  deleteTopic: boolean;
}

export interface AlterSource extends StatementBase {
  kind: 'AlterSource';
  sourceType: SourceType;
  name: string;
  addColumns: TableElement[];
}

export interface CreateType extends StatementBase {
  kind: 'CreateType';
  name: string;
  type: AstType;
  ifNotExists: boolean;
}

export interface DropType extends StatementBase {
  kind: 'DropType';
  name: string;
  ifExists: boolean;
}

export interface Show extends StatementBase {
  kind: 'Show';
  what:
    | 'STREAMS'
    | 'TABLES'
    | 'TOPICS'
    | 'QUERIES'
    | 'PROPERTIES'
    | 'VARIABLES'
    | 'TYPES'
    | 'FUNCTIONS'
    | 'CONNECTORS'
    | 'SOURCE CONNECTORS'
    | 'SINK CONNECTORS'
    | 'CONNECTOR PLUGINS';
  extended: boolean;
  /** SHOW ALL TOPICS */
  all: boolean;
}

export interface DescribeSource extends StatementBase {
  kind: 'DescribeSource';
  name: string;
  extended: boolean;
}

/** DESCRIBE STREAMS|TABLES [EXTENDED] */
export interface DescribeSources extends StatementBase {
  kind: 'DescribeSources';
  sourceType: SourceType;
  extended: boolean;
}

export interface DescribeFunction extends StatementBase {
  kind: 'DescribeFunction';
  name: string;
}

export interface DescribeConnector extends StatementBase {
  kind: 'DescribeConnector';
  name: string;
}

export interface Explain extends StatementBase {
  kind: 'Explain';
  /** EXPLAIN <statement> */
  statement?: Statement;
  /** EXPLAIN <query id> */
  queryId?: string;
}

export interface SetProperty extends StatementBase {
  kind: 'SetProperty';
  name: string;
  value: string;
}

export interface UnsetProperty extends StatementBase {
  kind: 'UnsetProperty';
  name: string;
}

export interface AlterSystem extends StatementBase {
  kind: 'AlterSystem';
  name: string;
  value: string;
}

export interface DefineVariable extends StatementBase {
  kind: 'DefineVariable';
  /** Variable names are case-insensitive; stored lower-cased. */
  name: string;
  value: string;
}

export interface UndefineVariable extends StatementBase {
  kind: 'UndefineVariable';
  name: string;
}

export interface QueryControl extends StatementBase {
  kind: 'TerminateQuery' | 'PauseQuery' | 'ResumeQuery';
  /** Absent for ALL. */
  queryId?: string;
  all: boolean;
}

export interface Print extends StatementBase {
  kind: 'Print';
  /** Case-sensitive topic name (quoted string or identifier as written). */
  topic: string;
  fromBeginning: boolean;
  interval?: number;
  limit?: number;
}

export interface SelectStatement extends StatementBase {
  kind: 'Select';
  query: Query;
}

export interface RunScript extends StatementBase {
  kind: 'RunScript';
  path: string;
}

export interface AssertTopic extends StatementBase {
  kind: 'AssertTopic';
  topic: string;
  exists: boolean;
  properties: Property[];
  timeout?: Duration;
}

export interface AssertSchema extends StatementBase {
  kind: 'AssertSchema';
  subject?: string;
  id?: number;
  exists: boolean;
  timeout?: Duration;
}

/** Test-only: ASSERT VALUES src (cols) VALUES (...) */
export interface AssertValues extends StatementBase {
  kind: 'AssertValues';
  target: string;
  columns?: string[];
  values: Expression[];
}

/** Test-only: ASSERT NULL VALUES src (cols) KEY (...) */
export interface AssertTombstone extends StatementBase {
  kind: 'AssertTombstone';
  target: string;
  columns?: string[];
  keys: Expression[];
}

/** Test-only: ASSERT STREAM|TABLE name (elements) WITH (...) */
export interface AssertSource extends StatementBase {
  kind: 'AssertSource';
  sourceType: SourceType;
  name: string;
  elements: TableElement[];
  properties: Property[];
}

export interface CreateConnector extends StatementBase {
  kind: 'CreateConnector';
  connectorType: 'SOURCE' | 'SINK';
  name: string;
  ifNotExists: boolean;
  /** Connector properties keep the name as written (they are case-sensitive). */
  properties: Property[];
}

export interface DropConnector extends StatementBase {
  kind: 'DropConnector';
  name: string;
  ifExists: boolean;
}

export type Statement =
  | CreateSource
  | CreateAsSelect
  | InsertInto
  | InsertValues
  | DropSource
  | AlterSource
  | CreateType
  | DropType
  | Show
  | DescribeSource
  | DescribeSources
  | DescribeFunction
  | DescribeConnector
  | Explain
  | SetProperty
  | UnsetProperty
  | AlterSystem
  | DefineVariable
  | UndefineVariable
  | QueryControl
  | Print
  | SelectStatement
  | RunScript
  | AssertTopic
  | AssertSchema
  | AssertValues
  | AssertTombstone
  | AssertSource
  | CreateConnector
  | DropConnector;
