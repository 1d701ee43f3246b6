// Development aid: one Eddy round of the stateless bench's query (no baseline), to run under
// `node --cpu-prof --import tsx bench/profile-stateless.ts [RECORDS]`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillTopic, openBenchLog, runQueryRound } from './embedded-query.js';
import { benchInputSource, makeValues } from './stateless.js';

const records = Number(process.argv[2] ?? 300_000);
const dir = mkdtempSync(join(tmpdir(), 'eddy-profile-'));
try {
  const log = await openBenchLog(dir);
  const values = makeValues(records);
  await fillTopic(log, 'input', records, (i) => ({ key: null, value: values[i]!, timestamp: 1_700_000_000_000 }));
  const cpu0 = process.cpuUsage();
  const r = await runQueryRound({
    log,
    sources: [benchInputSource('input')],
    sql: 'CREATE STREAM OUT AS SELECT ID, NAME, AMOUNT * 2 AS AMOUNT2, CATEGORY FROM INPUT WHERE AMOUNT > 50;',
    sink: 'OUT',
    dataDir: join(dir, 'data'),
  });
  const cpu = process.cpuUsage(cpu0);
  console.log(`stateless: ${records} records: ${r.ms.toFixed(0)} ms, ${r.produced} produced, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
  await log.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
