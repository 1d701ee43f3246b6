// String, bytes and regular-expression scalar functions (Java String semantics: UTF-16 units).

import { createHash, randomUUID } from 'node:crypto';
import type { FunctionLibrary } from '../library.js';
import { javaRegex, javaReplacement, javaSplit } from '../java-regex.js';

type S = string | null;
type B = Buffer | null;
type I = number | null;

// ---- encodings ---------------------------------------------------------------------------

const ENCODINGS = ['hex', 'utf8', 'ascii', 'base64'];

function normEncoding(enc: string): string {
  const e = enc.toLowerCase();
  if (e === 'utf-8') return 'utf8';
  if (!ENCODINGS.includes(e)) {
    throw new Error(`Supported input and output encodings are: hex, utf8, ascii and base64`);
  }
  return e;
}

export function stringToBytes(s: string, encoding: string): Buffer {
  const enc = normEncoding(encoding);
  if (enc === 'hex') return hexToBytes(s);
  if (enc === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new Error(`Invalid base64 string: ${s}`);
    return Buffer.from(s, 'base64');
  }
  if (enc === 'ascii') {
    const b = Buffer.alloc(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      b[i] = c < 128 ? c : 63; // '?' like Java's US_ASCII encoder
    }
    return b;
  }
  return Buffer.from(s, 'utf8');
}

/** Hex text, optionally as `0x…` (odd length gets a leading zero) or `X'…'`. */
function hexToBytes(s: string): Buffer {
  let h = s;
  if (/^0x/i.test(h)) {
    h = h.slice(2);
    if (h.length % 2 === 1) h = '0' + h;
  } else if (/^[xX]'.*'$/.test(h)) {
    h = h.slice(2, -1);
  }
  if (h.length % 2 === 1 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error(`Invalid hex string: ${s}`);
  return Buffer.from(h, 'hex');
}

/** `upperHex`: FROM_BYTES renders hex in upper case, ENCODE in lower case. */
export function bytesToString(b: Buffer, encoding: string, upperHex = false): string {
  const enc = normEncoding(encoding);
  if (enc === 'hex') return upperHex ? b.toString('hex').toUpperCase() : b.toString('hex');
  if (enc === 'base64') return b.toString('base64');
  if (enc === 'ascii') {
    let s = '';
    for (let i = 0; i < b.length; i++) s += b[i]! < 128 ? String.fromCharCode(b[i]!) : '\uFFFD';
    return s;
  }
  return b.toString('utf8');
}

// ---- substring / padding ------------------------------------------------------------------

function startIndex(length: number, pos: number): number {
  return pos >= 0 ? Math.max(0, Math.min(pos - 1, length)) : Math.max(0, length + pos);
}

function substring(str: S, pos: I, len?: I): S {
  if (str === null || pos === null || len === null) return null;
  const start = startIndex(str.length, pos);
  if (len === undefined) return str.substring(start);
  const end = Math.max(start, Math.min(start + len, str.length));
  return str.substring(start, end);
}

function subbytes(b: B, pos: I, len?: I): B {
  if (b === null || pos === null || len === null) return null;
  const start = startIndex(b.length, pos);
  if (len === undefined) return Buffer.from(b.subarray(start));
  const end = Math.max(start, Math.min(start + len, b.length));
  return Buffer.from(b.subarray(start, end));
}

function lpad(input: S, len: I, pad: S): S {
  if (input === null || len === null || pad === null || pad === '' || len < 0) return null;
  if (len <= input.length) return input.substring(0, len);
  const need = len - input.length;
  return pad.repeat(Math.ceil(need / pad.length)).substring(0, need) + input;
}

function rpad(input: S, len: I, pad: S): S {
  if (input === null || len === null || pad === null || pad === '' || len < 0) return null;
  if (len <= input.length) return input.substring(0, len);
  const need = len - input.length;
  return input + pad.repeat(Math.ceil(need / pad.length)).substring(0, need);
}

function padBytes(input: B, len: I, pad: B, left: boolean): B {
  if (input === null || len === null || pad === null || pad.length === 0 || len < 0) return null;
  if (len <= input.length) return Buffer.from(input.subarray(0, len));
  const need = len - input.length;
  const fill = Buffer.alloc(need);
  for (let i = 0; i < need; i++) fill[i] = pad[i % pad.length]!;
  return left ? Buffer.concat([fill, input]) : Buffer.concat([input, fill]);
}

// ---- masking ----------------------------------------------------------------------------

interface MaskChars {
  upper: number | null;
  lower: number | null;
  digit: number | null;
  other: number | null;
}

function maskChars(args: unknown[], from: number): MaskChars {
  const pick = (i: number, dflt: string): number | null => {
    if (args.length <= i) return dflt.charCodeAt(0);
    const v = args[i] as S;
    return v === null || v === '' ? null : v.charCodeAt(0);
  };
  return { upper: pick(from, 'X'), lower: pick(from + 1, 'x'), digit: pick(from + 2, 'n'), other: pick(from + 3, '-') };
}

function maskRange(s: string, from: number, to: number, m: MaskChars): string {
  let out = s.substring(0, from);
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    let r: number | null;
    if (c >= 65 && c <= 90) r = m.upper;
    else if (c >= 97 && c <= 122) r = m.lower;
    else if (c >= 48 && c <= 57) r = m.digit;
    else r = m.other;
    out += String.fromCharCode(r ?? c);
  }
  return out + s.substring(to);
}

function checkCount(n: number, name: string): void {
  if (n < 0) throw new Error(`function ${name} requires a non-negative number of characters to mask or keep`);
}

function maskSigs(prefix: string): string[] {
  const extras = ['upper STRING', 'lower STRING', 'digit STRING', 'other STRING'];
  const sigs: string[] = [];
  for (let n = 0; n <= extras.length; n++) sigs.push(`(${[prefix, ...extras.slice(0, n)].join(', ')}) STRING`);
  return sigs;
}

// ---- misc ---------------------------------------------------------------------------------

function chrFromInt(code: I): S {
  if (code === null || code < 0 || code > 0x10ffff) return null;
  return String.fromCodePoint(code);
}

function chrFromString(code: S): S {
  if (code === null || !/^(\\u[0-9a-fA-F]{4})+$/.test(code)) return null;
  const units: number[] = [];
  for (let i = 0; i < code.length; i += 6) units.push(parseInt(code.slice(i + 2, i + 6), 16));
  const s = String.fromCharCode(...units);
  return [...s].length === 1 ? s : null;
}

function initcap(s: S): S {
  if (s === null) return null;
  const words = s.split(/\s/);
  while (words.length > 1 && words[words.length - 1] === '') words.pop();
  return words
    .map((w) => (w.length === 0 ? w : w[0]!.toUpperCase() + w.substring(1).toLowerCase()))
    .join(' ');
}

function instr(str: S, sub: S, position?: I, occurrence?: I): I {
  if (str === null || sub === null || position === null || occurrence === null) return null;
  const pos = position ?? 1;
  const occ = occurrence ?? 1;
  if (occ <= 0) return 0;
  if (pos === 0) return 0;
  let found = -1;
  if (pos > 0) {
    let from = pos - 1;
    for (let k = 0; k < occ; k++) {
      found = str.indexOf(sub, from);
      if (found < 0) return 0;
      from = found + 1;
    }
  } else {
    let from = str.length + pos;
    for (let k = 0; k < occ; k++) {
      if (from < 0) return 0;
      found = str.lastIndexOf(sub, from);
      if (found < 0) return 0;
      from = found - 1;
    }
  }
  return found + 1;
}

function javaTrim(s: S): S {
  if (s === null) return null;
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return s.substring(a, b);
}

function split(s: S, delim: S): string[] | null {
  if (s === null || delim === null) return null;
  if (delim === '') return s === '' ? [''] : s.split('');
  return s.split(delim);
}

function splitBytes(b: B, delim: B): Buffer[] | null {
  if (b === null || delim === null) return null;
  if (delim.length === 0) {
    if (b.length === 0) return [Buffer.alloc(0)];
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i++) out.push(Buffer.from([b[i]!]));
    return out;
  }
  const out: Buffer[] = [];
  let start = 0;
  let idx: number;
  while ((idx = b.indexOf(delim, start)) >= 0) {
    out.push(Buffer.from(b.subarray(start, idx)));
    start = idx + delim.length;
  }
  out.push(Buffer.from(b.subarray(start)));
  return out;
}

function splitToMap(input: S, entryDelim: S, kvDelim: S): Map<string, string> | null {
  if (input === null || entryDelim === null || kvDelim === null || entryDelim === '' || kvDelim === '' || entryDelim === kvDelim) {
    return null;
  }
  const out = new Map<string, string>();
  for (const entry of input.split(entryDelim)) {
    if (entry === '') continue;
    const i = entry.indexOf(kvDelim);
    if (i < 0) continue;
    out.set(entry.substring(0, i), entry.substring(i + kvDelim.length));
  }
  return out;
}

function uuidFromBytes(b: B): S {
  if (b === null || b.length !== 16) return null;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function regexpExtract(pattern: S, input: S, group?: I): S {
  if (pattern === null || input === null || group === null) return null;
  const re = javaRegex(pattern);
  re.lastIndex = 0;
  const m = re.exec(input);
  if (!m) return null;
  const g = group ?? 0;
  if (g >= m.length || g < 0) return null;
  return m[g] ?? null;
}

function regexpExtractAll(pattern: S, input: S, group?: I): (string | null)[] | null {
  if (pattern === null || input === null || group === null) return null;
  const re = javaRegex(pattern);
  re.lastIndex = 0;
  const g = group ?? 0;
  const out: (string | null)[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(input)) !== null) {
    if (g >= m.length || g < 0) throw new Error(`No group ${g}`);
    out.push(m[g] ?? null);
    if (m[0].length === 0) re.lastIndex++;
  }
  return out;
}

function regexpReplace(input: S, pattern: S, replacement: S): S {
  if (input === null || pattern === null || replacement === null) return null;
  const re = javaRegex(pattern);
  re.lastIndex = 0;
  return input.replace(re, javaReplacement(replacement));
}

function regexpSplit(input: S, pattern: S): string[] | null {
  if (input === null || pattern === null) return null;
  return javaSplit(input, javaRegex(pattern));
}

export function registerStrings(lib: FunctionLibrary): void {
  lib.scalar({
    name: 'CHR',
    category: 'STRING',
    description: 'Returns a single-character string representing the Unicode code-point described by the input.',
    overloads: [
      { sig: '(decimalCode INT) STRING', impl: chrFromInt },
      { sig: '(utf16Code STRING) STRING', impl: chrFromString },
    ],
  });

  lib.scalar({
    name: 'CONCAT',
    category: 'STRING',
    description: 'Concatenates two or more string or bytes expressions; null inputs are skipped.',
    overloads: [
      {
        sig: '(inputs STRING...) STRING',
        impl: (...xs: S[]) => {
          let out = '';
          for (let i = 0; i < xs.length; i++) if (xs[i] !== null) out += xs[i];
          return out;
        },
      },
      {
        sig: '(inputs BYTES...) BYTES',
        impl: (...xs: B[]) => Buffer.concat(xs.filter((x): x is Buffer => x !== null)),
      },
    ],
  });

  lib.scalar({
    name: 'CONCAT_WS',
    category: 'STRING',
    description: 'Concatenates expressions with a separator between them; null inputs are skipped, a null separator gives null.',
    overloads: [
      {
        sig: '(separator STRING, inputs STRING...) STRING',
        impl: (sep: S, ...xs: S[]) => (sep === null ? null : xs.filter((x) => x !== null).join(sep)),
      },
      {
        sig: '(separator BYTES, inputs BYTES...) BYTES',
        impl: (sep: B, ...xs: B[]) => {
          if (sep === null) return null;
          const parts: Buffer[] = [];
          for (const x of xs) {
            if (x === null) continue;
            if (parts.length > 0) parts.push(sep);
            parts.push(x);
          }
          return Buffer.concat(parts);
        },
      },
    ],
  });

  lib.scalar({
    name: 'ENCODE',
    category: 'STRING',
    description: 'Converts a string from one encoding to another (hex, utf8, ascii, base64).',
    overloads: [
      {
        sig: '(str STRING, inputEncoding STRING, outputEncoding STRING) STRING',
        impl: (s: S, inEnc: S, outEnc: S) =>
          s === null || inEnc === null || outEnc === null ? null : bytesToString(stringToBytes(s, inEnc), outEnc),
      },
    ],
  });
  lib.scalar({
    name: 'TO_BYTES',
    category: 'CONVERSIONS',
    description: 'Converts a string to BYTES using the given encoding (hex, utf8, ascii, base64).',
    overloads: [
      { sig: '(str STRING, encoding STRING) BYTES', impl: (s: S, enc: S) => (s === null || enc === null ? null : stringToBytes(s, enc)) },
    ],
  });
  lib.scalar({
    name: 'FROM_BYTES',
    category: 'CONVERSIONS',
    description: 'Converts BYTES to a string using the given encoding (hex, utf8, ascii, base64).',
    overloads: [
      { sig: '(bytes BYTES, encoding STRING) STRING', impl: (b: B, enc: S) => (b === null || enc === null ? null : bytesToString(b, enc, true)) },
    ],
  });

  lib.scalar({
    name: 'INITCAP',
    category: 'STRING',
    description: 'Capitalizes the first letter of each word and lower-cases the rest.',
    overloads: [{ sig: '(str STRING) STRING', impl: initcap }],
  });
  lib.scalar({
    name: 'LCASE',
    category: 'STRING',
    description: 'Converts a string to lower case.',
    overloads: [{ sig: '(str STRING) STRING', impl: (s: S) => (s === null ? null : s.toLowerCase()) }],
  });
  lib.scalar({
    name: 'UCASE',
    category: 'STRING',
    description: 'Converts a string to upper case.',
    overloads: [{ sig: '(str STRING) STRING', impl: (s: S) => (s === null ? null : s.toUpperCase()) }],
  });

  lib.scalar({
    name: 'INSTR',
    category: 'STRING',
    description:
      'Returns the 1-based position of the nth occurrence of a substring, searching from a position (backwards when negative); 0 when not found.',
    overloads: [
      { sig: '(str STRING, substring STRING) INT', impl: instr },
      { sig: '(str STRING, substring STRING, position INT) INT', impl: instr },
      { sig: '(str STRING, substring STRING, position INT, occurrence INT) INT', impl: instr },
    ],
  });

  lib.scalar({
    name: 'LEN',
    category: 'STRING',
    description: 'Returns the length of a string (in UTF-16 code units) or of BYTES.',
    overloads: [
      { sig: '(input STRING) INT', impl: (s: S) => (s === null ? null : s.length) },
      { sig: '(input BYTES) INT', impl: (b: B) => (b === null ? null : b.length) },
    ],
  });

  lib.scalar({
    name: 'LPAD',
    category: 'STRING',
    description: 'Pads the input on the left with the padding to the given length, truncating longer input.',
    overloads: [
      { sig: '(input STRING, length INT, padding STRING) STRING', impl: lpad },
      { sig: '(input BYTES, length INT, padding BYTES) BYTES', impl: (i: B, l: I, p: B) => padBytes(i, l, p, true) },
    ],
  });
  lib.scalar({
    name: 'RPAD',
    category: 'STRING',
    description: 'Pads the input on the right with the padding to the given length, truncating longer input.',
    overloads: [
      { sig: '(input STRING, length INT, padding STRING) STRING', impl: rpad },
      { sig: '(input BYTES, length INT, padding BYTES) BYTES', impl: (i: B, l: I, p: B) => padBytes(i, l, p, false) },
    ],
  });

  lib.scalar({
    name: 'MASK',
    category: 'STRING',
    description: 'Masks every character: upper case with X, lower case with x, digits with n and others with - (overridable; null keeps the original).',
    overloads: maskSigs('input STRING').map((sig) => ({
      sig,
      impl: (...args: unknown[]) => {
        const s = args[0] as S;
        return s === null ? null : maskRange(s, 0, s.length, maskChars(args, 1));
      },
    })),
  });
  const partial = (name: string, description: string, range: (len: number, n: number) => [number, number], keep: boolean) =>
    lib.scalar({
      name,
      category: 'STRING',
      description,
      overloads: maskSigs('input STRING, numChars INT').map((sig) => ({
        sig,
        impl: (...args: unknown[]) => {
          const s = args[0] as S;
          const n = args[1] as I;
          if (s === null) return null;
          if (n === null) return null;
          checkCount(n, name.toLowerCase());
          const m = maskChars(args, 2);
          const [a, b] = range(s.length, Math.min(n, s.length));
          if (!keep) return maskRange(s, a, b, m);
          // keep [a, b): mask around it
          return maskRange(maskRange(s, 0, a, m), b, s.length, m);
        },
      })),
    });
  partial('MASK_LEFT', 'Masks the first numChars characters.', (_l, n) => [0, n], false);
  partial('MASK_RIGHT', 'Masks the last numChars characters.', (l, n) => [l - n, l], false);
  partial('MASK_KEEP_LEFT', 'Masks all but the first numChars characters.', (_l, n) => [0, n], true);
  partial('MASK_KEEP_RIGHT', 'Masks all but the last numChars characters.', (l, n) => [l - n, l], true);

  lib.scalar({
    name: 'MD5',
    category: 'STRING',
    description: 'Returns the hex-encoded MD5 hash of the UTF-8 bytes of the input.',
    overloads: [{ sig: '(input STRING) STRING', impl: (s: S) => (s === null ? null : createHash('md5').update(s, 'utf8').digest('hex')) }],
  });

  lib.scalar({
    name: 'REPLACE',
    category: 'STRING',
    description: 'Replaces every occurrence of a substring with another.',
    overloads: [
      {
        sig: '(str STRING, substring STRING, replacement STRING) STRING',
        impl: (s: S, a: S, b: S) => (s === null || a === null || b === null ? null : s.split(a).join(b)),
      },
    ],
  });

  lib.scalar({
    name: 'REGEXP_EXTRACT',
    category: 'REGULAR EXPRESSION',
    description: 'Returns the first substring matching the Java regular expression, or the given capturing group of it.',
    overloads: [
      { sig: '(pattern STRING, input STRING) STRING', impl: regexpExtract },
      { sig: '(pattern STRING, input STRING, group INT) STRING', impl: regexpExtract },
    ],
  });
  lib.scalar({
    name: 'REGEXP_EXTRACT_ALL',
    category: 'REGULAR EXPRESSION',
    description: 'Returns all substrings matching the Java regular expression, or the given capturing group of each match.',
    overloads: [
      { sig: '(pattern STRING, input STRING) ARRAY<STRING>', impl: regexpExtractAll },
      { sig: '(pattern STRING, input STRING, group INT) ARRAY<STRING>', impl: regexpExtractAll },
    ],
  });
  lib.scalar({
    name: 'REGEXP_REPLACE',
    category: 'REGULAR EXPRESSION',
    description: 'Replaces every match of the Java regular expression with the replacement ($n refers to groups).',
    overloads: [{ sig: '(input STRING, pattern STRING, replacement STRING) STRING', impl: regexpReplace }],
  });
  lib.scalar({
    name: 'REGEXP_SPLIT_TO_ARRAY',
    category: 'REGULAR EXPRESSION',
    description: 'Splits a string around matches of the Java regular expression.',
    overloads: [{ sig: '(input STRING, pattern STRING) ARRAY<STRING>', impl: regexpSplit }],
  });

  lib.scalar({
    name: 'SPLIT',
    category: 'STRING',
    description: 'Splits a string or BYTES by a delimiter; an empty delimiter splits into single characters or bytes.',
    overloads: [
      { sig: '(input STRING, delimiter STRING) ARRAY<STRING>', impl: split },
      { sig: '(input BYTES, delimiter BYTES) ARRAY<BYTES>', impl: splitBytes },
    ],
  });
  lib.scalar({
    name: 'SPLIT_TO_MAP',
    category: 'STRING',
    description: 'Splits a string into key-value pairs using an entry delimiter and a key-value delimiter.',
    overloads: [{ sig: '(input STRING, entryDelimiter STRING, kvDelimiter STRING) MAP<STRING, STRING>', impl: splitToMap }],
  });

  lib.scalar({
    name: 'SUBSTRING',
    category: 'STRING',
    description:
      'Returns the part of a string or BYTES from a 1-based position (negative counts from the end), optionally limited to a length.',
    overloads: [
      { sig: '(str STRING, pos INT) STRING', impl: substring },
      { sig: '(str STRING, pos INT, length INT) STRING', impl: substring },
      { sig: '(bytes BYTES, pos INT) BYTES', impl: subbytes },
      { sig: '(bytes BYTES, pos INT, length INT) BYTES', impl: subbytes },
    ],
  });

  lib.scalar({
    name: 'TRIM',
    category: 'STRING',
    description: 'Removes leading and trailing whitespace and control characters.',
    overloads: [{ sig: '(input STRING) STRING', impl: javaTrim }],
  });

  lib.scalar({
    name: 'UUID',
    category: 'STRING',
    description: 'UUID() returns a random version 4 UUID; UUID(bytes) formats 16 bytes as a UUID.',
    overloads: [
      { sig: '() STRING', impl: () => randomUUID(), deterministic: false },
      { sig: '(bytes BYTES) STRING', impl: uuidFromBytes },
    ],
  });

  lib.scalar({
    name: 'ELT',
    category: 'STRING',
    description: 'Returns the element at the 1-based position n among the remaining arguments, or null when out of range.',
    overloads: [
      {
        sig: '(n INT, args STRING...) STRING',
        impl: (n: I, ...args: S[]) => (n === null || n < 1 || n > args.length ? null : args[n - 1]!),
      },
    ],
  });
  lib.scalar({
    name: 'FIELD',
    category: 'STRING',
    description: 'Returns the 1-based position of the string among the remaining arguments, 0 when absent or null.',
    overloads: [
      {
        sig: '(str STRING, args STRING...) INT',
        impl: (s: S, ...args: S[]) => (s === null ? 0 : args.indexOf(s) + 1),
      },
    ],
  });
}
