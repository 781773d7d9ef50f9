/** DecisionTreeClassifier fit time: deepmine vs ml-cart vs scikit-learn (same data, same process run). */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecisionTreeClassifier as CART } from 'ml-cart';
import { RandomState } from '../src/core/random.js';
import { Matrix } from '../src/core/matrix.js';
import { loadDataset } from '../src/datasets/load.js';
import { DecisionTreeClassifier } from '../src/tree/index.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

function synthetic(n: number, d: number): { X: Matrix; y: number[] } {
  const rs = new RandomState(0);
  const X = new Matrix(rs.standardNormal(n * d), n, d);
  const y = Array.from({ length: n }, (_, i) => (X.get(i, 0) + X.get(i, 1) * X.get(i, 2) + 0.5 * rs.standardNormal() > 0 ? 1 : 0));
  return { X, y };
}

const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const rows: BenchRow[] = [];
const bc = loadDataset('breast_cancer');
const sets: [string, Matrix, number[]][] = [['breast_cancer 569x30', bc.X, Array.from(bc.y)]];
for (const [n, d] of [[20000, 20], [100000, 20]] as const) { const s = synthetic(n, d); sets.push([`synthetic ${n}x${d}`, s.X, s.y]); }
for (const [task, X, y] of sets) {
  const fileX = join(dir, `${task.replace(/\W+/g, '_')}.json`);
  writeFileSync(fileX, JSON.stringify({ X: Array.from(X.data), n: X.rows, d: X.cols, y }));
  rows.push({ task, impl: 'deepmine', ms: await timeit(() => new DecisionTreeClassifier({ randomState: 0 }).fit(X, y), { repeat: 3 }) });
  if (X.rows <= 1000) {
    const arr = X.toArray();
    rows.push({ task, impl: 'ml-cart 2.1.1', ms: await timeit(() => new CART({ gainFunction: 'gini', maxDepth: Infinity, minNumSamples: 2 }).train(arr, y), { repeat: 1, warmup: 0 }) });
  } else rows.push({ task, impl: 'ml-cart 2.1.1', ms: null, note: 'skipped: quadratic split search (229 s on 20k x 20 in a trial run)' });
  const py = runPython<{ ms: number }>(`
import json, time, numpy as np
from sklearn.tree import DecisionTreeClassifier
d = json.load(open(${JSON.stringify(fileX)}))
X = np.array(d['X']).reshape(d['n'], d['d']); y = np.array(d['y'])
DecisionTreeClassifier(random_state=0).fit(X, y)
ts = []
for _ in range(3):
    t = time.perf_counter(); DecisionTreeClassifier(random_state=0).fit(X, y); ts.append((time.perf_counter() - t) * 1000)
print(json.dumps({'ms': sorted(ts)[1]}))`);
  rows.push({ task, impl: 'scikit-learn 1.2.1', ms: py?.ms ?? null, note: py ? '' : 'python3-sklearn not available' });
}
printTable('DecisionTreeClassifier.fit (gini, best splitter, unlimited depth)', rows);
rmSync(dir, { recursive: true, force: true });
