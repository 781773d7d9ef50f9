/** crossValidate speed-up from the worker pool: nJobs 2 vs 1 (DecisionTreeClassifier, 50k x 20 synthetic), scikit-learn alongside. */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { closePool, cpuCount, getPool } from '../src/core/pool.js';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { crossValidate } from '../src/modelSelection/validation.js';
import { DecisionTreeClassifier } from '../src/tree/index.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

const n = 50000, d = 20, folds = 4;
const rs = new RandomState(0);
const X = new Matrix(rs.standardNormal(n * d), n, d);
const y = Array.from({ length: n }, (_, i) => (X.get(i, 0) + X.get(i, 1) * X.get(i, 2) + 0.5 * rs.standardNormal() > 0 ? 1 : 0));
const model = new DecisionTreeClassifier({ randomState: 0, maxDepth: 12 });
const task = `crossValidate ${folds} folds, tree maxDepth 12, ${n}x${d}`;

await getPool(2); // workers start once per process; warm-up below loads the modules in them
const rows: BenchRow[] = [];
// process CPU time (all threads) per run tells the parallel overhead even when other processes share the cores
const cpuOf = async (nJobs: number) => {
  const c0 = process.cpuUsage();
  // two warm-up runs: the workers' JIT needs more than one pass over the tree code to reach steady state
  const ms = await timeit(() => crossValidate(model, X, y, { cv: folds, nJobs }), { repeat: 5, warmup: 2 });
  const c = process.cpuUsage(c0);
  return { ms, cpu: (c.user + c.system) / 1000 / 7 };
};
const r1 = await cpuOf(1);
const r2 = await cpuOf(2);
rows.push({ task, impl: 'deepmine', ms: r1.ms, note: `nJobs 1; cpu ${r1.cpu.toFixed(0)} ms/run` });
rows.push({ task, impl: 'deepmine nJobs 2', ms: r2.ms, note: `speed-up ${(r1.ms / r2.ms).toFixed(2)}x on ${cpuCount()} cores (load ${loadavg()[0]!.toFixed(1)}); cpu ${r2.cpu.toFixed(0)} ms/run` });

const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const file = join(dir, 'cv.json');
writeFileSync(file, JSON.stringify({ X: Array.from(X.data), y, n, d }));
for (const jobs of [1, 2]) {
  const py = runPython<{ ms: number }>(`
import json, time, numpy as np
from sklearn.model_selection import cross_validate
from sklearn.tree import DecisionTreeClassifier
dd = json.load(open(${JSON.stringify(file)}))
X = np.array(dd['X']).reshape(dd['n'], dd['d']); y = np.array(dd['y'])
m = DecisionTreeClassifier(random_state=0, max_depth=12)
cross_validate(m, X, y, cv=${folds}, n_jobs=${jobs})
ts = []
for _ in range(3):
    t = time.perf_counter(); cross_validate(m, X, y, cv=${folds}, n_jobs=${jobs}); ts.append((time.perf_counter() - t) * 1000)
print(json.dumps({'ms': sorted(ts)[1]}))`);
  rows.push({ task, impl: `scikit-learn 1.2.1 n_jobs ${jobs}`, ms: py?.ms ?? null, note: py ? '' : 'python3-sklearn not available' });
}
printTable('crossValidate on the worker pool', rows);
rmSync(dir, { recursive: true, force: true });
await closePool();
