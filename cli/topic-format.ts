// The output format of `eddy topic consume --format`, in kcat's notation:
//   %k key   %v (or %s) value   %t topic   %p partition   %o offset   %T timestamp (ms)
//   %h headers as k=v,k2=v2   %K key length   %S value length   %% a percent sign
//   \n newline   \t tab   \\ backslash
// A null key or value prints as nothing (its length as -1).

import { EddyError } from '../src/common/errors.js';

export interface FormattableRecord {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

type Part = Buffer | ((r: FormattableRecord) => Buffer);

const text = (s: string): Buffer => Buffer.from(s, 'utf8');
const EMPTY = Buffer.alloc(0);

const FIELDS: Record<string, (r: FormattableRecord) => Buffer> = {
  k: (r) => r.key ?? EMPTY,
  v: (r) => r.value ?? EMPTY,
  s: (r) => r.value ?? EMPTY,
  t: (r) => text(r.topic),
  p: (r) => text(String(r.partition)),
  o: (r) => text(r.offset),
  T: (r) => text(r.timestamp),
  h: (r) => text(r.headers.map((h) => `${h.key}=${h.value === null ? '' : h.value.toString('utf8')}`).join(',')),
  K: (r) => text(String(r.key === null ? -1 : r.key.length)),
  S: (r) => text(String(r.value === null ? -1 : r.value.length)),
};

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };

export class FormatError extends EddyError {
  override readonly kind = 'client';
}

/** Compiles a format string; every record's output ends with a newline (added when the format has none at its end). */
export function compileFormat(format: string): (r: FormattableRecord) => Buffer {
  const parts: Part[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(text(literal));
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    const next = format[i + 1];
    if (c === '%') {
      if (next === '%') {
        literal += '%';
      } else if (next !== undefined && FIELDS[next]) {
        flush();
        parts.push(FIELDS[next]);
      } else {
        throw new FormatError(
          `Unknown format token '%${next ?? ''}' at position ${i + 1} of --format '${format}'. Use %k key, %v value, %t topic, %p partition, %o offset, %T timestamp, %h headers, %K/%S key/value length, %% percent.`,
        );
      }
      i++;
    } else if (c === '\\' && next !== undefined && ESCAPES[next] !== undefined) {
      literal += ESCAPES[next];
      i++;
    } else {
      literal += c;
    }
  }
  if (!literal.endsWith('\n')) literal += '\n';
  flush();
  return (r) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : p(r))));
}
