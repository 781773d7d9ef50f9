/**
 * KMeans at 1M / 10M / 50M rows x 10 columns, k = 8 (issue 21): per Lloyd iteration time with a
 * fixed number of iterations (same explicit initial centers, tol 0, maxIter 10, nInit 1), and the
 * whole fit beside scikit-learn's on the same data (read from one raw float64 file) in the same run.
 *
 * Data: 8 Gaussian-ish blobs from a seeded xorshift generator (fast at 50M rows; not make_blobs,
 * which would take minutes to draw), written once per size. Sizes via DEEPMINE_BENCH_SIZES
 * (default "1e6,1e7,5e7"); scikit-learn runs up to 1e7 rows (DEEPMINE_BENCH_SK_MAX). Before this
 * issue, past ~8.1M rows the kernel fell back to single-threaded TypeScript (the 1 GiB cliff);
 * now it runs windowed through the WebAssembly memory, so time should grow linearly.
 */
import { mkdtempSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { KMeans } from '../src/cluster/kmeans.js';
import { KMeansKernel } from '../src/cluster/kmeansKernel.js';
import { Matrix } from '../src/core/matrix.js';
import { linalgThreads } from '../src/linalg/threads.js';
import { withResourceBudget } from '../src/core/resources.js';
import { printTable, runPython, type BenchRow } from './util.js';

const D = 10, K = 8, ITERS = 10;
const sizes = (process.env.DEEPMINE_BENCH_SIZES ?? '1e6,1e7,5e7').split(',').map(Number);
const skMax = Number(process.env.DEEPMINE_BENCH_SK_MAX ?? 1e7);
const dir = mkdtempSync(join(tmpdir(), 'deepmine-kmeans-large-'));
const rows: BenchRow[] = [];

function makeData(n: number): Float64Array {
  const X = new Float64Array(n * D);
  let s = 88172645463325252n & 0xffffffffn;
  let a = Number(s) | 1;
  const rnd = () => { a ^= a << 13; a ^= a >>> 17; a ^= a << 5; return (a >>> 0) / 4294967296; };
  for (let i = 0; i < n; i++) {
    const c = i % K;
    for (let f = 0; f < D; f++) X[i * D + f] = (c * 3 + f) % 11 + 8 * (rnd() + rnd() + rnd() - 1.5);
  }
  return X;
}

try {
  for (const n of sizes) {
    const X = makeData(n);
    const init = X.slice(0, K * D); // rows 0..7: one per blob
    const task = `KMeans ${n.toExponential(0)} x ${D}, k=${K}, ${ITERS} Lloyd iterations`;
    const probe = new KMeansKernel(n, D, K, null);
    const mode = probe.wasm ? (probe.windowRows < n ? `WASM windowed (${probe.windowRows} rows/window)` : 'WASM resident') : 'TypeScript';
    probe.release();
    const t0 = performance.now();
    // the default budget follows the V8 heap limit (4 GiB without --max-old-space-size); the data
    // here lives in typed arrays outside that heap, so allow 60% of the machine's memory
    const km = withResourceBudget({ memoryBytes: 0.6 * totalmem() }, () =>
      new KMeans({ nClusters: K, init: new Matrix(init, K, D), nInit: 1, maxIter: ITERS, tol: 0 }).fit(new Matrix(X, n, D)));
    const ms = performance.now() - t0;
    const rss = process.memoryUsage().rss;
    rows.push({ task, impl: 'deepmine', ms, note: `${(ms / km.nIter).toFixed(0)} ms/iter (${km.nIter} iter), ${mode}, ${linalgThreads()} threads, RSS ${(rss / 2 ** 30).toFixed(1)} GiB, load ${loadavg()[0]!.toFixed(1)}` });
    if (n <= skMax) {
      const file = join(dir, `X${n}.f64`);
      const fd = openSync(file, 'w');
      writeSync(fd, new Uint8Array(X.buffer));
      closeSync(fd);
      const r = runPython<{ ms: number; nIter: number; inertia: number }>(`
import numpy as np, time, json
from threadpoolctl import threadpool_limits
from sklearn.cluster import KMeans
X = np.fromfile(${JSON.stringify(file)}, dtype=np.float64).reshape(-1, ${D})
init = X[:${K}].copy()
with threadpool_limits(2):
    t0 = time.perf_counter()
    km = KMeans(n_clusters=${K}, init=init, n_init=1, max_iter=${ITERS}, tol=0, algorithm='lloyd').fit(X)
    ms = (time.perf_counter() - t0) * 1000
print(json.dumps({'ms': ms, 'nIter': int(km.n_iter_), 'inertia': float(km.inertia_)}))
`);
      rows.push({ task, impl: 'scikit-learn 1.2.1 (2 threads)', ms: r?.ms ?? null, note: r ? `${(r.ms / r.nIter).toFixed(0)} ms/iter (${r.nIter} iter); inertia rel. diff ${(Math.abs(r.inertia - km.inertia) / r.inertia).toExponential(1)}` : 'python/sklearn missing' });
      rmSync(file);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
printTable('KMeans past 10M rows (issue 21)', rows);
