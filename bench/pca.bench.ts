/** PCA(10) fit on 50,000 x 200: deepmine ('auto' = covariance_eigh, 'full', 'randomized') vs ml-pca vs scikit-learn. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PCA as MlPCA } from 'ml-pca';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { PCA } from '../src/decomposition/index.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

const n = 50000, d = 200;
const X = new Matrix(new RandomState(0).standardNormal(n * d) as Float64Array, n, d);
for (let j = 0; j < d; j++) {
  const sc = (j < 10 ? 5.0 : 1.0) / Math.sqrt(1.0 + j), off = 0.5 * j;
  for (let i = 0; i < n; i++) X.data[i * d + j] = X.data[i * d + j]! * sc + off;
}
const task = `PCA(10).fit ${n}x${d}`;
const rows: BenchRow[] = [];
rows.push({ task, impl: 'deepmine', ms: await timeit(() => new PCA({ nComponents: 10 }).fit(X), { repeat: 5 }), note: "'auto' = covariance_eigh (scikit-learn 1.5 rule)" });
rows.push({ task, impl: "deepmine 'full'", ms: await timeit(() => new PCA({ nComponents: 10, svdSolver: 'full' }).fit(X), { repeat: 3 }) });
rows.push({ task, impl: "deepmine 'randomized'", ms: await timeit(() => new PCA({ nComponents: 10, svdSolver: 'randomized', randomState: 0 }).fit(X), { repeat: 3 }) });
const arr = X.toArray();
rows.push({ task, impl: 'ml-pca 4.1.1', ms: await timeit(() => new MlPCA(arr), { repeat: 1, warmup: 0 }), note: 'default SVD method' });
const dir = mkdtempSync(join(tmpdir(), 'deepmine-pca-'));
const file = join(dir, 'x.f64');
writeFileSync(file, new Uint8Array(X.data.buffer));
const py = runPython<Record<string, number>>(`
import json, time, numpy as np
from sklearn.decomposition import PCA
X = np.fromfile(${JSON.stringify(file)}, dtype=np.float64).reshape(${n}, ${d})
def t(**kw):
    PCA(n_components=10, **kw).fit(X); ts = []
    for _ in range(3):
        s = time.perf_counter(); PCA(n_components=10, **kw).fit(X); ts.append((time.perf_counter() - s) * 1000)
    return sorted(ts)[1]
print(json.dumps({'auto': t(random_state=0), 'full': t(svd_solver='full')}))`);
rows.push({ task, impl: 'scikit-learn 1.2.1', ms: py?.auto ?? null, note: py ? "'auto' = randomized in 1.2.1" : 'python3-sklearn not available' });
rows.push({ task, impl: "scikit-learn 1.2.1 'full'", ms: py?.full ?? null, note: 'LAPACK gesdd' });
rmSync(dir, { recursive: true, force: true });
printTable('PCA fit (n_components = 10)', rows);
