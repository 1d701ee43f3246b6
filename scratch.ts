const t0 = performance.now();
const { parseExpression } = await import('./src/parser/index.js');
const t1 = performance.now();
parseExpression('a + 1');
const t2 = performance.now();
console.log('import', (t1 - t0).toFixed(0), 'first parse', (t2 - t1).toFixed(0));
