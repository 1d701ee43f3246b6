// Time zones: fixed offsets (`+05:00`, `UTC`, `GMT-3`) and IANA region ids via Intl,
// cached per id.

export interface Zone {
  id: string;
  /** Offset from UTC in milliseconds at the given instant. */
  offsetAt(epochMs: number): number;
  /** The instant at which the zone's wall clock shows `localMs` (local time as if UTC). */
  toEpoch(localMs: number): number;
  /** Short display name at an instant, e.g. `PDT`, `BST`, `UTC`. */
  shortName(epochMs: number): string;
}

class FixedZone implements Zone {
  constructor(
    readonly id: string,
    private readonly offsetMs: number,
    private readonly name: string,
  ) {}
  offsetAt(): number {
    return this.offsetMs;
  }
  toEpoch(localMs: number): number {
    return localMs - this.offsetMs;
  }
  shortName(): string {
    return this.name;
  }
}

interface PartsFormatter {
  formatToParts(d: Date): Intl.DateTimeFormatPart[];
}

class RegionZone implements Zone {
  private readonly fmt: PartsFormatter;
  private readonly nameUs: Intl.DateTimeFormat;
  private readonly nameGb: Intl.DateTimeFormat;
  private lastSecond = NaN;
  private lastOffset = 0;

  constructor(readonly id: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    this.nameUs = new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'short' });
    this.nameGb = new Intl.DateTimeFormat('en-GB', { timeZone: id, timeZoneName: 'short' });
  }

  offsetAt(epochMs: number): number {
    const sec = Math.floor(epochMs / 1000);
    if (sec === this.lastSecond) return this.lastOffset;
    let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    let bc = false;
    for (const p of this.fmt.formatToParts(new Date(sec * 1000))) {
      switch (p.type) {
        case 'year': y = Number(p.value); break;
        case 'month': mo = Number(p.value); break;
        case 'day': d = Number(p.value); break;
        case 'hour': h = Number(p.value); break;
        case 'minute': mi = Number(p.value); break;
        case 'second': s = Number(p.value); break;
        case 'era': bc = p.value === 'BC' || p.value === 'B'; break;
        default: break;
      }
    }
    if (bc) y = 1 - y;
    const local = utcMs(y, mo, d, h, mi, s);
    const off = local - sec * 1000;
    this.lastSecond = sec;
    this.lastOffset = off;
    return off;
  }

  toEpoch(localMs: number): number {
    // Two refinements settle the offset except inside DST gaps, where the later offset applies.
    const first = localMs - this.offsetAt(localMs);
    const second = localMs - this.offsetAt(first);
    if (second === first) return first;
    const third = localMs - this.offsetAt(second);
    return Math.min(second, third);
  }

  shortName(epochMs: number): string {
    const pick = (f: Intl.DateTimeFormat): string =>
      f.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const us = pick(this.nameUs);
    if (!/^GMT[+-]/.test(us)) return us === 'GMT' && this.id === 'UTC' ? 'UTC' : us;
    const gb = pick(this.nameGb);
    if (!/^GMT[+-]/.test(gb)) return gb;
    return gb;
  }
}

export function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

const zones = new Map<string, Zone>();

const FIXED = /^(?:(UTC|GMT|UT)(?=$|[+-]))?(?:([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/i;

export const UTC_ZONE: Zone = new FixedZone('UTC', 0, 'UTC');

/** Resolves a Java ZoneId text; throws on an unknown zone. */
export function zoneOf(id: string): Zone {
  let z = zones.get(id);
  if (z) return z;
  z = makeZone(id);
  if (zones.size > 500) zones.clear();
  zones.set(id, z);
  return z;
}

function makeZone(id: string): Zone {
  if (id === 'Z') return new FixedZone(id, 0, 'Z');
  const m = FIXED.exec(id);
  if (m && (m[1] !== undefined || m[2] !== undefined)) {
    if (m[2] === undefined) return new FixedZone(id, 0, m[1]!.toUpperCase());
    const sign = m[2] === '-' ? -1 : 1;
    const h = Number(m[3]);
    const mi = Number(m[4] ?? 0);
    const s = Number(m[5] ?? 0);
    if (h > 18 || mi > 59 || s > 59) throw new Error(`Invalid ID for ZoneOffset, invalid format: ${id}`);
    const off = sign * ((h * 60 + mi) * 60 + s) * 1000;
    return new FixedZone(id, off, formatOffsetId(off));
  }
  try {
    return new RegionZone(id);
  } catch {
    throw new Error(`Unknown time-zone ID: ${id}`);
  }
}

/** `+05:30`, `-08:00`, `Z` (Java ZoneOffset.getId). */
export function formatOffsetId(offsetMs: number): string {
  if (offsetMs === 0) return 'Z';
  const sign = offsetMs < 0 ? '-' : '+';
  const total = Math.abs(offsetMs) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${sign}${pad2(h)}:${pad2(m)}${s ? `:${pad2(s)}` : ''}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Zone abbreviations accepted when parsing `z`: like Java, a name resolves to its region,
 * whose offset then depends on the date (PST in May parses as Pacific daylight time).
 */
export const ZONE_ABBREVIATIONS: Record<string, string> = {
  UTC: 'UTC', GMT: 'UTC', UT: 'UTC', Z: 'UTC',
  WET: 'WET', CET: 'CET', MET: 'MET', EET: 'EET', CEST: 'CET', MEST: 'MET', EEST: 'EET', WEST: 'WET',
  BST: 'Europe/London', IST: 'Asia/Kolkata', MSK: 'Europe/Moscow',
  EST: 'America/New_York', EDT: 'America/New_York', CST: 'America/Chicago', CDT: 'America/Chicago',
  MST: 'America/Denver', MDT: 'America/Denver', PST: 'America/Los_Angeles', PDT: 'America/Los_Angeles',
  AKST: 'America/Anchorage', AKDT: 'America/Anchorage', HST: 'Pacific/Honolulu',
  AST: 'America/Halifax', ADT: 'America/Halifax', NST: 'America/St_Johns', NDT: 'America/St_Johns',
  JST: 'Asia/Tokyo', KST: 'Asia/Seoul', HKT: 'Asia/Hong_Kong', SGT: 'Asia/Singapore',
  AEST: 'Australia/Sydney', AEDT: 'Australia/Sydney', ACST: 'Australia/Adelaide', ACDT: 'Australia/Adelaide',
  AWST: 'Australia/Perth', NZST: 'Pacific/Auckland', NZDT: 'Pacific/Auckland',
};
