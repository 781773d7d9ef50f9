/** NearestNeighbors.kneighbors: KD-tree vs brute force (deepmine), and scikit-learn's KD-tree, same data. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { NearestNeighbors } from '../src/neighbors/index.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const rows: BenchRow[] = [];
const k = 10;
for (const [n, d, nq] of [[50000, 2, 5000], [50000, 8, 2000]] as const) {
  const rs = new RandomState(0);
  const X = new Matrix(rs.standardNormal(n * d), n, d);
  const Q = new Matrix(rs.standardNormal(nq * d), nq, d);
  const task = `fit ${n / 1000}k x ${d} + ${nq} queries, k=${k}`;
  let ind: Int32Array | null = null;
  rows.push({ task, impl: 'deepmine', ms: await timeit(() => { ind = new NearestNeighbors({ nNeighbors: k, algorithm: 'kd_tree' }).fit(X).kneighbors(Q).indices; }, { repeat: 3 }), note: 'KD-tree' });
  let indB: Int32Array | null = null;
  rows.push({ task, impl: 'deepmine brute', ms: await timeit(() => { indB = new NearestNeighbors({ nNeighbors: k, algorithm: 'brute' }).fit(X).kneighbors(Q).indices; }, { repeat: 1, warmup: 0 }), note: ind!.every((v, i) => v === indB![i]) ? 'same neighbours as KD-tree' : 'DIFFERENT' });
  const file = join(dir, 'x.json');
  writeFileSync(file, JSON.stringify({ X: Array.from(X.data), Q: Array.from(Q.data), n, d, nq, ind: Array.from(ind!) }));
  const py = runPython<{ ms: number; same: number }>(`
import json, time, numpy as np
from sklearn.neighbors import NearestNeighbors
f = json.load(open(${JSON.stringify(file)}))
X = np.array(f['X']).reshape(f['n'], f['d']); Q = np.array(f['Q']).reshape(f['nq'], f['d'])
ts = []
for _ in range(3):
    t = time.perf_counter(); ind = NearestNeighbors(n_neighbors=${k}, algorithm='kd_tree').fit(X).kneighbors(Q)[1]; ts.append((time.perf_counter() - t) * 1000)
ours = np.array(f['ind']).reshape(f['nq'], ${k})
print(json.dumps({'ms': sorted(ts)[1], 'same': float((np.sort(ind, 1) == np.sort(ours, 1)).all(1).mean())}))`);
  rows.push({ task, impl: 'scikit-learn 1.2.1 kd_tree', ms: py?.ms ?? null, note: py ? `${(py.same * 100).toFixed(1)}% of rows same neighbours` : 'python3-sklearn not available' });
}
printTable('NearestNeighbors.fit + kneighbors', rows);
rmSync(dir, { recursive: true, force: true });
