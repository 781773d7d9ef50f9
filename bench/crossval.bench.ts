/** crossValidate speed-up from the worker pool: nJobs 2 vs 1 (DecisionTreeClassifier, 50k x 20 synthetic), scikit-learn alongside. */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const t1 = await timeit(() => crossValidate(model, X, y, { cv: folds }), { repeat: 3 });
const t2 = await timeit(() => crossValidate(model, X, y, { cv: folds, nJobs: 2 }), { repeat: 3 });
rows.push({ task, impl: 'deepmine', ms: t1, note: 'nJobs 1' });
rows.push({ task, impl: 'deepmine nJobs 2', ms: t2, note: `speed-up ${(t1 / t2).toFixed(2)}x on ${cpuCount()} cores` });

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
