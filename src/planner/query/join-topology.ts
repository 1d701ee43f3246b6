// The internal topics and state stores of a query's joins, named as ksqlDB names them.
//
// Which side of a join is repartitioned follows ksqlDB's logical plan: every side is wrapped
// in a "SourceKeyed" repartition node (foreign-key joins only for a right table with a struct
// key in a schema-registry format), the root join picks one key format (the left side's
// preference, else the right's, else ksql.persistence.default.format.key) and pushes it down.
// A side is repartitioned when its join value is not its key, when its key format differs
// from the one chosen, or always when that format infers schemas (AVRO, JSON_SR, PROTOBUF:
// keys written under another schema id would not match). Stream sides go through Kafka
// Streams' join repartition (`<prefix>Join-left|right-repartition`, `<prefix>Join-repartition`
// for stream-table joins), table sides through their own `<ctx>-SelectKey-repartition`.
//
// Store names: table sides materialize in `KafkaTopic_<prefix><Side>-Reduce`, rekeyed ones in
// `<prefix><Side>SourceKeyed-Materialize`. Stream-stream windows are Kafka Streams' generated
// `KSTREAM-JOINTHIS|OUTERTHIS-<n>-store` / `KSTREAM-JOINOTHER|OUTEROTHER-<n+1>-store`, where n
// counts the processor names the topology burned before them, in the order ksqlDB builds its
// steps (a stream-table join builds its table first). The costs below are Kafka Streams'
// (KStreamImpl, KStreamImplJoin) under ksqlDB's builders, as its historical topologies show.

import type { DataSource, KeyFormat } from '../../catalog/model.js';
import type { JoinClause } from '../../parser/ast.js';
import { QueryPlanningError } from './errors.js';
import { REGISTRY_FORMATS } from '../../serde/serde.js';

/** What the rule reads of a join step (./join.ts `JoinStep`). */
interface TopologyStep {
  kind: 'STREAM_STREAM' | 'STREAM_TABLE' | 'TABLE_TABLE' | 'FOREIGN_KEY';
  type: JoinClause['type'];
  right: number;
  leftType: 'STREAM' | 'TABLE';
  leftKeyed: boolean;
  rightKeyed: boolean;
}

export interface JoinRepartition {
  side: 'LEFT' | 'RIGHT';
  /** Topic name after the query's group prefix, e.g. `Join-left-repartition`. */
  topic: string;
  keyFormat: KeyFormat;
}

export interface JoinStepTopology {
  repartitions: JoinRepartition[];
  /** ksqlDB's state store names of the step; each has a `<group>-<store>-changelog` topic. */
  stores: string[];
}

/** Names Kafka Streams generates (and burns) per node, as ksqlDB builds them. */
const COST = {
  streamSource: 2, // KSTREAM-SOURCE, KSTREAM-PROCESSVALUES
  tableSource: 5, // store, KSTREAM-SOURCE, KTABLE-SOURCE, two KTABLE-TRANSFORMVALUES (a third when materialized)
  streamPrependAlias: 1, // the select's KSTREAM-PEEK
  streamSelectKey: 1,
  tableSelectKey: 7, // KTABLE-TOSTREAM, the repartition's three, toTable's
  repartition: 3, // sink, filter and source of KStreamImpl.createRepartitionedSource
  windowed: 2, // -this-windowed, -other-windowed
  merge: 1,
  streamTableJoin: 1,
};

function sameKeyFormat(a: KeyFormat, b: KeyFormat): boolean {
  return a.format === b.format && a.window?.type === b.window?.type && a.window?.sizeMs === b.window?.sizeMs;
}

function windowedFailure(): never {
  throw new QueryPlanningError('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.');
}

/** One side of a join step in ksqlDB's plan: a source, or the join step before it. */
interface SideNode {
  /** The step's side is wrapped in a repartition node (ksqlDB's PreJoinRepartitionNode). */
  wrapped: boolean;
  /** Its join value is not its key. */
  requires: boolean;
  /** Source index, or undefined for the previous join step. */
  source?: number;
  /** The key format set on the side; `repartition` when the side is rekeyed. */
  repartition?: KeyFormat;
}

export function joinTopology(join: { sources: { source: DataSource }[]; steps: TopologyStep[] }, defaultKeyFormat: string): JoinStepTopology[] {
  const steps = join.steps;
  const sides: [SideNode, SideNode][] = steps.map((s, n) => {
    const fk = s.kind === 'FOREIGN_KEY';
    const rightSource = join.sources[s.right]!.source;
    const fkRightRepartition = fk && REGISTRY_FORMATS.has(rightSource.keyFormat.format) && rightSource.schema.key.some((c) => c.type.base === 'STRUCT');
    const left: SideNode =
      n === 0 ? { wrapped: !fk, requires: !s.leftKeyed, source: 0 } : { wrapped: !fk && !s.leftKeyed, requires: !s.leftKeyed };
    const right: SideNode = { wrapped: !fk || fkRightRepartition, requires: !s.rightKeyed, source: s.right };
    return [left, right];
  });
  const sourceFormat = (i: number): KeyFormat => join.sources[i]!.source.keyFormat;

  const preferredOfSide = (n: number, side: 0 | 1): KeyFormat | undefined => {
    const node = sides[n]![side];
    if (node.wrapped && node.requires) return undefined;
    return node.source !== undefined ? sourceFormat(node.source) : preferredOfJoin(n - 1);
  };
  const preferredOfJoin = (n: number): KeyFormat | undefined => preferredOfSide(n, 0) ?? preferredOfSide(n, 1);
  const resolve = (n: number): void => setJoinFormat(n, preferredOfJoin(n) ?? { format: defaultKeyFormat as KeyFormat['format'] });
  const setJoinFormat = (n: number, format: KeyFormat): void => {
    for (const side of [0, 1] as const) {
      const node = sides[n]![side];
      const inner = node.source === undefined ? n - 1 : undefined;
      if (!node.wrapped) {
        if (inner !== undefined) setJoinFormat(inner, format);
        continue;
      }
      const force = REGISTRY_FORMATS.has(format.format);
      const windowed = node.source !== undefined && sourceFormat(node.source).window !== undefined;
      // The key format the side carries: a repartitioned side takes the join's, windows included.
      const target: KeyFormat = windowed ? { ...format, window: sourceFormat(node.source!).window! } : format;
      if (node.requires || force) {
        if ((node.requires || !force) && windowed) windowedFailure();
        node.repartition = target;
        if (inner !== undefined) resolve(inner);
      } else if (inner !== undefined) {
        const preferred = preferredOfJoin(inner);
        if (!preferred || sameKeyFormat(preferred, format)) setJoinFormat(inner, format);
        else {
          node.repartition = target;
          resolve(inner);
        }
      } else if (!sameKeyFormat(format, sourceFormat(node.source!))) {
        if (windowed) windowedFailure();
        node.repartition = target;
      }
    }
  };
  if (steps.length > 0) resolve(steps.length - 1);

  // Names, in ksqlDB's build order.
  const out: JoinStepTopology[] = steps.map(() => ({ repartitions: [], stores: [] }));
  let burned = 0;
  const prefixOf = (n: number) => 'L_'.repeat(steps.length - 1 - n);
  const buildSide = (n: number, side: 0 | 1): void => {
    const step = steps[n]!;
    const node = sides[n]![side];
    const sideName = side === 0 ? 'Left' : 'Right';
    const ctx = `${prefixOf(n)}${sideName}`;
    const table = node.source !== undefined ? join.sources[node.source]!.source.sourceType === 'TABLE' : step.leftType === 'TABLE';
    if (node.source === undefined) buildJoin(n - 1);
    // A table side that is not rekeyed is materialized for the join: one more transformValues.
    else burned += table ? COST.tableSource + (node.repartition ? 0 : 1) : COST.streamSource;
    if (node.repartition) {
      burned += table ? COST.tableSelectKey : COST.streamSelectKey;
      if (table) {
        out[n]!.repartitions.push({ side: side === 0 ? 'LEFT' : 'RIGHT', topic: `${ctx}SourceKeyed-SelectKey-repartition`, keyFormat: node.repartition });
        out[n]!.stores.push(`${ctx}SourceKeyed-Materialize`);
      }
    } else if (table && node.source !== undefined) {
      out[n]!.stores.push(`KafkaTopic_${ctx}-Reduce`);
    }
    // Only a source side gets an alias-prepending select; a stream's select burns a peek.
    if (node.source !== undefined && !table) burned += COST.streamPrependAlias;
  };
  const streamRepartition = (n: number, side: 0 | 1, suffix: string): void => {
    const node = sides[n]![side];
    if (!node.repartition) return;
    burned += COST.repartition;
    out[n]!.repartitions.push({ side: side === 0 ? 'LEFT' : 'RIGHT', topic: `${prefixOf(n)}Join${suffix}-repartition`, keyFormat: node.repartition });
  };
  const buildJoin = (n: number): void => {
    const step = steps[n]!;
    if (step.kind === 'STREAM_TABLE') {
      buildSide(n, 1);
      buildSide(n, 0);
      streamRepartition(n, 0, '');
      burned += COST.streamTableJoin;
      return;
    }
    buildSide(n, 0);
    buildSide(n, 1);
    if (step.kind !== 'STREAM_STREAM') return;
    // A right join is the right stream's left join with the left one: the right side is Kafka Streams' "this".
    const thisSide = step.type === 'RIGHT' ? 1 : 0;
    streamRepartition(n, thisSide, '-left');
    streamRepartition(n, thisSide === 0 ? 1 : 0, '-right');
    burned += COST.windowed;
    const rightOuter = step.type === 'FULL';
    const leftOuter = step.type === 'LEFT' || step.type === 'RIGHT' || step.type === 'FULL';
    out[n]!.stores.push(`KSTREAM-${rightOuter ? 'OUTERTHIS' : 'JOINTHIS'}-${String(burned).padStart(10, '0')}-store`);
    out[n]!.stores.push(`KSTREAM-${leftOuter ? 'OUTEROTHER' : 'JOINOTHER'}-${String(burned + 1).padStart(10, '0')}-store`);
    burned += 2 + COST.merge;
  };
  if (steps.length > 0) buildJoin(steps.length - 1);
  return out;
}
