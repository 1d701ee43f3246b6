// Development aid: one Eddy round of a bench query (no baseline), to run under
// `node --cpu-prof --import tsx bench/profile-eddy.ts aggregate|join|windowed [RECORDS] [KEYS]`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { BASE_TS, keyedInputSource, keyedValues } from './keyed-input.js';
import { AGGREGATE_SQL } from './aggregate.js';
import { customer, customersSource, JOIN_SQL, TABLE_ROWS } from './join.js';

const [what = 'aggregate', recordsText = '1000000', keysText = '10000'] = process.argv.slice(2);
const records = Number(recordsText);
const keys = Number(keysText);
const dir = mkdtempSync(join(tmpdir(), 'eddy-profile-'));
try {
  const log = await openBenchLog(dir);
  const values = keyedValues(records, keys);
  const step = what === 'windowed' ? 10 : 1;
  await fillTopic(log, 'input', records, (i) => ({ key: null, value: values[i]!, timestamp: BASE_TS + i * step }));
  const sources = [keyedInputSource('INPUT', 'input')];
  if (what === 'join') {
    await fillTopic(log, 'customers', TABLE_ROWS, (i) => ({ ...customer(i), timestamp: BASE_TS - 1000 }));
    sources.push(customersSource('customers'));
  }
  const sql =
    what === 'windowed'
      ? 'CREATE TABLE W AS SELECT K, COUNT(*) AS C FROM INPUT WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY K;'
      : what === 'join'
        ? JOIN_SQL('J')
        : AGGREGATE_SQL('AGG');
  const sink = what === 'windowed' ? 'W' : what === 'join' ? 'J' : 'AGG';
  const properties = process.env.EDDY_CACHE === undefined ? {} : { 'cache.max.bytes.buffering': Number(process.env.EDDY_CACHE) };
  const cpu0 = process.cpuUsage();
  const r = await runQueryRound({ log, sources, sql, sink, dataDir: join(dir, 'data'), properties });
  console.log(`${what}: ${records} records, ${keys} keys: ${r.ms.toFixed(0)} ms, ${Math.round((records / r.ms) * 1000)}/s, ${r.produced} produced, peak RSS ${r.peakRssMb.toFixed(0)} MB (heap ${r.peakHeapMb.toFixed(0)}, external ${r.peakExternalMb.toFixed(0)}), cpu ${((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000).toFixed(0)} ms`);
  await log.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
