// Text forms of DATE (days since epoch), TIME (ms of day) and TIMESTAMP (epoch ms), all UTC.
// Parsing is lenient the way ksqlDB's is for ROWTIME comparisons: missing trailing parts of a
// timestamp are padded with zeros and the zone defaults to UTC.

const MS_PER_DAY = 86_400_000;

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + s.padStart(width, '0');
}

/** Days since the epoch of a proleptic Gregorian date (setUTCFullYear handles years 0..99). */
function daysFromCivil(y: number, m: number, d: number): number {
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d);
  return Math.floor(dt.getTime() / MS_PER_DAY);
}

function epochMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

function fractionToMs(frac: string | undefined): number {
  if (!frac) return 0;
  return Math.floor(Number(`0.${frac}`) * 1000 + 1e-9);
}

function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  const dim = new Date(Date.UTC(2000, mo, 0)).getUTCDate();
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 ? (leap ? 29 : 28) : dim);
}

/** `yyyy-MM-dd` → days since epoch; undefined when malformed. */
export function parseDate(text: string): number | undefined {
  const m = /^\s*([+-]?\d{4,})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (!validDate(y, mo, d)) return undefined;
  return daysFromCivil(y, mo, d);
}

/** `HH:mm[:ss[.fff]]` → ms of day; undefined when malformed. */
export function parseTime(text: string): number | undefined {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ((h * 60 + mi) * 60 + s) * 1000 + fractionToMs(m[4]);
}

/**
 * ISO-8601 timestamp, possibly partial (`2018`, `2018-01`, `2018-01-01T10`, ...), with an optional
 * zone (`Z`, `+05`, `+0530`, `+05:30`). Missing parts are zero, the zone defaults to UTC.
 */
export function parseTimestamp(text: string): number | undefined {
  const m =
    /^\s*([+-]?\d{4,})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i.exec(
      text,
    );
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = m[2] === undefined ? 1 : Number(m[2]);
  const d = m[3] === undefined ? 1 : Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMs = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const mins = Number(z[2]) * 60 + (z[3] === undefined ? 0 : Number(z[3]));
    offsetMs = (z[1] === '-' ? -1 : 1) * mins * 60_000;
  }
  return epochMs(y, mo, d, h, mi, s, fractionToMs(m[7])) - offsetMs;
}

function civilFromEpochMs(ms: number): { y: number; mo: number; d: number } {
  const dt = new Date(ms);
  return { y: dt.getUTCFullYear(), mo: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function formatDate(days: number): string {
  const c = civilFromEpochMs(days * MS_PER_DAY);
  return `${pad(c.y, 4)}-${pad(c.mo, 2)}-${pad(c.d, 2)}`;
}

/** Like java.time.LocalTime#toString: seconds always, the fraction only when non-zero. */
export function formatTime(msOfDay: number): string {
  const ms = ((msOfDay % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const h = Math.floor(ms / 3_600_000);
  const mi = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const f = ms % 1000;
  return `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${f === 0 ? '' : `.${pad(f, 3)}`}`;
}

/** `yyyy-MM-ddTHH:mm:ss.SSS` in UTC, as ksqlDB prints TIMESTAMP values cast to STRING. */
export function formatTimestamp(epochMillis: number): string {
  const dt = new Date(epochMillis);
  return (
    `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1, 2)}-${pad(dt.getUTCDate(), 2)}` +
    `T${pad(dt.getUTCHours(), 2)}:${pad(dt.getUTCMinutes(), 2)}:${pad(dt.getUTCSeconds(), 2)}.${pad(dt.getUTCMilliseconds(), 3)}`
  );
}

export function timestampToDate(epochMillis: number): number {
  return Math.floor(epochMillis / MS_PER_DAY);
}

export function timestampToTime(epochMillis: number): number {
  return ((epochMillis % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
}

export function dateToTimestamp(days: number): number {
  return days * MS_PER_DAY;
}
