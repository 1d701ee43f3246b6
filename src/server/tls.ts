// TLS for the REST API, read from ksqlDB's server properties: `listeners=https://host:port`
// turns it on; the key and certificate come from a keystore file as Kafka and ksqlDB name it:
//   ssl.keystore.location   PEM (private key and certificate chain in one file) or PKCS12
//   ssl.keystore.type       PEM | PKCS12 (default: PEM when the file is PEM text, else PKCS12)
//   ssl.keystore.password   the PKCS12 store's password
//   ssl.key.password        the PEM private key's passphrase, if it is encrypted
//   ssl.client.authentication  NONE (default) | REQUESTED | REQUIRED: client certificates,
//   ssl.truststore.location    checked against these PEM CA certificates
// Java KeyStores (JKS) cannot be read by Node: they are refused with the keytool command
// that converts them.

import fs from 'node:fs';
import tls, { type SecureContextOptions, type TlsOptions } from 'node:tls';

const JKS_MAGIC = 0xfeedfeed;

/** The first listener of `listeners`, e.g. https://0.0.0.0:8088. */
function firstListener(config: Record<string, unknown>): string {
  return String(config.listeners ?? '').split(',')[0]!.trim();
}

/** True when `listeners` asks for HTTPS. */
export function restTlsWanted(config: Record<string, unknown>): boolean {
  return /^https:\/\//i.test(firstListener(config));
}

function readStore(config: Record<string, unknown>, key: string): Buffer {
  const file = config[key];
  if (!file) throw new Error(`listeners=${firstListener(config)} needs ${key} (a PEM file with the private key and certificate chain, or a PKCS12 store)`);
  try {
    return fs.readFileSync(String(file));
  } catch (e) {
    throw new Error(`${key}: cannot read '${String(file)}': ${(e as Error).message}`);
  }
}

function keystoreOptions(config: Record<string, unknown>): SecureContextOptions {
  const location = String(config['ssl.keystore.location'] ?? '');
  const store = readStore(config, 'ssl.keystore.location');
  if (store.length >= 4 && store.readUInt32BE(0) === JKS_MAGIC) {
    throw new Error(
      `ssl.keystore.location: '${location}' is a Java KeyStore (JKS), which Eddy cannot read. Convert it: ` +
        `keytool -importkeystore -srckeystore ${location} -destkeystore keystore.p12 -deststoretype PKCS12, then set ssl.keystore.type=PKCS12`,
    );
  }
  const declared = config['ssl.keystore.type'] === undefined ? undefined : String(config['ssl.keystore.type']).trim().toUpperCase();
  const type = declared ?? (store.subarray(0, 64).toString('latin1').includes('-----BEGIN') ? 'PEM' : 'PKCS12');
  if (type === 'PKCS12') {
    const password = config['ssl.keystore.password'];
    return { pfx: store, ...(password !== undefined ? { passphrase: String(password) } : {}) };
  }
  if (type !== 'PEM') throw new Error(`ssl.keystore.type must be PEM or PKCS12, got '${declared}'`);
  const text = store.toString('utf8');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new Error(`ssl.keystore.location: '${location}' holds no PEM private key: put the key and the certificate chain in one file`);
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`ssl.keystore.location: '${location}' holds no PEM certificate: put the key and the certificate chain in one file`);
  const passphrase = config['ssl.key.password'];
  return { key: text, cert: text, ...(passphrase !== undefined ? { passphrase: String(passphrase) } : {}) };
}

function clientAuthOptions(config: Record<string, unknown>): TlsOptions {
  const mode = String(config['ssl.client.authentication'] ?? 'NONE').trim().toUpperCase();
  if (mode === 'NONE') return {};
  if (mode !== 'REQUESTED' && mode !== 'REQUIRED') throw new Error(`ssl.client.authentication must be NONE, REQUESTED or REQUIRED, got '${String(config['ssl.client.authentication'])}'`);
  const ca = readStore(config, 'ssl.truststore.location').toString('utf8');
  return { requestCert: true, rejectUnauthorized: mode === 'REQUIRED', ca };
}

/** The REST listener's TLS options, or undefined for plain HTTP. Throws with the setting to fix. */
export function restTlsFromConfig(config: Record<string, unknown>): TlsOptions | undefined {
  if (!restTlsWanted(config)) return undefined;
  let options: TlsOptions;
  try {
    options = { ...keystoreOptions(config), ...clientAuthOptions(config) };
  } catch (e) {
    throw new Error(`REST API TLS: ${(e as Error).message}`);
  }
  try {
    tls.createSecureContext(options);
  } catch (e) {
    throw new Error(
      `REST API TLS: cannot load the keystore '${String(config['ssl.keystore.location'])}': ${(e as Error).message}. ` +
        'Check ssl.keystore.password (PKCS12) or ssl.key.password (an encrypted PEM key), and that the key matches the certificate.',
    );
  }
  return options;
}
