// The upgrade section of EXPLAIN CREATE OR REPLACE (see src/planner/query/upgrade.ts).

type Json = Record<string, unknown>;

/** The lines of an EXPLAIN upgrade section (see src/planner/query/upgrade.ts). */
export function upgradeLines(upgrade: Json): string[] {
  const lines: string[] = [];
  if (upgrade.refused) lines.push(`would be refused: ${String(upgrade.refused)}`);
  else lines.push(`would replace query ${String(upgrade.queryId)}; state is ${String(upgrade.state)}`);
  const added = (upgrade.columnsAdded ?? []) as string[];
  lines.push(`columns added: ${added.length === 0 ? 'none' : added.join(', ')}`);
  for (const c of (upgrade.changes ?? []) as string[]) lines.push(`change: ${c}`);
  lines.push('steps before:', ...((upgrade.before ?? []) as string[]).map((s) => '  ' + s));
  lines.push('steps after:', ...((upgrade.after ?? []) as string[]).map((s) => '  ' + s));
  return lines;
}

