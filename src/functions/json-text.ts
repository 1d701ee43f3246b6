// A small JSON reader that keeps number literals as written (like Jackson with BigDecimal
// floats: `1.23450` stays `1.23450`) and a compact writer for the resulting tree.
// Like Jackson's readTree, it reads the first value and ignores trailing content.

export type JsonNode =
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'num'; text: string }
  | { k: 'str'; v: string }
  | { k: 'arr'; items: JsonNode[] }
  | { k: 'obj'; entries: Map<string, JsonNode> };

const NULL_NODE: JsonNode = { k: 'null' };

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw new SyntaxError(`Invalid JSON at ${this.pos}`);
  }

  ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  value(): JsonNode {
    this.ws();
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case '{': {
        this.pos++;
        const entries = new Map<string, JsonNode>();
        this.ws();
        if (t[this.pos] === '}') {
          this.pos++;
          return { k: 'obj', entries };
        }
        for (;;) {
          this.ws();
          if (t[this.pos] !== '"') this.fail();
          const key = this.string();
          this.ws();
          if (t[this.pos] !== ':') this.fail();
          this.pos++;
          entries.set(key, this.value());
          this.ws();
          if (t[this.pos] === ',') {
            this.pos++;
            continue;
          }
          if (t[this.pos] === '}') {
            this.pos++;
            return { k: 'obj', entries };
          }
          this.fail();
        }
      }
      case '[': {
        this.pos++;
        const items: JsonNode[] = [];
        this.ws();
        if (t[this.pos] === ']') {
          this.pos++;
          return { k: 'arr', items };
        }
        for (;;) {
          items.push(this.value());
          this.ws();
          if (t[this.pos] === ',') {
            this.pos++;
            continue;
          }
          if (t[this.pos] === ']') {
            this.pos++;
            return { k: 'arr', items };
          }
          this.fail();
        }
      }
      case '"':
        return { k: 'str', v: this.string() };
      case 't':
        return this.word('true', { k: 'bool', v: true });
      case 'f':
        return this.word('false', { k: 'bool', v: false });
      case 'n':
        return this.word('null', NULL_NODE);
      default: {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(this.pos, this.pos + 400));
        if (!m) this.fail();
        this.pos += m[0].length;
        return { k: 'num', text: m[0] };
      }
    }
  }

  word(w: string, node: JsonNode): JsonNode {
    if (!this.text.startsWith(w, this.pos)) this.fail();
    this.pos += w.length;
    return node;
  }

  string(): string {
    const t = this.text;
    let i = this.pos + 1;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= t.length) this.fail();
      const c = t.charCodeAt(i);
      if (c === 34) {
        out += t.slice(start, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 92) {
        out += t.slice(start, i);
        const e = t[i + 1];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = t.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.fail();
        }
        i += 2;
        start = i;
        continue;
      }
      if (c < 32) this.fail();
      i++;
    }
  }
}

/** Parses JSON text; returns undefined when it is not valid JSON (or empty). */
export function readJson(text: string): JsonNode | undefined {
  const r = new Reader(text);
  try {
    r.ws();
    if (r.pos >= text.length) return undefined;
    return r.value();
  } catch {
    return undefined;
  }
}

/** Compact JSON text of a node (Jackson's toString). */
export function writeJson(node: JsonNode): string {
  switch (node.k) {
    case 'null':
      return 'null';
    case 'bool':
      return node.v ? 'true' : 'false';
    case 'num':
      return node.text;
    case 'str':
      return JSON.stringify(node.v);
    case 'arr':
      return `[${node.items.map(writeJson).join(',')}]`;
    case 'obj': {
      const parts: string[] = [];
      for (const [k, v] of node.entries) parts.push(`${JSON.stringify(k)}:${writeJson(v)}`);
      return `{${parts.join(',')}}`;
    }
  }
}

/** Text of a node as Jackson's asText-like view used by ksqlDB: strings unquoted, others as JSON. */
export function nodeText(node: JsonNode): string {
  return node.k === 'str' ? node.v : writeJson(node);
}

type PathStep = string | number;

const pathCache = new Map<string, PathStep[]>();

/** Parses `$.a.b[0]['c']` into steps; throws on malformed paths. */
export function parseJsonPath(path: string): PathStep[] {
  let steps = pathCache.get(path);
  if (steps) return steps;
  steps = [];
  let i = 0;
  const p = path.trim();
  if (p[0] === '$') i = 1;
  while (i < p.length) {
    const c = p[i];
    if (c === '.') {
      let j = i + 1;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      const name = p.slice(i + 1, j);
      if (name === '') throw new Error(`Invalid JSON path: ${path}`);
      steps.push(name);
      i = j;
    } else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) throw new Error(`Invalid JSON path: ${path}`);
      const inner = p.slice(i + 1, end).trim();
      const q = /^(['"])(.*)\1$/.exec(inner);
      if (q) steps.push(q[2]!);
      else if (/^-?\d+$/.test(inner)) steps.push(Number(inner));
      else throw new Error(`Invalid JSON path: ${path}`);
      i = end + 1;
    } else {
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      steps.push(p.slice(i, j));
      i = j;
    }
  }
  if (pathCache.size > 1000) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}

export function walkJson(node: JsonNode, steps: PathStep[]): JsonNode | undefined {
  let cur: JsonNode | undefined = node;
  for (const s of steps) {
    if (cur === undefined) return undefined;
    if (typeof s === 'number') {
      if (cur.k !== 'arr' || s < 0 || s >= cur.items.length) return undefined;
      cur = cur.items[s];
    } else {
      if (cur.k !== 'obj') return undefined;
      cur = cur.entries.get(s);
    }
  }
  return cur;
}
