// Java regular expressions on top of JS RegExp: translates the common Java-only syntax
// (leading inline flags, POSIX \p{...} classes, \A \Z \z anchors, possessive quantifiers)
// and caches compiled patterns, so per-row calls with a constant pattern compile once.

const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
  javaLowerCase: 'a-z',
  javaUpperCase: 'A-Z',
  L: 'a-zA-Z\\u00C0-\\u024F',
  IsAlphabetic: 'a-zA-Z',
  IsDigit: '0-9',
};

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let src = pattern;
  const lead = /^\(\?([imsx]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]!) if (f !== 'x' && !flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) {
      const n = src[i + 1]!;
      if ((n === 'p' || n === 'P') && src[i + 2] === '{') {
        const end = src.indexOf('}', i + 3);
        const name = src.slice(i + 3, end).replace(/^Is/, (m) => (POSIX[src.slice(i + 3, end)] ? m : ''));
        const cls = POSIX[src.slice(i + 3, end)] ?? POSIX[name];
        if (end > 0 && cls) {
          const neg = n === 'P';
          out += inClass ? (neg ? '' : cls) : neg ? `[^${cls}]` : `[${cls}]`;
          i = end;
          continue;
        }
      }
      if (n === 'A' && !inClass) {
        out += '^';
        i++;
        continue;
      }
      if ((n === 'Z' || n === 'z') && !inClass) {
        out += '$';
        i++;
        continue;
      }
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    else if (!inClass && c === '+' && i > 0 && /[*+?}]/.test(src[i - 1]!) && src[i - 2] !== '\\') {
      // possessive quantifier: approximate as greedy
      continue;
    }
    out += c;
  }
  return { source: out, flags };
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 1000;

/** A global (`g`) RegExp for a Java pattern; callers must reset lastIndex before use. */
export function javaRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    const { source, flags } = translate(pattern);
    re = new RegExp(source, `g${flags}`);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

/** Translates a Java replacement string (`$1`, `${name}`, `\$`) to a JS one. */
const replacementCache = new Map<string, string>();
export function javaReplacement(repl: string): string {
  let js = replacementCache.get(repl);
  if (js !== undefined) return js;
  js = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === '\\' && i + 1 < repl.length) {
      const n = repl[++i]!;
      js += n === '$' ? '$$' : n;
    } else if (c === '$') {
      if (repl[i + 1] === '{') {
        const end = repl.indexOf('}', i);
        if (end < 0) throw new Error(`named capturing group is missing trailing '}'`);
        js += `$<${repl.slice(i + 2, end)}>`;
        i = end;
      } else if (/\d/.test(repl[i + 1] ?? '')) {
        js += '$';
      } else {
        throw new Error(`Illegal group reference in replacement: ${repl}`);
      }
    } else {
      js += c;
    }
  }
  if (replacementCache.size >= CACHE_LIMIT) replacementCache.clear();
  replacementCache.set(repl, js);
  return js;
}

/** Java String.split(regex, -1) without Java's special single-char fast path differences. */
export function javaSplit(input: string, re: RegExp): string[] {
  const out: string[] = [];
  re.lastIndex = 0;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(input)) !== null) {
    const idx = m.index;
    const len = m[0].length;
    if (len === 0) {
      if (idx >= input.length) break;
      if (idx === 0) {
        re.lastIndex = 1;
        continue;
      }
      out.push(input.slice(start, idx));
      start = idx;
      re.lastIndex = idx + 1;
      continue;
    }
    // Java: a leading empty piece is dropped only for zero-width matches at 0
    out.push(input.slice(start, idx));
    start = idx + len;
  }
  out.push(input.slice(start));
  return out;
}
