import { streamMatrix } from '../src/io/index.js';
const f = process.argv[2]!;
let n = 0, peak = 0; const t = performance.now();
for await (const { X } of streamMatrix(f, { batchRows: 100_000 })) { n += X.rows; peak = Math.max(peak, process.memoryUsage().rss); }
console.log(n, 'rows', ((performance.now() - t) / 1000).toFixed(2), 's, peak rss', (peak / 2 ** 20).toFixed(0), 'MiB');
