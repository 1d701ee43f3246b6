// Parses the schema texts of `post.sources[].schema` (e.g. "K STRING KEY, `v` ARRAY<INT>")
// into ksqlDB's canonical form, so they compare structurally with a source's schema.

import { formatType, type SqlType } from '../../src/common/types.js';

const TYPE_ALIASES: Record<string, string> = { INT: 'INTEGER', VARCHAR: 'STRING' };

class Tokens {
  private readonly toks: string[] = [];
  private i = 0;
  constructor(text: string) {
    const re = /\s*(`(?:[^`]|``)*`|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_$@]*|-?\d+|[<>(),])/y;
    let m: RegExpExecArray | null;
    let end = 0;
    while ((m = re.exec(text))) {
      this.toks.push(m[1]!);
      end = re.lastIndex;
    }
    if (text.slice(end).trim() !== '') throw new Error(`cannot read schema text near '${text.slice(end)}'`);
  }
  peek(): string | undefined {
    return this.toks[this.i];
  }
  next(): string {
    const t = this.toks[this.i++];
    if (t === undefined) throw new Error('schema text ends early');
    return t;
  }
  expect(t: string): void {
    const got = this.next();
    if (got.toUpperCase() !== t) throw new Error(`expected ${t}, got ${got}`);
  }
  done(): boolean {
    return this.i >= this.toks.length;
  }
}

function identifier(t: string): string {
  return t.startsWith('`') ? t.slice(1, -1).replace(/``/g, '`') : t.toUpperCase();
}

function parseType(ts: Tokens): SqlType {
  const word = ts.next().toUpperCase();
  const base = TYPE_ALIASES[word] ?? word;
  if (base === 'DECIMAL') {
    ts.expect('(');
    const p = Number(ts.next());
    let s = 0;
    if (ts.peek() === ',') {
      ts.next();
      s = Number(ts.next());
    }
    ts.expect(')');
    return { base: 'DECIMAL', precision: p, scale: s };
  }
  if (base === 'STRING' && ts.peek() === '(') {
    ts.next();
    while (ts.next() !== ')');
    return { base: 'STRING' };
  }
  if (base === 'ARRAY') {
    ts.expect('<');
    const item = parseType(ts);
    ts.expect('>');
    return { base: 'ARRAY', item };
  }
  if (base === 'MAP') {
    ts.expect('<');
    const key = parseType(ts);
    ts.expect(',');
    const value = parseType(ts);
    ts.expect('>');
    return { base: 'MAP', key, value };
  }
  if (base === 'STRUCT') {
    ts.expect('<');
    const fields: { name: string; type: SqlType }[] = [];
    if (ts.peek() !== '>') {
      for (;;) {
        const name = identifier(ts.next());
        fields.push({ name, type: parseType(ts) });
        if (ts.peek() === ',') ts.next();
        else break;
      }
    }
    ts.expect('>');
    return { base: 'STRUCT', fields };
  }
  return { base } as SqlType;
}

/** Canonical text: `` `K` STRING KEY, `V` INTEGER `` */
export function canonicalSchema(text: string): string {
  const ts = new Tokens(text);
  const cols: string[] = [];
  while (!ts.done()) {
    const name = identifier(ts.next());
    const type = parseType(ts);
    let suffix = '';
    const p = ts.peek()?.toUpperCase();
    if (p === 'KEY') {
      ts.next();
      suffix = ' KEY';
    } else if (p === 'PRIMARY') {
      ts.next();
      ts.expect('KEY');
      suffix = ' KEY';
    } else if (p === 'HEADERS') {
      ts.next();
      suffix = ' HEADERS';
    } else if (p === 'HEADER') {
      ts.next();
      ts.expect('(');
      suffix = ` HEADER(${ts.next()})`;
      ts.expect(')');
    }
    cols.push(`\`${name}\` ${formatType(type)}${suffix}`);
    if (ts.peek() === ',') ts.next();
    else if (!ts.done()) throw new Error(`unexpected '${ts.peek()}' in schema text`);
  }
  return cols.join(', ');
}
