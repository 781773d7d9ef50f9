/**
 * PCA(10) fit on 50,000 x 200: deepmine ('auto' = covariance_eigh, 'full', 'randomized'; WebAssembly
 * SIMD kernels and the pure-TypeScript fallback) vs ml-pca vs scikit-learn; and 'randomized' on
 * 20,000 x 1,000 (many features: the fused direct route) vs scikit-learn's randomized. Best of several runs
 * (other processes may share the cores), with the load average printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PCA as MlPCA } from 'ml-pca';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { PCA } from '../src/decomposition/index.js';
import { setLinalgBackend, wasmAvailable } from '../src/linalg/wasm.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

function best(fn: () => unknown, repeat: number): number {
  fn();
  let b = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loadBefore = load();

const n = 50000, d = 200;
const X = new Matrix(new RandomState(0).standardNormal(n * d) as Float64Array, n, d);
for (let j = 0; j < d; j++) {
  const sc = (j < 10 ? 5.0 : 1.0) / Math.sqrt(1.0 + j), off = 0.5 * j;
  for (let i = 0; i < n; i++) X.data[i * d + j] = X.data[i * d + j]! * sc + off;
}
const task = `PCA(10).fit ${n}x${d}`;
const rows: BenchRow[] = [];
for (const backend of wasmAvailable() ? (['wasm', 'ts'] as const) : (['ts'] as const)) {
  setLinalgBackend(backend);
  const tag = backend === 'wasm' ? '' : ' (TS kernel)';
  rows.push({ task, impl: `deepmine${tag}`, ms: best(() => new PCA({ nComponents: 10 }).fit(X), 5), note: "'auto' = covariance_eigh (scikit-learn 1.5 rule)" + (backend === 'wasm' ? ', WASM SIMD kernel' : '') });
  rows.push({ task, impl: `deepmine 'full'${tag}`, ms: best(() => new PCA({ nComponents: 10, svdSolver: 'full' }).fit(X), 3) });
  rows.push({ task, impl: `deepmine 'randomized'${tag}`, ms: best(() => new PCA({ nComponents: 10, svdSolver: 'randomized', randomState: 0 }).fit(X), 3) });
}
setLinalgBackend('auto');
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
    for _ in range(5):
        s = time.perf_counter(); PCA(n_components=10, **kw).fit(X); ts.append((time.perf_counter() - s) * 1000)
    return min(ts)
print(json.dumps({'auto': t(random_state=0), 'full': t(svd_solver='full')}))`);
rows.push({ task, impl: 'scikit-learn 1.2.1', ms: py?.auto ?? null, note: py ? "'auto' = randomized in 1.2.1" : 'python3-sklearn not available' });
rows.push({ task, impl: "scikit-learn 1.2.1 'full'", ms: py?.full ?? null, note: 'LAPACK gesdd' });
// many features: the randomized solver's fused direct route (the d x d Gram would cost more)
const n2 = 20000, d2 = 1000;
const X2 = new Matrix(new RandomState(1).standardNormal(n2 * d2) as Float64Array, n2, d2);
for (let j = 0; j < d2; j++) {
  const sc = (j < 10 ? 5.0 : 1.0) / Math.sqrt(1.0 + j);
  for (let i = 0; i < n2; i++) X2.data[i * d2 + j] = X2.data[i * d2 + j]! * sc + 0.1 * j;
}
const task2 = `PCA(10, 'randomized').fit ${n2}x${d2}`;
rows.push({ task: task2, impl: 'deepmine', ms: best(() => new PCA({ nComponents: 10, svdSolver: 'randomized', randomState: 0 }).fit(X2), 3), note: 'fused passes over X (d too large for the Gram route)' });
const file2 = join(dir, 'x2.f64');
writeFileSync(file2, new Uint8Array(X2.data.buffer));
const py2 = runPython<Record<string, number>>(`
import json, time, numpy as np
from sklearn.decomposition import PCA
X = np.fromfile(${JSON.stringify(file2)}, dtype=np.float64).reshape(${n2}, ${d2})
PCA(n_components=10, svd_solver='randomized', random_state=0).fit(X); ts = []
for _ in range(3):
    s = time.perf_counter(); PCA(n_components=10, svd_solver='randomized', random_state=0).fit(X); ts.append((time.perf_counter() - s) * 1000)
print(json.dumps({'randomized': min(ts)}))`);
rows.push({ task: task2, impl: "scikit-learn 1.2.1 'randomized'", ms: py2?.randomized ?? null });
rmSync(dir, { recursive: true, force: true });
printTable('PCA fit (n_components = 10), best of 3-5 runs', rows);
console.log(`\nload average (1, 5, 15 min): ${loadBefore} before, ${load()} after`);
