// How `eddy topic` authenticates to a secured broker: flags, EDDY_KAFKA_* variables, or a Kafka
// client properties file (--command-config, as Kafka's own CLI tools take it), turned into
// kafkajs's ssl and sasl options. Precedence: flag, then variable, then the file.
//   --security-protocol  PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL   (security.protocol)
//   --sasl-mechanism     PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512          (sasl.mechanism)
//   --sasl-username / --sasl-password  (EDDY_KAFKA_USERNAME / EDDY_KAFKA_PASSWORD;
//                         sasl.jaas.config's username="…" password="…", or sasl.username/sasl.password)
//   --ca-file            PEM CA certificates to trust (ssl.truststore.location with
//                         ssl.truststore.type=PEM, or ssl.ca.location)

import fs from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { parsePropertiesText } from '../src/config/index.js';
import { UserError } from './topic-client.js';

const PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
const MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

export const SECURITY_OPTIONS = {
  'security-protocol': { type: 'string' },
  'sasl-mechanism': { type: 'string' },
  'sasl-username': { type: 'string' },
  'sasl-password': { type: 'string' },
  'ca-file': { type: 'string' },
  'command-config': { type: 'string' },
} as const;

export const SECURITY_HELP = `      --security-protocol P            PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL
      --sasl-mechanism M               PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
      --sasl-username U, --sasl-password P   SASL login ($EDDY_KAFKA_USERNAME, $EDDY_KAFKA_PASSWORD)
      --ca-file ca.pem                 CA certificates to trust for SSL/SASL_SSL (default: the system's)
      --command-config client.properties   Kafka client properties (security.protocol, sasl.mechanism,
                                       sasl.jaas.config, ssl.truststore.location with type PEM)`;

export interface SecurityFlags {
  'security-protocol'?: string;
  'sasl-mechanism'?: string;
  'sasl-username'?: string;
  'sasl-password'?: string;
  'ca-file'?: string;
  'command-config'?: string;
}

function readProperties(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--command-config: cannot read '${file}': ${(e as Error).message}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsePropertiesText(text))) out[k] = String(v);
  return out;
}

/** username="…" and password="…" of a JAAS login module line. */
function jaasField(jaas: string | undefined, name: string): string | undefined {
  if (!jaas) return undefined;
  return new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas)?.[1]?.replace(/\\(.)/g, '$1');
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const v = value.trim().toUpperCase();
  if (!(allowed as readonly string[]).includes(v)) throw new UserError(`${what} must be one of ${allowed.join(', ')}, got '${value}'`);
  return v as T;
}

/** kafkajs's ssl and sasl settings for the flags, variables and properties file given. */
export function kafkaSecurity(flags: SecurityFlags, env: NodeJS.ProcessEnv): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const props = flags['command-config'] ? readProperties(flags['command-config']) : {};
  const where = flags['command-config'] ? ` (in ${flags['command-config']})` : '';
  const protocol = oneOf(flags['security-protocol'] ?? props['security.protocol'] ?? 'PLAINTEXT', PROTOCOLS, `--security-protocol${where}`);
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const storeType = (props['ssl.truststore.type'] ?? 'PEM').toUpperCase();
    const fromProps = props['ssl.ca.location'] ?? props['ssl.truststore.location'];
    if (!flags['ca-file'] && props['ssl.truststore.location'] && storeType !== 'PEM') {
      throw new UserError(`ssl.truststore.type=${storeType}${where}: eddy topic reads PEM trust stores only; set ssl.truststore.type=PEM with a PEM file, or pass --ca-file ca.pem`);
    }
    const caFile = flags['ca-file'] ?? fromProps;
    if (caFile) {
      try {
        out.ssl = { ca: [fs.readFileSync(caFile, 'utf8')] };
      } catch (e) {
        throw new UserError(`cannot read the CA file '${caFile}': ${(e as Error).message}`);
      }
    } else out.ssl = true;
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const given = flags['sasl-mechanism'] ?? props['sasl.mechanism'];
    if (!given) throw new UserError(`--security-protocol ${protocol} needs --sasl-mechanism (${MECHANISMS.join(', ')})`);
    const mechanism = oneOf(given, MECHANISMS, `--sasl-mechanism${where}`);
    const jaas = props['sasl.jaas.config'];
    const username = flags['sasl-username'] ?? env.EDDY_KAFKA_USERNAME ?? props['sasl.username'] ?? jaasField(jaas, 'username');
    const password = flags['sasl-password'] ?? env.EDDY_KAFKA_PASSWORD ?? props['sasl.password'] ?? jaasField(jaas, 'password');
    if (!username || password === undefined) {
      throw new UserError(`SASL ${mechanism} needs a user and a password: --sasl-username and --sasl-password (or EDDY_KAFKA_USERNAME and EDDY_KAFKA_PASSWORD)`);
    }
    out.sasl = { mechanism: mechanism.toLowerCase(), username, password } as SASLOptions;
  }
  return out;
}
