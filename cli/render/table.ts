// Pure text-table rendering for the CLI. Two styles, as in ksqlDB's CLI: `dashed` for
// listings and descriptions, `boxed` for query results (which may grow row by row). Both fit
// the terminal: columns shrink, cells wrap and very long values are cut with a marker; when
// even the narrowest table cannot fit (or vertical output is asked for) rows are shown as
// blocks with one `column | value` line each, like psql's \x.

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

/** Marks the end of a value that was cut to fit. */
export const CUT_MARKER = '…';

/** Splits text into pieces of at most `width` characters (newlines also break), at most `maxLines` of them. */
export function wrap(text: string, width: number, maxLines = Infinity): string[] {
  const out: string[] = [];
  const w = Math.max(1, width);
  for (const line of text.split('\n')) {
    const chars = [...line];
    if (chars.length === 0) out.push('');
    for (let i = 0; i < chars.length; i += w) out.push(chars.slice(i, i + w).join(''));
  }
  if (out.length <= maxLines) return out;
  const kept = out.slice(0, maxLines);
  const last = [...kept[maxLines - 1]!];
  kept[maxLines - 1] = last.slice(0, Math.max(0, w - 1)).join('') + CUT_MARKER;
  return kept;
}

/** Lines of one table row whose cells wrap within their column widths. */
function rowLines(cells: string[], widths: number[], left: string, sep: string, right: string, maxLines = Infinity): string[] {
  const wrapped = cells.map((c, i) => wrap(c, widths[i]!, maxLines));
  const height = Math.max(1, ...wrapped.map((w) => w.length));
  const lines: string[] = [];
  for (let l = 0; l < height; l++) {
    lines.push(left + wrapped.map((w, i) => pad(w[l] ?? '', widths[i]!)).join(sep) + right);
  }
  return lines;
}

/** How tables are laid out: the width they must fit and whether rows are shown vertically. */
export interface TableLayout {
  width: number;
  vertical: boolean;
}

let layout: TableLayout = { width: Infinity, vertical: false };

/** The width tables and text are fitted to (Infinity when unknown). */
export function layoutWidth(): number {
  return layout.width;
}

/** Renders with tables fitted to `width` columns (e.g. the terminal's), vertical if asked. */
export function withTableWidth<T>(width: number, render: () => T, vertical = false): T {
  const previous = layout;
  layout = { width: width > 0 ? width : Infinity, vertical };
  try {
    return render();
  } finally {
    layout = previous;
  }
}

/** The narrowest a column may become before the table is shown vertically instead. */
const MIN_COLUMN = 4;
/** Lines a listing cell may take before it is cut; query result cells get fewer. */
const MAX_LISTING_CELL_LINES = 12;
const MAX_RESULT_CELL_LINES = 4;

/**
 * Narrows the widest columns until the table fits in `limit`: first not below the soft
 * minimums (short columns such as ids keep their width), then down to MIN_COLUMN.
 * Returns null when even that does not fit.
 */
function fitWidths(widths: number[], softMinimums: number[], limit: number, border: number): number[] | null {
  const out = widths.slice();
  const total = () => out.reduce((a, w) => a + w, 0) + border;
  for (const minimums of [softMinimums, widths.map((w) => Math.min(w, MIN_COLUMN))]) {
    while (total() > limit) {
      let widest = -1;
      for (let i = 0; i < out.length; i++) {
        if (out[i]! > minimums[i]! && (widest < 0 || out[i]! > out[widest]!)) widest = i;
      }
      if (widest < 0) break;
      out[widest]!--;
    }
  }
  return total() <= limit ? out : null;
}

/** One row as a block of `name | value` lines under a `-[ RECORD n ]---` rule. */
export function verticalRecord(header: string[], values: Cell[], n: number, width = layout.width, maxLines = MAX_LISTING_CELL_LINES): string[] {
  const nameWidth = Math.max(...header.map(displayWidth));
  const limit = Number.isFinite(width) ? width : 120;
  const valueWidth = Math.max(MIN_COLUMN, limit - nameWidth - 3);
  const title = `-[ RECORD ${n} ]`;
  const lines = [title + '-'.repeat(Math.max(0, Math.min(limit, nameWidth + 3 + 20) - title.length))];
  header.forEach((h, i) => {
    wrap(cellText(values[i]), valueWidth, maxLines).forEach((piece, j) => lines.push(`${pad(j === 0 ? h : '', nameWidth)} | ${piece}`.trimEnd()));
  });
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
  const soft = natural.map((w, i) => Math.min(w, Math.max(displayWidth(header[i]!), 20)));
  const widths = layout.vertical ? null : fitWidths(natural, soft, layout.width, 3 * natural.length - 1);
  if (widths === null) return texts.flatMap((r, i) => verticalRecord(header, r, i + 1));
  const line = (cells: string[]) => rowLines(cells, widths, ' ', ' | ', ' ', MAX_LISTING_CELL_LINES);
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 3 * widths.length - 1);
  return [...line(header), rule, ...texts.flatMap(line), rule];
}

/**
 * Column widths for a live query table: share the terminal width (headers wrap when they must),
 * or null when even the narrowest columns cannot fit and rows should be shown vertically.
 */
export function queryColumnWidths(header: string[], terminalWidth: number): number[] | null {
  const n = Math.max(1, header.length);
  const share = Math.floor((terminalWidth - (n + 1)) / n);
  const wanted = header.map((h) => Math.max(displayWidth(h), Math.min(Math.max(share, MIN_COLUMN), 40)));
  return fitWidths(wanted, wanted.map(() => MIN_COLUMN), terminalWidth, n + 1);
}

/** The border line of a boxed table: `+-----+----+`. */
export function boxRule(widths: number[]): string {
  return '+' + widths.map((w) => '-'.repeat(w)).join('+') + '+';
}

/** Header of a boxed table: rule, names, rule. */
export function boxHeader(header: string[], widths: number[]): string[] {
  return [boxRule(widths), ...rowLines(header, widths, '|', '|', '|'), boxRule(widths)];
}

/** One row of a boxed table, wrapped to the column widths; very long values are cut. */
export function boxRow(values: Cell[], widths: number[]): string[] {
  return rowLines(widths.map((_, i) => cellText(values[i])), widths, '|', '|', '|', MAX_RESULT_CELL_LINES);
}

/** A complete boxed table (header, rows, closing rule). */
export function renderBoxedTable(header: string[], rows: Cell[][], terminalWidth = 120): string[] {
  const widths = queryColumnWidths(header, terminalWidth);
  if (widths === null) return rows.flatMap((r, i) => verticalRecord(header, r, i + 1, terminalWidth, MAX_RESULT_CELL_LINES));
  return [...boxHeader(header, widths), ...rows.flatMap((r) => boxRow(r, widths)), ...(rows.length ? [boxRule(widths)] : [])];
}

/** Breaks text into lines of at most `width` characters, at spaces where it can. */
export function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (displayWidth(rest) > width) {
    const chars = [...rest];
    const space = chars.slice(0, width + 1).join('').lastIndexOf(' ');
    const cut = space > width / 3 ? space : width;
    out.push(chars.slice(0, cut).join('').trimEnd());
    rest = chars.slice(cut).join('').replace(/^ /, '');
  }
  out.push(rest);
  return out;
}

/**
 * Fits free text (descriptions, plans) to `width`: longer lines break at spaces and go on
 * under their own indentation, or under the value of a `Name : value` line.
 */
export function fitLines(lines: string[], width = layout.width): string[] {
  if (!Number.isFinite(width)) return lines;
  return lines.flatMap((line) => {
    if (displayWidth(line) <= width) return [line];
    const kv = /^(\S[^:]*? : )/.exec(line);
    const indent = kv ? kv[1]!.length : /^\s*/.exec(line)![0].length;
    const usable = indent < width / 2 ? indent : 0;
    const first = wrapWords(line, width)[0]!;
    const remainder = [...line].slice([...first].length).join('').replace(/^ /, '');
    return [first, ...wrapWords(remainder, width - usable).map((r) => ' '.repeat(usable) + r)];
  });
}
