// Kafka's `advertised.listeners` setting ("PLAINTEXT://host:port[,NAME://host:port]"):
// the address the broker tells clients to connect to, when it differs from where it binds
// (containers, NAT, a wildcard bind).

export interface AdvertisedListener {
  host: string;
  port: number;
}

/** The PLAINTEXT (else first) listener of an advertised.listeners value; throws on a malformed one. */
export function parseAdvertisedListeners(value: string): AdvertisedListener {
  const entries = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const parsed = entries.map((entry) => {
    const m = /^([A-Za-z0-9_]+):\/\/(\[[^\]]+\]|[^:/]*):(\d+)$/.exec(entry);
    if (!m || Number(m[3]) > 65535) {
      throw new Error(`advertised.listeners entry '${entry}' is not NAME://host:port, e.g. PLAINTEXT://broker.example.com:9092`);
    }
    return { name: m[1].toUpperCase(), host: m[2].replace(/^\[|\]$/g, ''), port: Number(m[3]) };
  });
  if (parsed.length === 0) throw new Error("advertised.listeners is empty; give e.g. 'PLAINTEXT://broker.example.com:9092'");
  const chosen = parsed.find((l) => l.name === 'PLAINTEXT') ?? parsed[0];
  return { host: chosen.host, port: chosen.port };
}
