// Date and time scalar functions, including the deprecated string/epoch variants.

import type { FunctionLibrary } from '../library.js';
import { type Fields, MS_PER_DAY, compilePattern } from '../datetime/java-pattern.js';
import { fieldsOfInstant, formatFields } from '../datetime/java-format.js';
import { parseWith, parsedToEpoch } from '../datetime/java-parse.js';
import { UTC_ZONE, zoneOf } from '../datetime/zones.js';
import { normalizeBigint } from '../../common/types.js';

type S = string | null;
type N = number | null;
type Num = number | bigint | null;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function dateFields(days: number): Fields {
  const d = new Date(days * MS_PER_DAY);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: 0,
    minute: 0,
    second: 0,
    nano: 0,
    offsetMs: null,
    zone: null,
    epochMs: days * MS_PER_DAY,
  };
}

function timeFields(ms: number): Fields {
  const t = ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  return {
    year: 1970,
    month: 1,
    day: 1,
    hour: Math.floor(t / 3_600_000),
    minute: Math.floor(t / 60_000) % 60,
    second: Math.floor(t / 1000) % 60,
    nano: (t % 1000) * 1e6,
    offsetMs: null,
    zone: null,
    epochMs: t,
  };
}

export function formatDate(days: N, pattern: S): S {
  if (days === null || pattern === null) return null;
  return formatFields(compilePattern(pattern), dateFields(days), true, false);
}

export function formatTime(ms: N, pattern: S): S {
  if (ms === null || pattern === null) return null;
  return formatFields(compilePattern(pattern), timeFields(ms), false, true);
}

export function formatTimestamp(ts: Num, pattern: S, tz?: S): S {
  if (ts === null || pattern === null || tz === null) return null;
  const zone = tz === undefined ? UTC_ZONE : zoneOf(tz);
  return formatFields(compilePattern(pattern), fieldsOfInstant(Number(ts), zone), true, true);
}

export function parseDate(text: S, pattern: S): N {
  if (text === null || pattern === null) return null;
  const p = compilePattern(pattern);
  return parseWith(p, text).days;
}

/**
 * PARSE_DATE reads its text as java.text.SimpleDateFormat does (ksqlDB parses it with
 * FastDateFormat, unlike the java.time parsers of STRINGTODATE and PARSE_TIME/TIMESTAMP):
 * text after the pattern is ignored, and a time of day other than midnight is refused.
 */
export function parseDateLeniently(text: S, pattern: S): N {
  if (text === null || pattern === null) return null;
  const parsed = parseWith(compilePattern(pattern), text, { ignoreTrailingText: true });
  if (parsed.millisOfDay !== 0 || parsed.nano !== 0) {
    throw new Error(`Failed to parse date '${text}' with formatter '${pattern}': Date format contains time field.`);
  }
  return parsed.days;
}

export function parseTime(text: S, pattern: S): N {
  if (text === null || pattern === null) return null;
  const p = compilePattern(pattern);
  if (p.usesDate) throw new Error(`Unsupported field: date fields in TIME pattern '${pattern}'`);
  return parseWith(p, text).millisOfDay;
}

export function parseTimestamp(text: S, pattern: S, tz?: S): N {
  if (text === null || pattern === null || tz === null) return null;
  const zone = tz === undefined ? UTC_ZONE : zoneOf(tz);
  return parsedToEpoch(parseWith(compilePattern(pattern), text), zone);
}

const UNIT_MS: Record<string, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: MS_PER_DAY,
};

function unitMs(unit: string): number {
  const u = unit.toUpperCase();
  const ms = UNIT_MS[u] ?? UNIT_MS[`${u}S`];
  if (ms === undefined) throw new Error(`Unknown time unit ${unit}; expected one of ${Object.keys(UNIT_MS).join(', ')}`);
  return ms;
}

/** Java TimeUnit.toMillis / toDays: truncation toward zero. */
function convertUnits(n: number, fromMs: number, toMs: number): number {
  return Math.trunc((n * fromMs) / toMs);
}

function toNumber(v: number | bigint): number {
  return typeof v === 'number' ? v : Number(v);
}

export function registerDateTime(lib: FunctionLibrary): void {
  lib.scalar({
    name: 'CONVERT_TZ',
    category: 'DATE / TIME',
    description: 'Converts a TIMESTAMP from one time zone to another.',
    overloads: [
      {
        sig: '(ts TIMESTAMP, fromTz STRING, toTz STRING) TIMESTAMP',
        impl: (ts: N, from: S, to: S) => {
          if (ts === null || from === null || to === null) return null;
          return ts + zoneOf(to).offsetAt(ts) - zoneOf(from).offsetAt(ts);
        },
      },
    ],
  });

  const shiftDate = (sign: 1 | -1) => (unit: string, n: Num, date: N) =>
    n === null || date === null ? null : date + sign * convertUnits(toNumber(n), unitMs(unit), MS_PER_DAY);
  const shiftTime = (sign: 1 | -1) => (unit: string, n: Num, time: N) => {
    if (n === null || time === null) return null;
    const delta = convertUnits(toNumber(n), unitMs(unit), 1);
    return (((time + sign * delta) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  };
  const shiftTs = (sign: 1 | -1) => (unit: string, n: Num, ts: N) =>
    n === null || ts === null ? null : ts + sign * convertUnits(toNumber(n), unitMs(unit), 1);
  for (const [name, sign] of [['ADD', 1], ['SUB', -1]] as const) {
    const verb = sign === 1 ? 'Adds' : 'Subtracts';
    lib.scalar({
      name: `DATE${name}`,
      category: 'DATE / TIME',
      description: `${verb} an interval of the given time unit to a DATE.`,
      overloads: [{ sig: '(unit UNIT, interval INT, date DATE) DATE', impl: shiftDate(sign) }],
    });
    lib.scalar({
      name: `TIME${name}`,
      category: 'DATE / TIME',
      description: `${verb} an interval of the given time unit to a TIME, wrapping around midnight.`,
      overloads: [{ sig: '(unit UNIT, interval INT, time TIME) TIME', impl: shiftTime(sign) }],
    });
    lib.scalar({
      name: `TIMESTAMP${name}`,
      category: 'DATE / TIME',
      description: `${verb} an interval of the given time unit to a TIMESTAMP.`,
      overloads: [{ sig: '(unit UNIT, interval BIGINT, ts TIMESTAMP) TIMESTAMP', impl: shiftTs(sign) }],
    });
  }

  lib.scalar({
    name: 'FORMAT_DATE',
    category: 'DATE / TIME',
    description: 'Formats a DATE with a java.time.format.DateTimeFormatter pattern.',
    overloads: [{ sig: '(date DATE, format STRING) STRING', impl: formatDate }],
  });
  lib.scalar({
    name: 'FORMAT_TIME',
    category: 'DATE / TIME',
    description: 'Formats a TIME with a java.time.format.DateTimeFormatter pattern.',
    overloads: [{ sig: '(time TIME, format STRING) STRING', impl: formatTime }],
  });
  lib.scalar({
    name: 'FORMAT_TIMESTAMP',
    category: 'DATE / TIME',
    description: 'Formats a TIMESTAMP with a java.time.format.DateTimeFormatter pattern, in UTC or the given time zone.',
    overloads: [
      { sig: '(ts TIMESTAMP, format STRING) STRING', impl: formatTimestamp },
      { sig: '(ts TIMESTAMP, format STRING, timeZone STRING) STRING', impl: formatTimestamp },
    ],
  });
  lib.scalar({
    name: 'PARSE_DATE',
    category: 'DATE / TIME',
    description: 'Parses a string into a DATE with a java.text.SimpleDateFormat pattern (text after the pattern is ignored).',
    overloads: [{ sig: '(str STRING, format STRING) DATE', impl: parseDateLeniently }],
  });
  lib.scalar({
    name: 'PARSE_TIME',
    category: 'DATE / TIME',
    description: 'Parses a string into a TIME with a java.time.format.DateTimeFormatter pattern.',
    overloads: [{ sig: '(str STRING, format STRING) TIME', impl: parseTime }],
  });
  lib.scalar({
    name: 'PARSE_TIMESTAMP',
    category: 'DATE / TIME',
    description: 'Parses a string into a TIMESTAMP with a java.time.format.DateTimeFormatter pattern, in UTC or the given time zone.',
    overloads: [
      { sig: '(str STRING, format STRING) TIMESTAMP', impl: parseTimestamp },
      { sig: '(str STRING, format STRING, timeZone STRING) TIMESTAMP', impl: parseTimestamp },
    ],
  });

  lib.scalar({
    name: 'FROM_DAYS',
    category: 'DATE / TIME',
    description: 'Converts a number of days since the epoch to a DATE.',
    overloads: [{ sig: '(days INT) DATE', impl: (d: N) => d }],
  });
  lib.scalar({
    name: 'FROM_UNIXTIME',
    category: 'DATE / TIME',
    description: 'Converts milliseconds since the epoch to a TIMESTAMP.',
    overloads: [{ sig: '(epochMilli BIGINT) TIMESTAMP', impl: (ms: Num) => (ms === null ? null : toNumber(ms)) }],
  });
  lib.scalar({
    name: 'UNIX_DATE',
    category: 'DATE / TIME',
    description: 'Returns the number of days since the epoch of the given DATE, or of today (UTC) without an argument.',
    overloads: [
      { sig: '() INT', impl: () => floorDiv(Date.now(), MS_PER_DAY), deterministic: false },
      { sig: '(date DATE) INT', impl: (d: N) => d },
    ],
  });
  lib.scalar({
    name: 'UNIX_TIMESTAMP',
    category: 'DATE / TIME',
    description: 'Returns the milliseconds since the epoch of the given TIMESTAMP, or of now without an argument.',
    overloads: [
      { sig: '() BIGINT', impl: () => Date.now(), deterministic: false },
      { sig: '(ts TIMESTAMP) BIGINT', impl: (t: N) => t },
    ],
  });

  // Deprecated epoch-number variants.
  lib.scalar({
    name: 'DATETOSTRING',
    category: 'DATE / TIME',
    description: 'Deprecated: use FORMAT_DATE. Formats days since the epoch with a DateTimeFormatter pattern.',
    overloads: [{ sig: '(epochDays INT, format STRING) STRING', impl: formatDate }],
  });
  lib.scalar({
    name: 'STRINGTODATE',
    category: 'DATE / TIME',
    description: 'Deprecated: use PARSE_DATE. Parses a string into days since the epoch.',
    overloads: [{ sig: '(formattedDate STRING, format STRING) INT', impl: parseDate }],
  });
  const toBig = (v: N): Num => (v === null ? null : normalizeBigint(v));
  lib.scalar({
    name: 'STRINGTOTIMESTAMP',
    category: 'DATE / TIME',
    description: 'Deprecated: use PARSE_TIMESTAMP. Parses a string into milliseconds since the epoch.',
    overloads: [
      { sig: '(formattedTimestamp STRING, format STRING) BIGINT', impl: (t: S, f: S) => toBig(parseTimestamp(t, f)) },
      { sig: '(formattedTimestamp STRING, format STRING, timeZone STRING) BIGINT', impl: (t: S, f: S, z: S) => toBig(parseTimestamp(t, f, z)) },
    ],
  });
  lib.scalar({
    name: 'TIMESTAMPTOSTRING',
    category: 'DATE / TIME',
    description: 'Deprecated: use FORMAT_TIMESTAMP. Formats milliseconds since the epoch with a DateTimeFormatter pattern.',
    overloads: [
      { sig: '(epochMilli BIGINT, format STRING) STRING', impl: formatTimestamp },
      { sig: '(epochMilli BIGINT, format STRING, timeZone STRING) STRING', impl: formatTimestamp },
    ],
  });
}
