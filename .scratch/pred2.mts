import { Matrix } from '../src/core/matrix.js';
import { HistGradientBoostingClassifier } from '../src/ensemble/index.js';
import { RandomState } from '../src/core/random.js';
import { setLinalgThreads } from '../src/linalg/threads.js';
const n = 100_000, d = 28;
const rs = new RandomState(0);
const x = rs.standardNormal(n * d);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < 6; j++) s += x[i * d + j]! * (j + 1) * (j % 2 ? -1 : 1); y[i] = s + rs.standardNormal(1)[0]! > 0 ? 1 : 0; }
const m = new HistGradientBoostingClassifier({ maxIter: 100, maxLeafNodes: 31, earlyStopping: false, randomState: 0 }).fit(new Matrix(x, n, d), y);
const Xt = new Matrix(rs.standardNormal(500_000 * d), 500_000, d);

await new Promise((r) => setTimeout(r, 300));
for (const th of [2, 1, 2, 1]) {
  setLinalgThreads(th);
  const t = performance.now(); const c0 = process.cpuUsage();
  (m as any).rawPredict(Xt);
  const c = process.cpuUsage(c0);
  console.log('threads', th, 'rawPredict 500k', (performance.now() - t).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
}
