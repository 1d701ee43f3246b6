// JSON text → JS values without losing numeric precision.
//
// JSON.parse turns every number into a double, which silently corrupts BIGINT values beyond
// 2^53 and long DECIMALs. Such numbers need at least 16 consecutive digits, so a cheap scan
// for a 16-digit run decides whether the native parser is safe; only when there is one does
// the exact parser below run. It returns integers as bigint when they are not safe doubles, and
// non-integers with more significant digits than a double keeps as LosslessNumber.

/** A JSON number kept as its source text because a double would change its value. */
export class LosslessNumber {
  constructor(readonly text: string) {}
  toNumber(): number {
    return Number(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
}

const RUN = 16;

/**
 * Whether `text` holds 16 or more consecutive digits. Any such run covers one of every 16
 * consecutive positions, so probing positions 15, 31, 47, … and measuring the run around a
 * digit found there sees every one (a tenth of the work of /\d{16}/ on typical records).
 */
export function hasLongDigitRun(text: string): boolean {
  const n = text.length;
  for (let i = RUN - 1; i < n; i += RUN) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let lo = i;
    let hi = i;
    while (lo > 0 && isDigit(text.charCodeAt(lo - 1))) lo--;
    while (hi + 1 < n && isDigit(text.charCodeAt(hi + 1))) hi++;
    if (hi - lo + 1 >= RUN) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `keepFractionText`: every non-integer stays LosslessNumber, so a decimal keeps its scale (3.40 is not 3.4). */
export function parseJson(text: string, opts: { keepFractionText?: boolean } = {}): unknown {
  if (!opts.keepFractionText && !hasLongDigitRun(text)) return JSON.parse(text);
  return new ExactJsonParser(text, opts.keepFractionText === true).parseDocument();
}

class ExactJsonParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly keepFractionText = false,
  ) {}

  parseDocument(): unknown {
    const v = this.value();
    this.ws();
    if (this.pos < this.text.length) this.fail('Unexpected trailing content');
    return v;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} in JSON at position ${this.pos}`);
  }

  private ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  private value(): unknown {
    this.ws();
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail(c === undefined ? 'Unexpected end' : `Unexpected token ${c}`);
    }
  }

  private literal<T>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('Unexpected token');
    this.pos += word.length;
    return v;
  }

  private object(): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('Expected property name');
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail("Expected ':'");
      this.pos++;
      out[key] = this.value();
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("Expected ',' or '}'");
    }
  }

  private array(): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("Expected ',' or ']'");
    }
  }

  private string(): string {
    // Find the closing quote, then let JSON.parse decode the escapes of that slice.
    const t = this.text;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 92) i++, (escaped = true);
      else if (c === 34) break;
    }
    if (i >= t.length) this.fail('Unterminated string');
    this.pos = i + 1;
    const raw = t.slice(start, i + 1);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  private number(): number | bigint | LosslessNumber {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const r = m.exec(this.text);
    if (!r) return this.fail('Invalid number');
    this.pos += r[0].length;
    const integral = r[1] === undefined && r[2] === undefined;
    return this.keepFractionText && !integral ? new LosslessNumber(r[0]) : numberFromText(r[0], integral);
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

function numberFromText(text: string, integral: boolean): number | bigint | LosslessNumber {
  if (integral) {
    if (text.length <= 15) return Number(text);
    const b = BigInt(text);
    return b <= MAX_SAFE && b >= MIN_SAFE ? Number(b) : b;
  }
  const digits = text.replace(/[eE].*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
  if (digits.length <= 15) return Number(text);
  return new LosslessNumber(text);
}
