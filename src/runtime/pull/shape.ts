// The shape of a statement's text: the text with every literal masked, and the literals in
// text order. Two requests of one shape differ only in their literals, so a pull query's
// plan made for one serves the other with the key literals rebound (./cache.ts). A text
// this scanner cannot read for sure (comments, variables) has no shape and is planned.

export interface ShapeLiteral {
  /** 's' string, 'i' integer, 'n' other number. */
  kind: 's' | 'i' | 'n';
  text: string;
  /** Offset in the trimmed statement text. */
  offset: number;
}

export interface Shape {
  masked: string;
  literals: ShapeLiteral[];
}

const IDENT_CHAR = /[A-Za-z0-9_@$]/;

export function statementShape(text: string): Shape | undefined {
  const literals: ShapeLiteral[] = [];
  let masked = '';
  let i = 0;
  const n = text.length;
  let from = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 39 /* ' */) {
      let j = i + 1;
      for (;;) {
        if (j >= n) return undefined;
        if (text.charCodeAt(j) === 39) {
          if (text.charCodeAt(j + 1) === 39) j += 2;
          else break;
        } else j++;
      }
      masked += text.slice(from, i) + '\u0001s';
      literals.push({ kind: 's', text: text.slice(i, j + 1), offset: i });
      i = j + 1;
      from = i;
    } else if (c === 96 /* ` */ || c === 34 /* " */) {
      const end = text.indexOf(text[i]!, i + 1);
      if (end < 0) return undefined;
      i = end + 1;
    } else if ((c === 45 && text.charCodeAt(i + 1) === 45) || (c === 47 && text.charCodeAt(i + 1) === 42) || (c === 36 && text.charCodeAt(i + 1) === 123)) {
      return undefined; // -- comment, /* comment */, ${variable}
    } else if ((c >= 48 && c <= 57) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      if (i > 0 && IDENT_CHAR.test(text[i - 1]!)) {
        i++;
        continue;
      }
      let j = i;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      let kind: 'i' | 'n' = 'i';
      if (text.charCodeAt(j) === 46) {
        kind = 'n';
        j++;
        while (j < n && isDigit(text.charCodeAt(j))) j++;
      }
      if (text[j] === 'e' || text[j] === 'E') return undefined;
      if (j < n && IDENT_CHAR.test(text[j]!)) return undefined;
      masked += text.slice(from, i) + (kind === 'i' ? '\u0001i' : '\u0001n');
      literals.push({ kind, text: text.slice(i, j), offset: i });
      i = j;
      from = i;
    } else i++;
  }
  return { masked: masked + text.slice(from), literals };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
