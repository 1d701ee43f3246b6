// Formatting local date-time fields with a compiled Java DateTimeFormatter pattern.

import { type Zone, utcMs } from './zones.js';
import { DATE_LETTERS, DAYS, MONTHS, MS_PER_DAY, TIME_LETTERS, type CompiledPattern, type Fields, type Token } from './java-pattern.js';

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

