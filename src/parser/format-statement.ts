// CREATE ... AS SELECT laid out as ksqlDB's SqlFormatter prints it (the statement text of
// its errors): one select item per line, every source with its alias, EMIT on its own line.

import type { CreateAsSelect, Duration, JoinClause, Property, Query, SelectItem, WindowExpression } from './ast.js';
import { formatExpression, formatIdentifier } from './format.js';

function duration(d: Duration): string {
  return `${d.value} ${d.unit}`;
}

function windowText(w: WindowExpression): string {
  const tail = `${w.retention ? ` , RETENTION ${duration(w.retention)}` : ''}${w.grace ? ` , GRACE PERIOD ${duration(w.grace)}` : ''} ) `;
  switch (w.type) {
    case 'TUMBLING':
      return ` TUMBLING ( SIZE ${duration(w.size)}${tail}`;
    case 'HOPPING':
      return ` HOPPING ( SIZE ${duration(w.size)} , ADVANCE BY ${w.advance ? duration(w.advance) : ''}${tail}`;
    case 'SESSION':
      return ` SESSION ( ${duration(w.size)}${tail}`;
    case 'SLIDING':
      return ` SLIDING ( SIZE ${duration(w.size)}${tail}`;
    case 'COUNT':
      return ` COUNT ( SIZE ${w.records?.size ?? 0} RECORDS , ADVANCE BY ${w.records?.advance ?? 0} RECORDS ) `;
  }
}

const JOIN_TYPES: Record<JoinClause['type'], string> = { INNER: 'INNER', LEFT: 'LEFT OUTER', RIGHT: 'RIGHT OUTER', FULL: 'FULL OUTER' };

function withinText(w: NonNullable<JoinClause['within']>): string {
  const span = w.before.ms === w.after.ms ? duration(w.before) : `(${duration(w.before)}, ${duration(w.after)})`;
  return ` WITHIN ${span}${w.grace ? ` GRACE PERIOD ${duration(w.grace)}` : ''}`;
}

function selectItemText(item: SelectItem): string {
  switch (item.kind) {
    case 'AllColumns':
      return item.source !== undefined ? `${formatIdentifier(item.source)}.*` : '*';
    case 'StructAll':
      return `${formatExpression(item.expr)}->*`;
    case 'SingleColumn':
      return `${formatExpression(item.expr)}${item.alias !== undefined ? ` ${formatIdentifier(item.alias)}` : ''}`;
  }
}

function propertyText(p: Property): string {
  const v = p.value;
  const value = v.type === 'STRING' ? `'${String(v.value).replace(/'/g, "''")}'` : String(v.value);
  return `${p.name}=${value}`;
}

export function formatQuery(q: Query): string {
  const lines: string[] = [];
  const items = q.select.map(selectItemText);
  lines.push(items.length > 1 ? `SELECT\n${items.map((t) => `  ${t}`).join(',\n')}` : `SELECT ${items[0] ?? ''}`);
  const aliased = (s: { name: string; alias?: string }) => `${formatIdentifier(s.name)} ${formatIdentifier(s.alias ?? s.name)}`;
  let from = `FROM ${aliased(q.from)}`;
  for (const j of q.joins) from += `\n${JOIN_TYPES[j.type]} JOIN ${aliased(j.source)}${j.within ? withinText(j.within) : ''} ON (${formatExpression(j.on)})`;
  lines.push(from);
  if (q.window) lines.push(`WINDOW${windowText(q.window)}`);
  if (q.where) lines.push(`WHERE ${formatExpression(q.where)}`);
  if (q.groupBy && q.groupBy.length > 0) lines.push(`GROUP BY ${q.groupBy.map(formatExpression).join(', ')}`);
  if (q.partitionBy && q.partitionBy.length > 0) lines.push(`PARTITION BY ${q.partitionBy.map(formatExpression).join(', ')}`);
  if (q.having) lines.push(`HAVING ${formatExpression(q.having)}`);
  lines.push(`EMIT ${q.emit ?? 'CHANGES'}`);
  if (q.limit !== undefined) lines.push(`LIMIT ${q.limit}`);
  return lines.join('\n');
}

export function formatCreateAsSelect(s: CreateAsSelect): string {
  const props = s.properties.length > 0 ? ` WITH (${s.properties.map(propertyText).join(', ')})` : '';
  return `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}${s.sourceType} ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${formatIdentifier(s.name)}${props} AS ${formatQuery(s.query)}`;
}
