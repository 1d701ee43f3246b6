// A connector's configuration map with typed getters whose errors name the connector, the
// setting, what is wrong and what is allowed: as Kafka Connect's ConfigDef, by hand.

import { EddyError } from '../common/errors.js';

export class ConnectorConfigError extends EddyError {
  override readonly kind = 'config';
}

export class ConnectorConfig {
  constructor(
    readonly connector: string,
    readonly values: Record<string, string>,
  ) {}

  private fail(key: string, what: string): never {
    throw new ConnectorConfigError(`Connector ${this.connector}: invalid value for '${key}': ${what}`);
  }

  has(key: string): boolean {
    return this.values[key] !== undefined && this.values[key] !== '';
  }

  string(key: string, fallback?: string): string {
    const v = this.values[key];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new ConnectorConfigError(`Connector ${this.connector}: missing required configuration '${key}', which has no default value. Add '${key}'='...' to the WITH clause.`);
  }

  optional(key: string): string | undefined {
    const v = this.values[key];
    return v === undefined || v === '' ? undefined : v;
  }

  int(key: string, fallback: number, min = Number.MIN_SAFE_INTEGER): number {
    const raw = this.optional(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n)) this.fail(key, `'${raw}' is not an integer`);
    if (n < min) this.fail(key, `${n} is below the minimum of ${min}`);
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const raw = this.optional(key);
    if (raw === undefined) return fallback;
    const lower = raw.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    return this.fail(key, `'${raw}' is not a boolean (true or false)`);
  }

  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(key);
    if (raw === undefined) return fallback;
    const hit = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
    if (!hit) this.fail(key, `'${raw}' is not one of ${allowed.join(', ')}`);
    return hit;
  }

  /** A comma-separated list, trimmed, empty entries dropped. */
  list(key: string, fallback: string[] = []): string[] {
    const raw = this.optional(key);
    if (raw === undefined) return fallback;
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  }
}
