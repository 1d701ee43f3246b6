// Java DateTimeFormatter patterns (the subset ksqlDB users write): compiled once per pattern
// into a token list that formats local date-time fields and parses text back into them.
// Parsing is case-insensitive, as ksqlDB's parsers are.

import { type Zone, UTC_ZONE, ZONE_ABBREVIATIONS, utcMs, zoneOf } from './zones.js';

export const MS_PER_DAY = 86_400_000;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

type Token =
  | { t: 'lit'; text: string }
  | { t: 'field'; letter: string; count: number }
  | { t: 'opt'; tokens: Token[] };

const DATE_LETTERS = 'GyuYMLdDEecQqwWF';
const TIME_LETTERS = 'aHkKhmsSnANB';
const ZONE_LETTERS = 'VzOXxZv';

/** Local date-time fields of a value being formatted or parsed. */
export interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nano: number;
  /** Offset in ms when known (timestamps with a zone). */
  offsetMs: number | null;
  zone: Zone | null;
  /** The instant, for zone names. */
  epochMs: number;
}

export interface CompiledPattern {
  pattern: string;
  tokens: Token[];
  usesDate: boolean;
  usesTime: boolean;
  usesZone: boolean;
}

function tokenize(pattern: string): Token[] {
  const root: Token[] = [];
  const stack: Token[][] = [root];
  let i = 0;
  const cur = (): Token[] => stack[stack.length - 1]!;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = findQuoteEnd(pattern, i + 1);
      const raw = pattern.slice(i + 1, end);
      cur().push({ t: 'lit', text: raw === '' ? "'" : raw.replace(/''/g, "'") });
      i = end + 1;
    } else if (c === '[') {
      const opt: Token = { t: 'opt', tokens: [] };
      cur().push(opt);
      stack.push(opt.tokens);
      i++;
    } else if (c === ']') {
      if (stack.length === 1) throw new Error(`Pattern invalid as it contains ] without previous [: ${pattern}`);
      stack.pop();
      i++;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      if (!DATE_LETTERS.includes(c) && !TIME_LETTERS.includes(c) && !ZONE_LETTERS.includes(c)) {
        throw new Error(`Unknown pattern letter: ${c}`);
      }
      cur().push({ t: 'field', letter: c, count: j - i });
      i = j;
    } else if (c === '{' || c === '}' || c === '#') {
      throw new Error(`Pattern includes reserved character: '${c}'`);
    } else {
      cur().push({ t: 'lit', text: c });
      i++;
    }
  }
  return root;
}

function findQuoteEnd(p: string, from: number): number {
  let i = from;
  while (i < p.length) {
    if (p[i] === "'") {
      if (p[i + 1] === "'" && i !== from) {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  throw new Error(`Pattern ends with an incomplete string literal: ${p}`);
}

function scan(tokens: Token[], into: CompiledPattern): void {
  for (const tok of tokens) {
    if (tok.t === 'opt') scan(tok.tokens, into);
    else if (tok.t === 'field') {
      if (DATE_LETTERS.includes(tok.letter)) into.usesDate = true;
      else if (TIME_LETTERS.includes(tok.letter)) into.usesTime = true;
      else into.usesZone = true;
    }
  }
}

const compiled = new Map<string, CompiledPattern>();

export function compilePattern(pattern: string): CompiledPattern {
  let c = compiled.get(pattern);
  if (c) return c;
  c = { pattern, tokens: tokenize(pattern), usesDate: false, usesTime: false, usesZone: false };
  scan(c.tokens, c);
  if (compiled.size > 1000) compiled.clear();
  compiled.set(pattern, c);
  return c;
}

// ---- formatting ---------------------------------------------------------------------------

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  const p = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return n < 0 ? `-${p}` : p;
}

function dayOfWeek(f: Fields): number {
  // 1 = Monday ... 7 = Sunday
  const days = Math.floor(utcMs(f.year, f.month, f.day) / MS_PER_DAY);
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

function dayOfYear(f: Fields): number {
  return Math.round((utcMs(f.year, f.month, f.day) - utcMs(f.year, 1, 1)) / MS_PER_DAY) + 1;
}

function offsetText(offMs: number, style: 'X' | 'x' | 'Z' | 'O', count: number): string {
  if (offMs === 0 && style === 'X') return 'Z';
  const sign = offMs < 0 ? '-' : '+';
  const total = Math.round(Math.abs(offMs) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (style === 'O') {
    if (offMs === 0) return 'GMT';
    return count === 1 ? `GMT${sign}${h}${m || s ? `:${pad(m, 2)}` : ''}${s ? `:${pad(s, 2)}` : ''}` : `GMT${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
  }
  if (style === 'Z') {
    if (count <= 3) return `${sign}${pad(h, 2)}${pad(m, 2)}`;
    if (count === 4) return offMs === 0 ? 'GMT' : `GMT${sign}${pad(h, 2)}:${pad(m, 2)}`;
    return offMs === 0 ? 'Z' : `${sign}${pad(h, 2)}:${pad(m, 2)}`;
  }
  switch (count) {
    case 1:
      return `${sign}${pad(h, 2)}${m ? pad(m, 2) : ''}`;
    case 2:
      return `${sign}${pad(h, 2)}${pad(m, 2)}`;
    case 3:
      return `${sign}${pad(h, 2)}:${pad(m, 2)}`;
    case 4:
      return `${sign}${pad(h, 2)}${pad(m, 2)}${s ? pad(s, 2) : ''}`;
    default:
      return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
  }
}

function unsupported(letter: string): Error {
  const names: Record<string, string> = {
    y: 'YearOfEra', u: 'Year', M: 'MonthOfYear', L: 'MonthOfYear', d: 'DayOfMonth', D: 'DayOfYear', E: 'DayOfWeek',
    H: 'HourOfDay', h: 'ClockHourOfAmPm', k: 'ClockHourOfDay', K: 'HourOfAmPm', m: 'MinuteOfHour', s: 'SecondOfMinute',
    S: 'NanoOfSecond', a: 'AmPmOfDay', n: 'NanoOfSecond', A: 'MilliOfDay', N: 'NanoOfDay',
  };
  return new Error(`Unsupported field: ${names[letter] ?? letter}`);
}

function formatField(letter: string, count: number, f: Fields, hasDate: boolean, hasTime: boolean): string {
  if (DATE_LETTERS.includes(letter) && !hasDate) throw unsupported(letter);
  if (TIME_LETTERS.includes(letter) && !hasTime) throw unsupported(letter);
  switch (letter) {
    case 'G':
      return count === 4 ? (f.year > 0 ? 'Anno Domini' : 'Before Christ') : count === 5 ? (f.year > 0 ? 'A' : 'B') : f.year > 0 ? 'AD' : 'BC';
    case 'y':
    case 'u':
    case 'Y': {
      const y = letter === 'y' && f.year <= 0 ? 1 - f.year : f.year;
      if (count === 2) return pad(((y % 100) + 100) % 100, 2);
      return pad(y, count);
    }
    case 'M':
    case 'L':
      if (count >= 5) return MONTHS[f.month - 1]![0]!;
      if (count === 4) return MONTHS[f.month - 1]!;
      if (count === 3) return MONTHS[f.month - 1]!.slice(0, 3);
      return pad(f.month, count);
    case 'd':
      return pad(f.day, count);
    case 'D':
      return pad(dayOfYear(f), count);
    case 'Q':
    case 'q': {
      const q = Math.floor((f.month - 1) / 3) + 1;
      return count === 3 ? `Q${q}` : count === 4 ? `${['1st', '2nd', '3rd', '4th'][q - 1]} quarter` : pad(q, count);
    }
    case 'E':
    case 'e':
    case 'c': {
      const dow = dayOfWeek(f);
      if ((letter === 'e' || letter === 'c') && count <= 2) return pad((dow % 7) + 1, count);
      if (count === 4) return DAYS[dow - 1]!;
      if (count === 5) return DAYS[dow - 1]![0]!;
      return DAYS[dow - 1]!.slice(0, 3);
    }
    case 'w':
    case 'W':
    case 'F':
      return pad(Math.floor((dayOfYear(f) - 1) / 7) + 1, count);
    case 'a':
      return f.hour < 12 ? 'AM' : 'PM';
    case 'B':
      return f.hour < 12 ? 'in the morning' : f.hour < 18 ? 'in the afternoon' : 'in the evening';
    case 'H':
      return pad(f.hour, count);
    case 'k':
      return pad(f.hour === 0 ? 24 : f.hour, count);
    case 'K':
      return pad(f.hour % 12, count);
    case 'h':
      return pad(f.hour % 12 === 0 ? 12 : f.hour % 12, count);
    case 'm':
      return pad(f.minute, count);
    case 's':
      return pad(f.second, count);
    case 'S':
      return pad(f.nano, 9).slice(0, count).padEnd(count, '0');
    case 'n':
      return pad(f.nano, count);
    case 'A':
      return pad(((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + Math.floor(f.nano / 1e6), count);
    case 'N':
      return pad((((f.hour * 60 + f.minute) * 60 + f.second) * 1e9 + f.nano), count);
    case 'V':
    case 'v':
      if (!f.zone) throw new Error('Unable to extract ZoneId from temporal');
      return f.zone.id;
    case 'z':
      if (!f.zone) throw new Error('Unable to extract ZoneId from temporal');
      return f.zone.shortName(f.epochMs);
    case 'O':
    case 'X':
    case 'x':
    case 'Z':
      if (f.offsetMs === null) throw new Error('Unsupported field: OffsetSeconds');
      return offsetText(f.offsetMs, letter, count);
    default:
      throw new Error(`Unknown pattern letter: ${letter}`);
  }
}

function formatTokens(tokens: Token[], f: Fields, hasDate: boolean, hasTime: boolean): string {
  let out = '';
  for (const tok of tokens) {
    if (tok.t === 'lit') out += tok.text;
    else if (tok.t === 'field') out += formatField(tok.letter, tok.count, f, hasDate, hasTime);
    else {
      try {
        out += formatTokens(tok.tokens, f, hasDate, hasTime);
      } catch {
        // optional sections print nothing when their fields are unavailable
      }
    }
  }
  return out;
}

export function formatFields(p: CompiledPattern, f: Fields, hasDate: boolean, hasTime: boolean): string {
  return formatTokens(p.tokens, f, hasDate, hasTime);
}

/** Splits epoch milliseconds into local fields in a zone. */
export function fieldsOfInstant(epochMs: number, zone: Zone): Fields {
  const off = zone.offsetAt(epochMs);
  const d = new Date(epochMs + off);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nano: d.getUTCMilliseconds() * 1e6,
    offsetMs: off,
    zone,
    epochMs,
  };
}

// ---- parsing ------------------------------------------------------------------------------

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

/** Parses text with a compiled pattern; throws a DateTimeParseException-like error. */
export function parseWith(p: CompiledPattern, text: string): ParsedDateTime {
  const s: ParseState = { text, pos: 0 };
  parseTokens(p.tokens, s);
  if (s.pos !== text.length) {
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
