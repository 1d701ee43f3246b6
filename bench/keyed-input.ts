// The input of the stateful benches: a stream of JSON records {ID, K, AMOUNT} whose group
// key K spreads over `keys` distinct values ((i * 7919) mod keys: with keys a multiple of
// 10, every key appears, evenly). Record i has timestamp BASE_TS + i * stepMs.

import type { DataSource } from '../src/catalog/model.js';
import { BIGINT, DOUBLE, STRING } from '../src/common/types.js';

export const BASE_TS = 1_700_000_000_000;

export function keyOf(i: number, keys: number): string {
  return `k${(i * 7919) % keys}`;
}

export function keyedValues(records: number, keys: number): Buffer[] {
  const out: Buffer[] = new Array(records);
  for (let i = 0; i < records; i++) {
    out[i] = Buffer.from(JSON.stringify({ ID: i, K: keyOf(i, keys), AMOUNT: ((i * 37) % 10000) / 100 }));
  }
  return out;
}

export function keyedInputSource(name: string, topic: string): DataSource {
  return {
    name,
    sourceType: 'STREAM',
    schema: {
      key: [],
      value: [
        { name: 'ID', type: BIGINT, namespace: 'VALUE' },
        { name: 'K', type: STRING, namespace: 'VALUE' },
        { name: 'AMOUNT', type: DOUBLE, namespace: 'VALUE' },
      ],
    },
    topic,
    keyFormat: { format: 'KAFKA' },
    valueFormat: { format: 'JSON' },
    isSource: false,
    sqlText: `CREATE STREAM ${name} (ID BIGINT, K STRING, AMOUNT DOUBLE) WITH (kafka_topic='${topic}', value_format='JSON');`,
  };
}
