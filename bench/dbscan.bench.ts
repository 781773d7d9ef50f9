/** DBSCAN fit on 100k 2-D points: deepmine vs scikit-learn (same data, same run). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBSCAN } from '../src/cluster/dbscan.js';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

/** n points around 10 Gaussian centres in [-10, 10]^2 (std 0.3 .. 1.2) plus 5% uniform noise. */
function blobs(n: number): Matrix {
  const rs = new RandomState(0);
  const centers = rs.uniform(-10, 10, 20);
  const X = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (i % 20 === 0) { X[2 * i] = rs.uniform(-12, 12); X[2 * i + 1] = rs.uniform(-12, 12); continue; }
    const c = i % 10;
    const s = 0.3 + 0.1 * c;
    X[2 * i] = centers[2 * c]! + s * rs.standardNormal();
    X[2 * i + 1] = centers[2 * c + 1]! + s * rs.standardNormal();
  }
  return new Matrix(X, n, 2);
}

const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const rows: BenchRow[] = [];
for (const [n, eps, minSamples] of [[100000, 0.05, 10], [100000, 0.1, 10]] as const) {
  const X = blobs(n);
  const task = `${n / 1000}k x 2, eps ${eps}, minSamples ${minSamples}`;
  let labels: Int32Array | null = null;
  const ms = await timeit(() => { labels = new DBSCAN({ eps, minSamples }).fit(X).labels; }, { repeat: 3 });
  const nClusters = Math.max(...labels!) + 1;
  rows.push({ task, impl: 'deepmine', ms, note: `${nClusters} clusters` });
  const file = join(dir, 'x.json');
  writeFileSync(file, JSON.stringify({ X: Array.from(X.data), n, labels: Array.from(labels!) }));
  const py = runPython<{ ms: number; same: boolean }>(`
import json, time, numpy as np
from sklearn.cluster import DBSCAN
d = json.load(open(${JSON.stringify(file)}))
X = np.array(d['X']).reshape(d['n'], 2)
ts = []
for _ in range(3):
    t = time.perf_counter(); lab = DBSCAN(eps=${eps}, min_samples=${minSamples}).fit(X).labels_; ts.append((time.perf_counter() - t) * 1000)
ours = np.array(d['labels'])
print(json.dumps({'ms': sorted(ts)[1], 'same': bool((lab == ours).all())}))`);
  rows.push({ task, impl: 'scikit-learn 1.2.1', ms: py?.ms ?? null, note: py ? (py.same ? 'labels identical' : 'LABELS DIFFER') : 'python3-sklearn not available' });
}
printTable('DBSCAN.fit (euclidean, KD-tree)', rows);
rmSync(dir, { recursive: true, force: true });
