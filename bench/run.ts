// `npm run bench -- <name> [--records N] [--rounds N] [--log kafka [--bootstrap HOST:PORT]]`
// (`stateless --partitions N`: one thread against worker threads, see stateless-threads.ts):
// runs one benchmark and prints its figures (alternating rounds of Eddy and its baseline).
const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};

async function stateless(): Promise<unknown> {
  const partitions = option('--partitions');
  if (partitions !== undefined) return (await import('./stateless-threads.js')).runStatelessThreadsBench(Number(partitions));
  if (option('--log') !== 'kafka') return (await import('./stateless.js')).runStatelessBench();
  const bootstrap = option('--bootstrap') ?? process.env.EDDY_KAFKA_BOOTSTRAP;
  if (!bootstrap) {
    console.error('stateless --log kafka needs a cluster: --bootstrap HOST:PORT, or EDDY_KAFKA_BOOTSTRAP from eval "$(scripts/kafka-cluster start)"');
    process.exit(2);
  }
  return (await import('./stateless-kafka.js')).runStatelessKafkaBench(bootstrap);
}

const benches: Record<string, () => Promise<unknown>> = {
  stateless,
  broker: async () => (await import('./broker.js')).runBrokerBench(),
  aggregate: async () => (await import('./aggregate.js')).runAggregateBench(),
  join: async () => (await import('./join.js')).runJoinBench(),
  windowed: async () => (await import('./windowed.js')).runWindowedBench(),
  pull: async () => (await import('./pull.js')).runPullBench(),
  restart: async () => (await import('./restart.js')).runRestartBench(),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
await bench();
