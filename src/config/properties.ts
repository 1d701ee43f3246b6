// Property handling: validation of SET / request overrides, merging, and loading the
// server configuration from a properties file and EDDY_* environment variables.

import { readFileSync } from 'node:fs';
import { ALWAYS_DENIED, DEFAULT_PROPERTIES, canonicalPropertyName } from './defaults.js';
import { EddyError } from '../common/errors.js';

export class PropertyError extends EddyError {
  override readonly kind = 'config';
}

/** Throws PropertyError when a request may not override `name`. */
export function checkOverridable(name: string, serverConfig: Record<string, unknown>): void {
  const denylist = String(serverConfig['ksql.properties.overrides.denylist'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const canonical = canonicalPropertyName(name);
  if (ALWAYS_DENIED.includes(name) || denylist.includes(name) || denylist.includes(canonical)) {
    throw new PropertyError(`Cannot override property '${name}'`);
  }
  if (!isKnownPropertyName(name)) {
    throw new PropertyError(`Not recognizable as ksql, streams, consumer, or producer property: '${name}'`);
  }
}

/** ksql.*, streams/consumer/producer-style dotted names are accepted; bare words are not. */
export function isKnownPropertyName(name: string): boolean {
  if (name in DEFAULT_PROPERTIES) return true;
  return /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/i.test(name);
}

/** Parses Java-style `.properties` text: `key=value` or `key: value`, `#`/`!` comments. */
export function parsePropertiesText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.trim();
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
    else out[line] = '';
  }
  return out;
}

/** `EDDY_KSQL_SERVICE_ID=x` → `ksql.service.id=x` (single `_` → `.`, double `__` → `_`). */
export function propertiesFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith('EDDY_') || v === undefined) continue;
    const name = k
      .slice(5)
      .toLowerCase()
      .split('__')
      .map((part) => part.replace(/_/g, '.'))
      .join('_');
    out[name] = v;
  }
  return out;
}

/** Turns 'true'/'false'/numeric strings into the values the defaults use, keeping others as text. */
function typed(value: string, like: unknown): unknown {
  if (typeof like === 'boolean') return value.toLowerCase() === 'true';
  if (typeof like === 'number' && /^-?\d+$/.test(value.trim())) return Number(value);
  return value;
}

export interface LoadConfigOptions {
  file?: string;
  env?: Record<string, string | undefined>;
  overrides?: Record<string, unknown>;
}

/** Defaults, then the file, then EDDY_* variables, then explicit overrides. */
export function loadServerConfig(options: LoadConfigOptions = {}): Record<string, unknown> {
  const config: Record<string, unknown> = { ...DEFAULT_PROPERTIES };
  const apply = (props: Record<string, string>) => {
    for (const [k, v] of Object.entries(props)) {
      const key = canonicalPropertyName(k);
      config[key] = typed(v, DEFAULT_PROPERTIES[key]);
    }
  };
  if (options.file) apply(parsePropertiesText(readFileSync(options.file, 'utf8')));
  if (options.env) apply(propertiesFromEnv(options.env));
  for (const [k, v] of Object.entries(options.overrides ?? {})) config[canonicalPropertyName(k)] = v;
  return config;
}

/** Server config with a request's overrides on top (override names canonicalised). */
export function mergeProperties(server: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...server };
  for (const [k, v] of Object.entries(overrides)) {
    merged[k] = v;
    merged[canonicalPropertyName(k)] = v;
  }
  return merged;
}
