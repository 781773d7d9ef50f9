import { Matrix } from '../src/core/matrix.js';
import { HistGradientBoostingClassifier } from '../src/ensemble/index.js';
import { RandomState } from '../src/core/random.js';
const n = 200_000, d = 28;
const rs = new RandomState(0);
const x = rs.standardNormal(n * d);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < 6; j++) s += x[i * d + j]! * (j + 1) * (j % 2 ? -1 : 1); y[i] = s + rs.standardNormal(1)[0]! > 0 ? 1 : 0; }
const X = new Matrix(x, n, d);
let t = performance.now();
const m = new HistGradientBoostingClassifier({ maxIter: 100, maxLeafNodes: 31, earlyStopping: false, randomState: 0 }).fit(X, y);
console.log('fit', (performance.now() - t).toFixed(0));
const Xt = new Matrix(rs.standardNormal(1_000_000 * d), 1_000_000, d);
for (let r = 0; r < 3; r++) {
  t = performance.now(); const c0 = process.cpuUsage();
  m.predictProba(Xt);
  const c = process.cpuUsage(c0);
  console.log('predictProba 1M', (performance.now() - t).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0));
}
t = performance.now();
(m as any).rawPredict(Xt);
console.log('rawPredict', (performance.now() - t).toFixed(0));
import { setLinalgThreads, linalgThreads } from '../src/linalg/threads.js';
console.log('threads', linalgThreads());
setLinalgThreads(1);
for (let r = 0; r < 2; r++) { t = performance.now(); (m as any).rawPredict(Xt); console.log('rawPredict 1 thread', (performance.now() - t).toFixed(0)); }
