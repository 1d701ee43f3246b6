// `npm run bench -- <name>`: runs one benchmark and prints its figures.
const benches: Record<string, () => Promise<unknown>> = {
  stateless: async () => (await import('./stateless.js')).runStatelessBench(),
  broker: async () => (await import('./broker.js')).runBrokerBench(),
};

const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
await bench();
