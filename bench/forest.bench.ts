/** RandomForestClassifier: 100 trees on make_classification(100000, 20) 80k-row train split, nJobs 2, vs scikit-learn n_jobs=2. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '../src/core/matrix.js';
import { closePool } from '../src/core/pool.js';
import { RandomState } from '../src/core/random.js';
import { RandomForestClassifier } from '../src/tree/forest.js';
import { printTable, runPython, type BenchRow } from './util.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-forest-'));
const N_TREES = 100;

// scikit-learn generates the data (make_classification, 80/20 split) and times its own forest on it
const py = runPython<{ ms: number; acc: number; n: number; d: number }>(`
import json, time, numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.ensemble import RandomForestClassifier
X, y = make_classification(n_samples=100000, n_features=20, random_state=0)
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0)
Xtr.astype(np.float64).tofile(${JSON.stringify(join(dir, 'Xtr.bin'))}); ytr.astype(np.float64).tofile(${JSON.stringify(join(dir, 'ytr.bin'))})
Xte.astype(np.float64).tofile(${JSON.stringify(join(dir, 'Xte.bin'))}); yte.astype(np.float64).tofile(${JSON.stringify(join(dir, 'yte.bin'))})
t = time.perf_counter(); rf = RandomForestClassifier(n_estimators=${N_TREES}, n_jobs=2, random_state=0).fit(Xtr, ytr); ms = (time.perf_counter() - t) * 1000
print(json.dumps({'ms': ms, 'acc': float(rf.score(Xte, yte)), 'n': int(Xtr.shape[0]), 'd': int(Xtr.shape[1])}))`);

function load(name: string): Float64Array {
  const b = readFileSync(join(dir, name));
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}

let Xtr: Matrix, ytr: number[], Xte: Matrix, yte: number[];
if (py) {
  Xtr = new Matrix(Float64Array.from(load('Xtr.bin')), py.n, py.d);
  ytr = Array.from(load('ytr.bin'));
  Xte = new Matrix(Float64Array.from(load('Xte.bin')), 100000 - py.n, py.d);
  yte = Array.from(load('yte.bin'));
} else {
  const rs = new RandomState(0);
  const mk = (n: number) => {
    const X = new Matrix(rs.standardNormal(n * 20), n, 20);
    return { X, y: Array.from({ length: n }, (_, i) => (X.get(i, 0) + X.get(i, 1) * X.get(i, 2) > 0 ? 1 : 0)) };
  };
  ({ X: Xtr, y: ytr } = mk(80000));
  ({ X: Xte, y: yte } = mk(20000));
}

const rows: BenchRow[] = [];
const task = `${N_TREES} trees, ${Xtr.rows}x${Xtr.cols}, nJobs 2`;
for (const splitter of ['best', 'hist'] as const) {
  // warm the pool (worker start-up and module load are not part of the fit)
  await new RandomForestClassifier({ nEstimators: 2, nJobs: 2, randomState: 0, splitter }).fitAsync(Xtr.takeRows(Array.from({ length: 2000 }, (_, i) => i)), ytr.slice(0, 2000));
  const t0 = performance.now();
  const rf = await new RandomForestClassifier({ nEstimators: N_TREES, nJobs: 2, randomState: 0, splitter }).fitAsync(Xtr, ytr);
  const ms = performance.now() - t0;
  rows.push({ task, impl: splitter === 'best' ? 'deepmine' : 'deepmine hist', ms, note: `test accuracy ${rf.score(Xte, yte).toFixed(4)}` });
}
rows.push({ task, impl: 'scikit-learn 1.2.1', ms: py?.ms ?? null, note: py ? `test accuracy ${py.acc.toFixed(4)}` : 'python3-sklearn not available' });
printTable('RandomForestClassifier.fit (make_classification 100k x 20, 80% train)', rows);
await closePool();
rmSync(dir, { recursive: true, force: true });
