import { Matrix } from '../src/core/matrix.js';
import { HistGradientBoostingClassifier } from '../src/ensemble/index.js';
import { RandomState } from '../src/core/random.js';
import { setLinalgThreads } from '../src/linalg/threads.js';
import { hgbPredictWasmSwitch } from '../src/ensemble/forest.js';
const n = 100_000, d = 28;
const rs = new RandomState(0);
const x = rs.standardNormal(n * d);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < 6; j++) s += x[i * d + j]! * (j + 1) * (j % 2 ? -1 : 1); y[i] = s + rs.standardNormal(1)[0]! > 0 ? 1 : 0; }
const m = new HistGradientBoostingClassifier({ maxIter: 100, maxLeafNodes: 31, earlyStopping: false, randomState: 0 }).fit(new Matrix(x, n, d), y);
const Xt = new Matrix(rs.standardNormal(500_000 * d), 500_000, d);
for (let i = 0; i < 5000; i++) Xt.data[i * 7] = NaN;
const ref: Record<string, Float64Array> = {};
for (const th of (process.env.TH ?? '1,2,1,2').split(',').map(Number)) for (const w of [false, true]) {
  setLinalgThreads(th); hgbPredictWasmSwitch.on = w;
  const t = performance.now(); const c0 = process.cpuUsage();
  const r = (m as any).rawPredict(Xt) as Float64Array;
  const c = process.cpuUsage(c0);
  let same = true; if (ref.x) { for (let i = 0; i < r.length; i++) if (r[i] !== ref.x[i]) { same = false; break; } } else ref.x = r;
  console.log('threads', th, w ? 'wasm' : 'ts  ', 'rawPredict 500k', (performance.now() - t).toFixed(0), 'cpu', ((c.user + c.system) / 1000).toFixed(0), 'same', same);
}
