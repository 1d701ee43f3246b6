// How Eddy reaches a secured Kafka cluster: the client settings ksqlDB users write
// (`security.protocol`, `sasl.mechanism`, `sasl.jaas.config`, `ssl.*`, bare or under
// `ksql.streams.`) turned into kafkajs's `ssl` and `sasl` options.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface KafkaSecurity {
  protocol: SecurityProtocol;
  /** kafkajs `ssl`: TLS options, or undefined for none. */
  ssl?: ConnectionOptions;
  /** kafkajs `sasl`. */
  sasl?: SaslLogin;
  /** "SASL_PLAINTEXT, SCRAM-SHA-256, user 'alice'": what a message about the listener names. */
  description: string;
}

type SaslLogin =
  | { mechanism: 'plain'; username: string; password: string }
  | { mechanism: 'scram-sha-256'; username: string; password: string }
  | { mechanism: 'scram-sha-512'; username: string; password: string };

export class KafkaSecurityConfigError extends Error {}

const PROTOCOLS = new Set<SecurityProtocol>(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']);
const MECHANISMS = new Set<SaslMechanism>(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
const LOGIN_MODULES: Record<string, SaslMechanism[]> = {
  'org.apache.kafka.common.security.plain.PlainLoginModule': ['PLAIN'],
  'org.apache.kafka.common.security.scram.ScramLoginModule': ['SCRAM-SHA-256', 'SCRAM-SHA-512'],
};

/** A client setting, bare or under `ksql.streams.` (the bare one wins), trimmed; undefined when unset or empty. */
function setting(config: Record<string, unknown>, name: string): string | undefined {
  for (const key of [name, `ksql.streams.${name}`]) {
    const v = config[key];
    if (v !== undefined && v !== null && String(v).trim() !== '') return String(v).trim();
  }
  return undefined;
}

export interface JaasConfig {
  loginModule: string;
  controlFlag: string;
  options: Record<string, string>;
}

/**
 * Parses a JAAS login line as Kafka reads `sasl.jaas.config`:
 * `<LoginModule class> <required|requisite|sufficient|optional> key="value" key2=value2;`.
 * Values may be quoted (with backslash escapes) or bare.
 */
export function parseJaasConfig(text: string): JaasConfig {
  const fail = (why: string): never => {
    throw new KafkaSecurityConfigError(
      `sasl.jaas.config is not a JAAS login line (${why}); write it as: org.apache.kafka.common.security.plain.PlainLoginModule required username="USER" password="PASSWORD";`,
    );
  };
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const word = () => {
    skipSpace();
    const start = i;
    while (i < text.length && /[^\s=;"]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  const loginModule = word();
  if (!loginModule) fail('no login module class');
  const controlFlag = word().toLowerCase();
  if (!['required', 'requisite', 'sufficient', 'optional'].includes(controlFlag)) fail(`'${controlFlag || text.slice(i, i + 10)}' where the control flag (required) belongs`);
  const options: Record<string, string> = {};
  for (;;) {
    skipSpace();
    if (i >= text.length) fail("it does not end with ';'");
    if (text[i] === ';') break;
    const key = word();
    if (!key) fail(`unexpected '${text[i]}' at column ${i + 1}`);
    skipSpace();
    if (text[i] !== '=') fail(`option '${key}' has no '=' value`);
    i++;
    skipSpace();
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      if (text[i] !== '"') fail(`the value of '${key}' has no closing quote`);
      i++;
    } else {
      value = word();
    }
    options[key] = value;
  }
  i++;
  skipSpace();
  if (i < text.length) fail('it holds more than one login module');
  return { loginModule, controlFlag, options };
}

function readFile(setting: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new KafkaSecurityConfigError(`${setting}: cannot read '${path}': ${(e as Error).message}`);
  }
}

/** PEM text from an inline setting (with "\n" written as such in a properties file allowed). */
function inlinePem(value: string): string {
  return value.replace(/\\n/g, '\n');
}

function tlsOptions(config: Record<string, unknown>): ConnectionOptions {
  const tls: ConnectionOptions = {};
  const truststoreType = (setting(config, 'ssl.truststore.type') ?? 'JKS').toUpperCase();
  const truststore = setting(config, 'ssl.truststore.location');
  const trustedInline = setting(config, 'ssl.truststore.certificates');
  if (trustedInline) tls.ca = inlinePem(trustedInline);
  else if (truststore) {
    if (truststoreType !== 'PEM') {
      throw new KafkaSecurityConfigError(
        `ssl.truststore.type ${truststoreType} is not supported by Eddy's Kafka client; export the CA certificates as PEM (keytool -exportcert -rfc) and set ssl.truststore.type=PEM with ssl.truststore.location pointing at that file`,
      );
    }
    tls.ca = readFile('ssl.truststore.location', truststore).toString('utf8');
  }
  const keystoreType = (setting(config, 'ssl.keystore.type') ?? 'JKS').toUpperCase();
  const keystore = setting(config, 'ssl.keystore.location');
  const keyPassword = setting(config, 'ssl.key.password') ?? setting(config, 'ssl.keystore.password');
  const keyInline = setting(config, 'ssl.keystore.key');
  const chainInline = setting(config, 'ssl.keystore.certificate.chain');
  if (keyInline || chainInline) {
    if (!keyInline || !chainInline) throw new KafkaSecurityConfigError('ssl.keystore.key and ssl.keystore.certificate.chain go together: set both (PEM) or neither');
    tls.key = inlinePem(keyInline);
    tls.cert = inlinePem(chainInline);
    if (keyPassword) tls.passphrase = keyPassword;
  } else if (keystore) {
    if (keystoreType === 'PKCS12') {
      tls.pfx = readFile('ssl.keystore.location', keystore);
      const storePassword = setting(config, 'ssl.keystore.password');
      if (storePassword) tls.passphrase = storePassword;
    } else if (keystoreType === 'PEM') {
      // A PEM keystore file holds the private key and the certificate chain.
      const pem = readFile('ssl.keystore.location', keystore).toString('utf8');
      tls.key = pem;
      tls.cert = pem;
      if (keyPassword) tls.passphrase = keyPassword;
    } else {
      throw new KafkaSecurityConfigError(
        `ssl.keystore.type ${keystoreType} is not supported by Eddy's Kafka client; convert the keystore to PKCS12 (keytool -importkeystore -deststoretype PKCS12) or PEM and set ssl.keystore.type accordingly`,
      );
    }
  }
  // Kafka's default is https (check the host name); an empty value turns the check off.
  const endpointCheck = setting(config, 'ssl.endpoint.identification.algorithm');
  const explicitlyEmpty = ['ssl.endpoint.identification.algorithm', 'ksql.streams.ssl.endpoint.identification.algorithm'].some(
    (k) => config[k] !== undefined && String(config[k]).trim() === '',
  );
  if (explicitlyEmpty && endpointCheck === undefined) tls.checkServerIdentity = () => undefined;
  return tls;
}

function saslOptions(config: Record<string, unknown>): SaslLogin {
  const mechanism = (setting(config, 'sasl.mechanism') ?? 'GSSAPI').toUpperCase();
  if (!MECHANISMS.has(mechanism as SaslMechanism)) {
    throw new KafkaSecurityConfigError(
      `sasl.mechanism ${mechanism} is not supported by Eddy's Kafka client${mechanism === 'GSSAPI' ? ' (GSSAPI is Kafka\'s default when sasl.mechanism is not set)' : ''}; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`,
    );
  }
  const jaasText = setting(config, 'sasl.jaas.config');
  if (!jaasText) {
    throw new KafkaSecurityConfigError(`security.protocol SASL needs sasl.jaas.config, e.g. ${loginModuleFor(mechanism as SaslMechanism)} required username="USER" password="PASSWORD";`);
  }
  const jaas = parseJaasConfig(jaasText);
  const fits = LOGIN_MODULES[jaas.loginModule];
  if (!fits || !fits.includes(mechanism as SaslMechanism)) {
    throw new KafkaSecurityConfigError(`sasl.jaas.config names ${jaas.loginModule}, which does not do sasl.mechanism ${mechanism}; use ${loginModuleFor(mechanism as SaslMechanism)}`);
  }
  const { username, password } = jaas.options;
  if (username === undefined || password === undefined) throw new KafkaSecurityConfigError('sasl.jaas.config needs both username="…" and password="…"');
  return { mechanism: mechanism.toLowerCase() as SaslLogin['mechanism'], username, password } as SaslLogin;
}

function loginModuleFor(mechanism: SaslMechanism): string {
  return mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
}

/** The kafkajs security options of a server configuration; throws KafkaSecurityConfigError saying what to fix. */
export function kafkaSecurity(config: Record<string, unknown>): KafkaSecurity {
  const protocol = (setting(config, 'security.protocol') ?? 'PLAINTEXT').toUpperCase() as SecurityProtocol;
  if (!PROTOCOLS.has(protocol)) throw new KafkaSecurityConfigError(`security.protocol ${protocol} is not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL`);
  const out: KafkaSecurity = { protocol, description: protocol };
  if (protocol === 'SSL' || protocol === 'SASL_SSL') out.ssl = tlsOptions(config);
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    out.sasl = saslOptions(config);
    out.description = `${protocol}, ${out.sasl.mechanism.toUpperCase()}, user '${out.sasl.username}'`;
  }
  return out;
}

/** kafkajs's name for a failed login. */
export function isAuthenticationError(e: unknown): boolean {
  for (let x = e as { name?: string; cause?: unknown } | undefined; x; x = x.cause as typeof x) {
    if (x.name === 'KafkaJSSASLAuthenticationError') return true;
  }
  return false;
}
