// The text ksqlDB names a CREATE ... AS SELECT by in its errors ("Statement: ..."): the
// statement after its AstSanitizer (column references qualified with their source's alias,
// every select item aliased) as its SqlFormatter lays it out.

import type { CatalogView, DataSource } from '../../catalog/model.js';
import type { ColumnRef, CreateAsSelect, Expression, SelectItem } from '../../parser/ast.js';
import { formatCreateAsSelect } from '../../parser/format-statement.js';
import { AliasGenerator } from './analyze.js';
import { rewriteExpression } from './expression-text.js';
import { PSEUDO_COLUMNS } from './layout.js';

interface NamedSource {
  alias: string;
  columns: Set<string>;
}

function columnNames(source: DataSource | undefined): Set<string> {
  const names = new Set<string>();
  if (!source) return names;
  for (const c of [...source.schema.key, ...source.schema.value]) names.add(c.name);
  for (const p of PSEUDO_COLUMNS) names.add(p.name);
  if (source.keyFormat.window) for (const b of ['WINDOWSTART', 'WINDOWEND']) names.add(b);
  return names;
}

function qualify(e: Expression, sources: NamedSource[], bound: ReadonlySet<string> = new Set()): Expression {
  return rewriteExpression(e, (node) => {
    if (node.kind === 'Lambda') return { ...node, body: qualify(node.body, sources, new Set([...bound, ...node.params])) };
    if (node.kind !== 'ColumnRef' || node.source !== undefined || bound.has(node.name)) return undefined;
    const owners = sources.filter((s) => s.columns.has(node.name));
    return owners.length === 1 ? ({ ...node, source: owners[0]!.alias } satisfies ColumnRef) : node;
  });
}

export function sanitizedStatementText(stmt: CreateAsSelect, catalog: CatalogView): string {
  const q = stmt.query;
  const relations = [q.from, ...q.joins.map((j) => j.source)];
  const sources: NamedSource[] = relations.map((r) => ({ alias: r.alias ?? r.name, columns: columnNames(catalog.getSource(r.name)) }));
  const isJoin = sources.length > 1;
  const aliases = new AliasGenerator(new Set(sources.flatMap((s) => [...s.columns])));
  const q2 = (e: Expression) => qualify(e, sources);
  const select = q.select.map((item): SelectItem => {
    if (item.kind === 'AllColumns') return item;
    if (item.kind === 'StructAll') return { ...item, expr: q2(item.expr) };
    const expr = q2(item.expr);
    if (item.alias !== undefined) return { ...item, expr };
    let alias: string;
    if (expr.kind === 'ColumnRef') {
      const shared = isJoin && sources.filter((s) => s.columns.has(expr.name)).length > 1;
      alias = shared && expr.source !== undefined ? `${expr.source}_${expr.name}` : expr.name;
    } else if (expr.kind === 'Dereference') alias = aliases.unique(expr.field);
    else alias = aliases.generate();
    return { ...item, expr, alias };
  });
  return formatCreateAsSelect({
    ...stmt,
    query: {
      ...q,
      select,
      from: { ...q.from, alias: q.from.alias ?? q.from.name },
      joins: q.joins.map((j) => ({ ...j, source: { ...j.source, alias: j.source.alias ?? j.source.name }, on: q2(j.on) })),
      ...(q.where ? { where: q2(q.where) } : {}),
      ...(q.groupBy ? { groupBy: q.groupBy.map(q2) } : {}),
      ...(q.partitionBy ? { partitionBy: q.partitionBy.map(q2) } : {}),
      ...(q.having ? { having: q2(q.having) } : {}),
    },
  });
}
