// Pure text-table rendering for the CLI. Two styles, as in ksqlDB's CLI: `dashed` for
// listings and descriptions, `boxed` for query results (which may grow row by row).

export type Cell = unknown;

/** Text of one value as the CLI shows it: strings raw, null as `null`, the rest as JSON. */
export function cellText(value: Cell): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

function displayWidth(s: string): number {
  return [...s].length;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** Splits text into pieces of at most `width` characters (newlines also break). */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const chars = [...line];
    if (chars.length === 0) out.push('');
    for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  }
  return out;
}

/** Lines of one table row whose cells wrap within their column widths. */
function rowLines(cells: string[], widths: number[], left: string, sep: string, right: string): string[] {
  const wrapped = cells.map((c, i) => wrap(c, widths[i]!));
  const height = Math.max(1, ...wrapped.map((w) => w.length));
  const lines: string[] = [];
  for (let l = 0; l < height; l++) {
    lines.push(left + wrapped.map((w, i) => pad(w[l] ?? '', widths[i]!)).join(sep) + right);
  }
  return lines;
}

/**
 * A listing table:
 * ```
 *  Name | Topic
 * --------------
 *  S    | s
 * --------------
 * ```
 */
export function renderDashedTable(header: string[], rows: Cell[][]): string[] {
  const texts = rows.map((r) => header.map((_, i) => cellText(r[i]).replace(/\s*\n\s*/g, ' ')));
  const natural = header.map((h, i) => Math.max(displayWidth(h), ...texts.map((r) => displayWidth(r[i]!))));
  // Long texts (query strings, property values) wrap; short columns such as ids keep their width.
  const widths = fitWidths(natural, natural.map((w, i) => Math.min(w, Math.max(displayWidth(header[i]!), 20))), dashedTableWidth);
  const line = (cells: string[]) => rowLines(cells, widths, ' ', ' | ', ' ');
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 3 * widths.length - 1);
  return [...line(header), rule, ...texts.flatMap(line), rule];
}

/** The width listing tables must fit in (their widest columns wrap); set by withTableWidth. */
let dashedTableWidth = Infinity;

/** Renders with listing tables fitted to `width` columns, e.g. the terminal's. */
export function withTableWidth<T>(width: number, render: () => T): T {
  const previous = dashedTableWidth;
  dashedTableWidth = width > 0 ? width : Infinity;
  try {
    return render();
  } finally {
    dashedTableWidth = previous;
  }
}

/** Narrows the widest columns (not below their minimum) until ` a | b ` fits in `limit`. */
function fitWidths(widths: number[], minimums: number[], limit: number): number[] {
  const out = widths.slice();
  const total = () => out.reduce((a, w) => a + w, 0) + 3 * out.length - 1;
  while (total() > limit) {
    let widest = -1;
    for (let i = 0; i < out.length; i++) {
      if (out[i]! > minimums[i]! && (widest < 0 || out[i]! > out[widest]!)) widest = i;
    }
    if (widest < 0) break;
    out[widest]!--;
  }
  return out;
}

/** Column widths for a live query table: share the terminal width, never narrower than a header. */
export function queryColumnWidths(header: string[], terminalWidth: number): number[] {
  const n = Math.max(1, header.length);
  const share = Math.floor((terminalWidth - (n + 1)) / n);
  return header.map((h) => Math.max(displayWidth(h), Math.min(Math.max(share, 4), 40)));
}

/** The border line of a boxed table: `+-----+----+`. */
export function boxRule(widths: number[]): string {
  return '+' + widths.map((w) => '-'.repeat(w)).join('+') + '+';
}

/** Header of a boxed table: rule, names, rule. */
export function boxHeader(header: string[], widths: number[]): string[] {
  return [boxRule(widths), ...rowLines(header, widths, '|', '|', '|'), boxRule(widths)];
}

/** One row of a boxed table, wrapped to the column widths. */
export function boxRow(values: Cell[], widths: number[]): string[] {
  return rowLines(widths.map((_, i) => cellText(values[i])), widths, '|', '|', '|');
}

/** A complete boxed table (header, rows, closing rule). */
export function renderBoxedTable(header: string[], rows: Cell[][], terminalWidth = 120): string[] {
  const widths = queryColumnWidths(header, terminalWidth);
  return [...boxHeader(header, widths), ...rows.flatMap((r) => boxRow(r, widths)), ...(rows.length ? [boxRule(widths)] : [])];
}
