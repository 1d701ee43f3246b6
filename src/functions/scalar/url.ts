// URL functions with java.net.URI semantics (invalid URIs give null) and the BYTES
// conversion functions.

import type { FunctionLibrary } from '../library.js';
import { normalizeBigint } from '../../common/types.js';

type S = string | null;

interface UriParts {
  scheme: string | null;
  userInfo: string | null;
  host: string | null;
  port: number;
  rawPath: string;
  rawQuery: string | null;
  rawFragment: string | null;
}

const URI_RE = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;
const ILLEGAL = /[\s"<>\\^`{|}]|%(?![0-9A-Fa-f]{2})/;

const uriCache = new Map<string, UriParts | null>();

function parseUri(text: string): UriParts | null {
  const cached = uriCache.get(text);
  if (cached !== undefined) return cached;
  let parts: UriParts | null = null;
  const m = ILLEGAL.test(text) ? null : URI_RE.exec(text);
  if (m) {
    let userInfo: string | null = null;
    let host: string | null = null;
    let port = -1;
    let ok = true;
    if (m[2] !== undefined) {
      let auth = m[2];
      const at = auth.lastIndexOf('@');
      if (at >= 0) {
        userInfo = auth.slice(0, at);
        auth = auth.slice(at + 1);
      }
      const pm = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(auth);
      if (!pm) ok = false;
      else {
        host = pm[1] === '' ? null : pm[1]!;
        if (pm[2] !== undefined && pm[2] !== '') port = Number(pm[2]);
      }
    }
    if (ok) {
      parts = {
        scheme: m[1] ?? null,
        userInfo,
        host,
        port,
        rawPath: m[3] ?? '',
        rawQuery: m[4] ?? null,
        rawFragment: m[5] ?? null,
      };
    }
  }
  if (uriCache.size > 1000) uriCache.clear();
  uriCache.set(text, parts);
  return parts;
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** java.net.URLDecoder.decode(s, UTF-8). */
export function urlDecodeParam(s: S): S {
  if (s === null) return null;
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** java.net.URLEncoder.encode(s, UTF-8). */
export function urlEncodeParam(s: S): S {
  if (s === null) return null;
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 46 || b === 45 || b === 42 || b === 95) {
      out += String.fromCharCode(b);
    } else if (b === 32) out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function extractParameter(url: S, name: S): S {
  if (url === null || name === null) return null;
  const u = parseUri(url);
  if (!u || u.rawQuery === null) return null;
  for (const pair of u.rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const k = decodeComponent(eq < 0 ? pair : pair.slice(0, eq));
    if (k === name) return eq < 0 ? null : decodeComponent(pair.slice(eq + 1));
  }
  return null;
}

function readInt(b: Buffer, order: string | undefined, size: number): Buffer | null {
  if (b.length !== size) return null;
  if (order !== undefined && order !== 'BIG_ENDIAN' && order !== 'LITTLE_ENDIAN') {
    throw new Error(`Byte order must be BIG_ENDIAN or LITTLE_ENDIAN, not ${order}`);
  }
  return b;
}

export function registerUrlAndBytes(lib: FunctionLibrary): void {
  lib.scalar({
    name: 'URL_DECODE_PARAM',
    category: 'URL',
    description: 'Decodes an application/x-www-form-urlencoded string.',
    overloads: [{ sig: '(input STRING) STRING', impl: urlDecodeParam }],
  });
  lib.scalar({
    name: 'URL_ENCODE_PARAM',
    category: 'URL',
    description: 'Encodes a string in application/x-www-form-urlencoded format.',
    overloads: [{ sig: '(input STRING) STRING', impl: urlEncodeParam }],
  });
  const part = (name: string, description: string, f: (u: UriParts) => unknown, type = 'STRING') =>
    lib.scalar({
      name,
      category: 'URL',
      description,
      overloads: [
        {
          sig: `(input STRING) ${type}`,
          impl: (s: S) => {
            if (s === null) return null;
            const u = parseUri(s);
            return u === null ? null : f(u);
          },
        },
      ],
    });
  part('URL_EXTRACT_FRAGMENT', 'Extracts the decoded fragment of a URL.', (u) => (u.rawFragment === null ? null : decodeComponent(u.rawFragment)));
  part('URL_EXTRACT_HOST', 'Extracts the host of a URL.', (u) => u.host);
  part('URL_EXTRACT_PATH', 'Extracts the decoded path of a URL.', (u) => decodeComponent(u.rawPath));
  part('URL_EXTRACT_PORT', 'Extracts the port of a URL, or null when none is given.', (u) => (u.port < 0 ? null : u.port), 'INT');
  part('URL_EXTRACT_PROTOCOL', 'Extracts the protocol (scheme) of a URL.', (u) => u.scheme);
  part('URL_EXTRACT_QUERY', 'Extracts the decoded query of a URL.', (u) => (u.rawQuery === null ? null : decodeComponent(u.rawQuery)));
  lib.scalar({
    name: 'URL_EXTRACT_PARAMETER',
    category: 'URL',
    description: 'Extracts the decoded value of the first query parameter with the given name.',
    overloads: [{ sig: '(input STRING, paramName STRING) STRING', impl: extractParameter }],
  });

  const fromBytes = (size: number, read: (b: Buffer, little: boolean) => unknown) =>
    (b: Buffer | null, order?: S) => {
      if (b === null || order === null) return null;
      const ok = readInt(b, order, size);
      return ok === null ? null : read(ok, order === 'LITTLE_ENDIAN');
    };
  lib.scalar({
    name: 'INT_FROM_BYTES',
    category: 'CONVERSIONS',
    description: 'Converts 4 bytes (big-endian by default) to an INT.',
    overloads: [
      { sig: '(bytes BYTES) INT', impl: fromBytes(4, (b, le) => (le ? b.readInt32LE(0) : b.readInt32BE(0))) },
      { sig: '(bytes BYTES, byteOrder STRING) INT', impl: fromBytes(4, (b, le) => (le ? b.readInt32LE(0) : b.readInt32BE(0))) },
    ],
  });
  const readLong = (b: Buffer, le: boolean) => normalizeBigint(le ? b.readBigInt64LE(0) : b.readBigInt64BE(0));
  lib.scalar({
    name: 'BIGINT_FROM_BYTES',
    category: 'CONVERSIONS',
    description: 'Converts 8 bytes (big-endian by default) to a BIGINT.',
    overloads: [
      { sig: '(bytes BYTES) BIGINT', impl: fromBytes(8, readLong) },
      { sig: '(bytes BYTES, byteOrder STRING) BIGINT', impl: fromBytes(8, readLong) },
    ],
  });
  const readDouble = (b: Buffer, le: boolean) => (le ? b.readDoubleLE(0) : b.readDoubleBE(0));
  lib.scalar({
    name: 'DOUBLE_FROM_BYTES',
    category: 'CONVERSIONS',
    description: 'Converts 8 bytes (big-endian by default) to a DOUBLE.',
    overloads: [
      { sig: '(bytes BYTES) DOUBLE', impl: fromBytes(8, readDouble) },
      { sig: '(bytes BYTES, byteOrder STRING) DOUBLE', impl: fromBytes(8, readDouble) },
    ],
  });
}
