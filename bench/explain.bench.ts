/**
 * Explainers (`npm run bench explain`):
 * - TreeSHAP of a 100-tree RandomForestRegressor (maxDepth 8) on 1,000 x 30 (target < 2 s on 2 cores):
 *   the recursive algorithm (Lundberg Alg. 2, the previous implementation), Fast TreeSHAP v2 in the
 *   calling thread (first call, tables built, and warm, tables cached) and shapValuesAsync nJobs 1 / 2
 *   (same run); peer: xgboost 1.7's C++ TreeSHAP (pred_contribs) on an XGBRFRegressor of the same
 *   size fitted to the same data (its own trees), nthread 1 and 2, when Debian's python3 has it;
 * - permutationImportance (nRepeats 5) of the same forest, nJobs 1 vs 2 (target >= 1.6x), and
 *   scikit-learn 1.2.1's permutation_importance on the same data and forest (n_jobs 1 and 2)
 *   when Debian's python3 has it (the importances are compared too: same random_state).
 * The machine is shared: besides wall time, the note gives this process's CPU time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '../src/core/matrix.js';
import { closePool } from '../src/core/pool.js';
import { RandomState } from '../src/core/random.js';
import { permutationImportance } from '../src/explain/permutation.js';
import { shapValues, shapValuesAsync } from '../src/explain/shap.js';
import { RandomForestRegressor } from '../src/tree/forest.js';
import { printTable, runPython, type BenchRow } from './util.js';

const n = 1000, d = 30;
const rs = new RandomState(0);
const X = new Matrix(rs.standardNormal(n * d), n, d);
const y = new Float64Array(n);
for (let i = 0; i < n; i++) {
  const r = i * d;
  y[i] = 2 * X.data[r]! + Math.sin(3 * X.data[r + 1]!) + X.data[r + 2]! * X.data[r + 3]! + 0.5 * rs.standardNormal();
}

async function measure(fn: () => unknown, repeat = 3, warmup = true): Promise<{ ms: number; cpu: number }> {
  if (warmup) await fn();
  const walls: number[] = [], cpus: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  walls.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return { ms: walls[Math.floor(repeat / 2)]!, cpu: cpus[Math.floor(repeat / 2)]! };
}

const rf = await new RandomForestRegressor({ nEstimators: 100, maxDepth: 8, randomState: 0, nJobs: 2 }).fitAsync(X, y);
const rows: BenchRow[] = [];

const measureOnce = async (fn: () => unknown) => measure(fn, 1, false);
const shapTask = 'TreeSHAP 100 trees depth 8, 1000 x 30';
// first: Fast TreeSHAP with its tables built in this call (nothing cached yet)
const cold = await measureOnce(() => shapValues(rf, X, { treeAlgorithm: 'fast' }));
const rec = await measureOnce(() => shapValues(rf, X, { treeAlgorithm: 'recursive' }));
const fast1 = await measure(() => shapValues(rf, X), 3);
const async1 = await measure(() => shapValuesAsync(rf, X, { nJobs: 1 }), 3);
const async2 = await measure(() => shapValuesAsync(rf, X, { nJobs: 2 }), 3);
rows.push({ task: shapTask, impl: 'deepmine', ms: fast1.ms, note: `Fast TreeSHAP v2, calling thread, tables cached; CPU ${fast1.cpu.toFixed(0)} ms` });
rows.push({ task: shapTask, impl: 'deepmine first call', ms: cold.ms, note: `tables built in the call; CPU ${cold.cpu.toFixed(0)} ms` });
rows.push({ task: shapTask, impl: 'deepmine recursive', ms: rec.ms, note: `Lundberg Alg. 2 (previous implementation); CPU ${rec.cpu.toFixed(0)} ms` });
rows.push({ task: shapTask, impl: 'deepmine async nJobs 1', ms: async1.ms, note: 'shapValuesAsync' });
rows.push({ task: shapTask, impl: 'deepmine async nJobs 2', ms: async2.ms, note: `shapValuesAsync, caller + 1 worker; ${(async1.ms / async2.ms).toFixed(2)}x over nJobs 1 (target < 2000 ms)` });

const opts = { nRepeats: 5, randomState: 0 };
// first nJobs 2 call: the forest is serialised once and parsed by the worker (then cached)
const p2cold = await measureOnce(() => permutationImportance(rf, X, y, { ...opts, nJobs: 2 }));
const p1 = await measure(() => permutationImportance(rf, X, y, { ...opts, nJobs: 1 }), 3);
const p2 = await measure(() => permutationImportance(rf, X, y, { ...opts, nJobs: 2 }), 3);
const task = 'permutationImportance, forest above, 30 cols x 5 repeats';
rows.push({ task, impl: 'deepmine', ms: p1.ms, note: `nJobs 1; CPU ${p1.cpu.toFixed(0)} ms` });
rows.push({ task, impl: 'deepmine nJobs 2', ms: p2.ms, note: `speedup ${(p1.ms / p2.ms).toFixed(2)}x over nJobs 1 (target >= 1.6x); model already in the worker` });
rows.push({ task, impl: 'deepmine nJobs 2 first call', ms: p2cold.ms, note: `includes shipping the forest (toJSON + parse in the worker): ${(p1.ms / p2cold.ms).toFixed(2)}x over nJobs 1` });

const ours = await permutationImportance(rf, X, y, { ...opts, nJobs: 2 });
const dir = mkdtempSync(join(tmpdir(), 'deepmine-explain-'));
writeFileSync(join(dir, 'X.bin'), Buffer.from(X.data.buffer));
writeFileSync(join(dir, 'y.bin'), Buffer.from(y.buffer));
const xgb = runPython<{ ms1: number; ms2: number; leaves: number; local: number }>(`
import json, time, numpy as np, xgboost as xgb
X = np.fromfile(${JSON.stringify(join(dir, 'X.bin'))}).reshape(${n}, ${d}); y = np.fromfile(${JSON.stringify(join(dir, 'y.bin'))})
m = xgb.XGBRFRegressor(n_estimators=100, max_depth=8, subsample=0.632, colsample_bynode=1.0, random_state=0, n_jobs=1, tree_method='exact').fit(X, y)
b = m.get_booster(); dm = xgb.DMatrix(X)
def run(t):
    b.set_param({'nthread': t}); t0 = time.perf_counter(); c = b.predict(dm, pred_contribs=True); return (time.perf_counter() - t0) * 1000, c
ms1, c = run(1); ms2, _ = run(2)
leaves = sum(line.count('leaf=') for line in b.get_dump())
print(json.dumps({'ms1': ms1, 'ms2': ms2, 'leaves': leaves, 'local': float(np.abs(c.sum(1) - b.predict(dm, output_margin=True)).max())}))`, ['numpy', 'xgboost']);
let ourLeaves = 0;
for (const t of rf.trees) for (let i = 0; i < t.nodeCount; i++) if (t.childrenLeft[i] === -1) ourLeaves++;
if (xgb) {
  rows.push({ task: shapTask, impl: 'xgboost 1.7 pred_contribs', ms: xgb.ms1, note: `C++ TreeSHAP, nthread 1, XGBRFRegressor 100 trees depth 8 (${xgb.leaves} leaves vs our ${ourLeaves}); local accuracy ${xgb.local.toExponential(1)}` });
  rows.push({ task: shapTask, impl: 'xgboost 1.7 pred_contribs nthread 2', ms: xgb.ms2, note: `${(xgb.ms1 / xgb.ms2).toFixed(2)}x over nthread 1` });
} else rows.push({ task: shapTask, impl: 'xgboost', ms: null, note: 'no /usr/bin/python3 with xgboost' });
const py = runPython<{ ms1: number; ms2: number; mean: number[] }>(`
import json, time, numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.inspection import permutation_importance
X = np.fromfile(${JSON.stringify(join(dir, 'X.bin'))}).reshape(${n}, ${d}); y = np.fromfile(${JSON.stringify(join(dir, 'y.bin'))})
rf = RandomForestRegressor(n_estimators=100, max_depth=8, random_state=0).fit(X, y)
def run(j):
    t = time.perf_counter(); r = permutation_importance(rf, X, y, n_repeats=5, random_state=0, n_jobs=j); return (time.perf_counter() - t) * 1000, r
run(1)
ms1, r = run(1); ms2, _ = run(2)
print(json.dumps({'ms1': ms1, 'ms2': ms2, 'mean': r.importances_mean.tolist()}))`);
rmSync(dir, { recursive: true, force: true });
if (py) {
  let diff = 0;
  py.mean.forEach((v, j) => { diff = Math.max(diff, Math.abs(v - ours.importancesMean[j]!)); });
  rows.push({ task, impl: 'scikit-learn 1.2.1', ms: py.ms1, note: `n_jobs 1; max |mean importance diff| vs deepmine ${diff.toExponential(1)}` });
  rows.push({ task, impl: 'scikit-learn 1.2.1 n_jobs 2', ms: py.ms2, note: 'joblib loky' });
} else rows.push({ task, impl: 'scikit-learn', ms: null, note: 'no /usr/bin/python3 with scikit-learn' });

printTable('Explainers: TreeSHAP and permutation importance', rows);
// on a shared machine the wall times (and any nJobs speedup) depend on the load: state it
console.log(`\n${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`);
await closePool();
