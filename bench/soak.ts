// `npm run soak -- <name> [options]`: long-running checks that are too slow for `npm test`.
const soaks: Record<string, (args: string[]) => Promise<boolean>> = {
  eos: async (args) => (await import('./soak-eos.js')).runEosSoak(args),
  failover: async (args) => (await import('./soak-failover.js')).runFailoverSoak(args),
  'join-order': async (args) => (await import('./soak-join-order.js')).runJoinOrderSoak(args),
};

const name = process.argv[2];
const soak = name ? soaks[name] : undefined;
if (!soak) {
  console.error(`usage: npm run soak -- <${Object.keys(soaks).join('|')}> [options]`);
  process.exit(2);
}
const ok = await soak(process.argv.slice(3));
process.exit(ok ? 0 : 1);
