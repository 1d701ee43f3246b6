// The real Apache Kafka cluster that scripts/kafka-cluster starts, as the tests see it: its
// addresses come from the environment (.ci/run exports them). Outside CI a missing cluster
// skips the tests that need it, saying how to start one; under CI=true it is a failure.

import { test } from 'node:test';

export interface RealKafka {
  /** PLAINTEXT bootstrap servers. */
  brokers: string[];
  /** SASL_PLAINTEXT bootstrap servers (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  saslBrokers: string[];
  username: string;
  password: string;
}

export const START_HINT = 'start one with: eval "$(scripts/kafka-cluster start)"  (stop it with scripts/kafka-cluster stop)';

function fromEnv(): RealKafka | undefined {
  const plain = process.env.EDDY_KAFKA_BOOTSTRAP;
  if (!plain) return undefined;
  const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
  return {
    brokers: list(plain),
    saslBrokers: list(process.env.EDDY_KAFKA_SASL_BOOTSTRAP),
    username: process.env.EDDY_KAFKA_SASL_USERNAME ?? 'eddy',
    password: process.env.EDDY_KAFKA_SASL_PASSWORD ?? 'eddy-secret',
  };
}

/**
 * The cluster, or undefined with a skip reason. Under CI=true a missing cluster adds a
 * failing test, so the run cannot pass without having met real Kafka.
 */
export function realKafka(what: string): { cluster: RealKafka; skip: false } | { cluster: undefined; skip: string } {
  const cluster = fromEnv();
  if (cluster) return { cluster, skip: false };
  const reason = `no real Kafka cluster for ${what}: EDDY_KAFKA_BOOTSTRAP is not set; ${START_HINT}`;
  if (process.env.CI === 'true') {
    test(`a real Kafka cluster is available for ${what}`, () => {
      throw new Error(`${reason}. .ci/run starts it; see docs/kafka.md`);
    });
  } else {
    console.log(`# skipping: ${reason}`);
  }
  return { cluster: undefined, skip: reason };
}
