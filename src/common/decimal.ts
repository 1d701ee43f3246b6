// Exact DECIMAL values: an unscaled bigint and a scale, value = unscaled / 10^scale.
// The scale is part of the value: 1.10 and 1.1 print differently, as in ksqlDB.

const TEN = 10n;

function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  /** Parses plain decimal text such as `-12.340`, `.5`, `3.`, `1E+2`. Throws on bad input. */
  static parse(text: string): Decimal {
    const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
      throw new Error(`Invalid decimal: ${text}`);
    }
    const sign = m[1] === '-' ? -1n : 1n;
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    let scale = frac.length;
    let unscaled = BigInt((intPart + frac) || '0') * sign;
    if (m[4] !== undefined) {
      scale -= Number(m[4]);
      if (scale < 0) {
        unscaled *= pow10(-scale);
        scale = 0;
      }
    }
    return new Decimal(unscaled, scale);
  }

  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new Error(`Cannot convert ${n} to DECIMAL`);
    return Decimal.parse(String(n));
  }

  static fromBigint(n: bigint | number): Decimal {
    return new Decimal(BigInt(n), 0);
  }

  /** Number of significant digits (ksqlDB precision of this exact value). */
  precision(): number {
    const digits = (this.unscaled < 0n ? -this.unscaled : this.unscaled).toString().length;
    return Math.max(digits, this.scale, 1);
  }

  /** Same value at another scale; rounds HALF_UP when the scale shrinks (Java's default for ksqlDB casts). */
  setScale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    const div = pow10(this.scale - scale);
    const q = this.unscaled / div;
    const r = this.unscaled % div;
    const abs2r = (r < 0n ? -r : r) * 2n;
    let rounded = q;
    if (abs2r >= div) rounded += this.unscaled < 0n ? -1n : 1n;
    return new Decimal(rounded, scale);
  }

  /** True when the value fits DECIMAL(precision, scale) after rescaling. */
  fits(precision: number, scale: number): boolean {
    const v = this.setScale(scale).unscaled;
    return (v < 0n ? -v : v) < pow10(precision);
  }

  compareTo(other: Decimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.setScale(s).unscaled;
    const b = other.setScale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: Decimal): boolean {
    return this.compareTo(other) === 0;
  }

  negate(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  add(other: Decimal): Decimal {
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.setScale(s).unscaled + other.setScale(s).unscaled, s);
  }

  subtract(other: Decimal): Decimal {
    return this.add(other.negate());
  }

  multiply(other: Decimal): Decimal {
    return new Decimal(this.unscaled * other.unscaled, this.scale + other.scale);
  }

  /** Division to the given result scale, rounding HALF_UP. Throws on division by zero. */
  divide(other: Decimal, scale: number): Decimal {
    if (other.unscaled === 0n) throw new Error('Division by zero');
    // value = (a / 10^sa) / (b / 10^sb); scaled result = a * 10^(scale + sb - sa) / b
    const shift = scale + other.scale - this.scale;
    let num = this.unscaled;
    let den = other.unscaled;
    if (shift >= 0) num *= pow10(shift);
    else den *= pow10(-shift);
    let q = num / den;
    const r = num % den;
    const absR2 = (r < 0n ? -r : r) * 2n;
    const absDen = den < 0n ? -den : den;
    if (absR2 >= absDen) q += (num < 0n) !== (den < 0n) ? -1n : 1n;
    return new Decimal(q, scale);
  }

  remainder(other: Decimal): Decimal {
    if (other.unscaled === 0n) throw new Error('Division by zero');
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.setScale(s).unscaled % other.setScale(s).unscaled, s);
  }

  toNumber(): number {
    return Number(this.toString());
  }

  /** Plain text with exactly `scale` fraction digits, like Java's BigDecimal.toPlainString. */
  toString(): string {
    const neg = this.unscaled < 0n;
    let digits = (neg ? -this.unscaled : this.unscaled).toString();
    if (this.scale > 0) {
      digits = digits.padStart(this.scale + 1, '0');
      digits = `${digits.slice(0, digits.length - this.scale)}.${digits.slice(digits.length - this.scale)}`;
    }
    return neg ? `-${digits}` : digits;
  }

  toJSON(): number {
    return this.toNumber();
  }
}

export function isDecimal(v: unknown): v is Decimal {
  return v instanceof Decimal;
}
