// Parsing text into date-time fields with a compiled Java DateTimeFormatter pattern;
// case-insensitive, as ksqlDB's parsers are.

import { type Zone, UTC_ZONE, ZONE_ABBREVIATIONS, utcMs, zoneOf } from './zones.js';
import { DAYS, MONTHS, MS_PER_DAY, type CompiledPattern, type Token } from './java-pattern.js';

interface ParseState {
  text: string;
  pos: number;
  year?: number;
  yearOfEra?: number;
  bc?: boolean;
  twoDigitYear?: boolean;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  nano?: number;
  milliOfDay?: number;
  offsetMs?: number;
  zone?: Zone;
}

function isNumericToken(tok: Token | undefined): boolean {
  if (!tok || tok.t !== 'field') return false;
  const l = tok.letter;
  if ('MLEecQq'.includes(l) && tok.count >= 3) return false;
  return 'yuYMLdDHkKhmsSnANwWFeQq'.includes(l);
}

function fail(s: ParseState, what: string): never {
  throw new Error(`Text '${s.text}' could not be parsed at index ${s.pos}${what ? `: ${what}` : ''}`);
}

function readDigits(s: ParseState, min: number, max: number, signed = false): number {
  let i = s.pos;
  let sign = 1;
  if (signed && (s.text[i] === '-' || s.text[i] === '+')) {
    if (s.text[i] === '-') sign = -1;
    i++;
  }
  const start = i;
  while (i < s.text.length && i - start < max && s.text.charCodeAt(i) >= 48 && s.text.charCodeAt(i) <= 57) i++;
  if (i - start < min) fail(s, '');
  const v = Number(s.text.slice(start, i));
  s.pos = i;
  return sign * v;
}

function readText(s: ParseState, options: string[]): number {
  const rest = s.text.slice(s.pos).toLowerCase();
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!.toLowerCase();
    if (o.length > bestLen && rest.startsWith(o)) {
      best = i;
      bestLen = o.length;
    }
  }
  if (best < 0) fail(s, '');
  s.pos += bestLen;
  return best;
}

function readOffset(s: ParseState, style: string, count: number): void {
  const rest = s.text.slice(s.pos);
  if ((style === 'X' || (style === 'Z' && count === 5)) && /^[zZ]/.test(rest)) {
    s.offsetMs = 0;
    s.pos++;
    return;
  }
  let m: RegExpExecArray | null;
  if (style === 'O' || (style === 'Z' && count === 4)) {
    m = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?/i.exec(rest);
  } else {
    m = /^([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?/.exec(rest);
  }
  if (!m) fail(s, '');
  if (m[1] === undefined) {
    s.offsetMs = 0;
  } else {
    const sign = m[1] === '-' ? -1 : 1;
    s.offsetMs = sign * ((Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 1000;
  }
  s.pos += m[0].length;
}

function readZoneName(s: ParseState): void {
  const rest = s.text.slice(s.pos);
  const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(rest);
  if (!m) fail(s, '');
  // Longest abbreviation or region id that is a prefix of the rest.
  const word = m[0];
  const upper = word.toUpperCase();
  const region = ZONE_ABBREVIATIONS[upper];
  if (region !== undefined) {
    s.zone = zoneOf(region);
    s.pos += word.length;
    return;
  }
  try {
    s.zone = zoneOf(word);
    s.pos += word.length;
  } catch {
    fail(s, '');
  }
}

function parseField(s: ParseState, tok: Extract<Token, { t: 'field' }>, next: Token | undefined): void {
  const { letter, count } = tok;
  const adjacent = isNumericToken(next);
  const fixed = (dflt: number): [number, number] => (adjacent || count > 1 ? [count, Math.max(count, adjacent ? count : dflt)] : [1, dflt]);
  switch (letter) {
    case 'G': {
      const i = readText(s, ['AD', 'BC', 'Anno Domini', 'Before Christ']);
      s.bc = i % 2 === 1;
      return;
    }
    case 'y':
    case 'u':
    case 'Y': {
      if (count === 2) {
        s.yearOfEra = readDigits(s, 2, 2);
        s.twoDigitYear = true;
      } else {
        const [min, max] = adjacent ? [count, count] : [count, 10];
        const v = readDigits(s, min, max, count !== 2 && !adjacent);
        if (letter === 'y') s.yearOfEra = v;
        else s.year = v;
      }
      return;
    }
    case 'M':
    case 'L':
      if (count >= 4) s.month = readText(s, MONTHS) + 1;
      else if (count === 3) s.month = readText(s, MONTHS.map((m) => m.slice(0, 3))) + 1;
      else {
        const [a, b] = fixed(2);
        s.month = readDigits(s, a, b);
      }
      return;
    case 'd': {
      const [a, b] = fixed(2);
      s.day = readDigits(s, a, b);
      return;
    }
    case 'D': {
      const [a, b] = fixed(3);
      s.dayOfYear = readDigits(s, a, b);
      return;
    }
    case 'E':
    case 'e':
    case 'c':
      if ((letter === 'e' || letter === 'c') && count <= 2) readDigits(s, 1, 1);
      else readText(s, count >= 4 ? DAYS : DAYS.map((d) => d.slice(0, 3)));
      return; // day-of-week is cross-checked by Java; accepted as is here
    case 'Q':
    case 'q':
      if (count >= 3) readText(s, ['Q1', 'Q2', 'Q3', 'Q4']);
      else readDigits(s, 1, 1);
      return;
    case 'w':
    case 'W':
    case 'F': {
      const [a, b] = fixed(2);
      readDigits(s, a, b);
      return;
    }
    case 'a':
      s.pm = readText(s, ['AM', 'PM']) === 1;
      return;
    case 'B':
      readText(s, ['in the morning', 'in the afternoon', 'in the evening', 'at night', 'noon', 'midnight']);
      return;
    case 'H': {
      const [a, b] = fixed(2);
      s.hour = readDigits(s, a, b);
      return;
    }
    case 'k': {
      const [a, b] = fixed(2);
      const v = readDigits(s, a, b);
      s.hour = v === 24 ? 0 : v;
      return;
    }
    case 'K':
    case 'h': {
      const [a, b] = fixed(2);
      const v = readDigits(s, a, b);
      s.hour12 = letter === 'h' && v === 12 ? 0 : v;
      return;
    }
    case 'm': {
      const [a, b] = fixed(2);
      s.minute = readDigits(s, a, b);
      return;
    }
    case 's': {
      const [a, b] = fixed(2);
      s.second = readDigits(s, a, b);
      return;
    }
    case 'S': {
      const start = s.pos;
      readDigits(s, count, count);
      const digits = s.text.slice(start, s.pos);
      s.nano = Number(digits.padEnd(9, '0').slice(0, 9));
      return;
    }
    case 'n':
      s.nano = readDigits(s, count, adjacent ? count : 9);
      return;
    case 'A':
      s.milliOfDay = readDigits(s, count, adjacent ? count : 9);
      return;
    case 'N':
      s.milliOfDay = Math.floor(readDigits(s, count, adjacent ? count : 15) / 1e6);
      return;
    case 'V':
    case 'v': {
      const m = /^[A-Za-z0-9_/+:-]+/.exec(s.text.slice(s.pos));
      if (!m) fail(s, '');
      try {
        s.zone = zoneOf(m[0]);
      } catch {
        fail(s, '');
      }
      s.pos += m[0].length;
      return;
    }
    case 'z':
      readZoneName(s);
      return;
    case 'O':
    case 'X':
    case 'x':
    case 'Z':
      readOffset(s, letter, count);
      return;
    default:
      fail(s, `unknown letter ${letter}`);
  }
}

function parseTokens(tokens: Token[], s: ParseState): void {
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t === 'lit') {
      const piece = s.text.substr(s.pos, tok.text.length);
      if (piece.toLowerCase() !== tok.text.toLowerCase()) fail(s, '');
      s.pos += tok.text.length;
    } else if (tok.t === 'field') {
      parseField(s, tok, tokens[i + 1]);
    } else {
      const saved = { ...s };
      try {
        parseTokens(tok.tokens, s);
      } catch {
        Object.assign(s, saved);
        for (const k of Object.keys(s) as (keyof ParseState)[]) if (!(k in saved)) delete s[k];
      }
    }
  }
}

export interface ParsedDateTime {
  /** Days since the epoch of the local date. */
  days: number;
  /** Milliseconds of the local day. */
  millisOfDay: number;
  /** Sub-millisecond nanos, for completeness. */
  nano: number;
  offsetMs: number | null;
  zone: Zone | null;
  hasDate: boolean;
  hasTime: boolean;
}

/**
 * Parses text with a compiled pattern; throws a DateTimeParseException-like error.
 * `ignoreTrailingText`: text after the pattern is not an error (java.text.SimpleDateFormat).
 */
export function parseWith(p: CompiledPattern, text: string, options: { ignoreTrailingText?: boolean } = {}): ParsedDateTime {
  const s: ParseState = { text, pos: 0 };
  parseTokens(p.tokens, s);
  if (s.pos !== text.length && !options.ignoreTrailingText) {
    throw new Error(`Text '${text}' could not be parsed, unparsed text found at index ${s.pos}`);
  }
  let year = s.year;
  if (year === undefined && s.yearOfEra !== undefined) {
    year = s.twoDigitYear ? 2000 + s.yearOfEra : s.bc ? 1 - s.yearOfEra : s.yearOfEra;
  }
  year ??= 1970;
  let month = s.month ?? 1;
  let day = s.day ?? 1;
  if (s.dayOfYear !== undefined) {
    const d = new Date(utcMs(year, 1, 1) + (s.dayOfYear - 1) * MS_PER_DAY);
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  if (month < 1 || month > 12) throw new Error(`Text '${text}' could not be parsed: Invalid value for MonthOfYear: ${month}`);
  const dim = new Date(utcMs(year, month + 1, 0)).getUTCDate();
  if (day < 1 || day > dim) throw new Error(`Text '${text}' could not be parsed: Invalid date`);
  let hour = s.hour ?? 0;
  if (s.hour === undefined && s.hour12 !== undefined) hour = s.hour12 + (s.pm ? 12 : 0);
  const minute = s.minute ?? 0;
  const second = s.second ?? 0;
  if (hour > 23 || minute > 59 || second > 59) throw new Error(`Text '${text}' could not be parsed: Invalid time`);
  let millisOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + Math.floor((s.nano ?? 0) / 1e6);
  if (s.milliOfDay !== undefined) millisOfDay = s.milliOfDay;
  return {
    days: Math.floor(utcMs(year, month, day) / MS_PER_DAY),
    millisOfDay,
    nano: s.nano ?? 0,
    offsetMs: s.offsetMs ?? null,
    zone: s.zone ?? null,
    hasDate: p.usesDate,
    hasTime: p.usesTime,
  };
}

/** The epoch milliseconds of a parsed value, using its own offset/zone or `dflt`. */
export function parsedToEpoch(p: ParsedDateTime, dflt: Zone = UTC_ZONE): number {
  const local = p.days * MS_PER_DAY + p.millisOfDay;
  if (p.offsetMs !== null) return local - p.offsetMs;
  return (p.zone ?? dflt).toEpoch(local);
}
