/**
 * KMeans per-Lloyd-iteration time on make_blobs 200,000 x 16, k = 8, nInit 1 (same explicit initial
 * centers for every implementation), the whole k-means++ fit, the MiniBatchKMeans fit, and
 * silhouette on 20,000 x 8: deepmine vs ml-kmeans vs scikit-learn.
 *
 * DEEPMINE_BENCH_SKIP_SILHOUETTE=1 leaves out the silhouette rows (15 s each side).
 * DEEPMINE_BENCH_KMEANS=lloyd,fit,minibatch (any subset; default all) chooses the sections: the
 * Lloyd/Elkan iteration rows, the k-means++ fit rows, the MiniBatchKMeans rows.
 *
 * deepmine runs with setLinalgThreads(1) and (2) (the Lloyd/Elkan row passes split over worker
 * threads), scikit-learn with threadpool_limits(1) and (2).
 *
 * Per iteration = whole fit / nIter (so validation, centring and the final inertia count, as they
 * do for scikit-learn). On a shared machine the load moves every figure: the table gives the best
 * of N runs (the least disturbed) with the median in the note, and the load average.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { KMeans } from '../src/cluster/kmeans.js';
import { MiniBatchKMeans } from '../src/cluster/minibatchKmeans.js';
import { setLinalgBackend } from '../src/linalg/wasm.js';
import { linalgThreads, setLinalgThreads } from '../src/linalg/threads.js';
import { Matrix } from '../src/core/matrix.js';
import { RandomState } from '../src/core/random.js';
import { silhouetteScore } from '../src/metrics/cluster.js';
import { makeBlobs as makeBlobsGen } from '../src/datasets/generators.js';
import { printTable, runPython, timeit, type BenchRow } from './util.js';

/** scikit-learn's make_blobs on the numpy-identical RandomState (same points as sklearn's). */
const makeBlobs = (nSamples: number, nFeatures: number, nCenters: number, std: number, seed: number) =>
  makeBlobsGen({ nSamples, nFeatures, centers: nCenters, clusterStd: std, randomState: seed });

const dir = mkdtempSync(join(tmpdir(), 'deepmine-bench-'));
const rows: BenchRow[] = [];
const N = 200_000, D = 16, K = 8, ITERS = 20;
const { X } = makeBlobs(N, D, K, 6.0, 0);
const initIdx = Array.from({ length: K }, (_, i) => (i * 7919) % N);
const init = X.takeRows(initIdx);
const fileX = join(dir, 'X.f64');
writeFileSync(fileX, X.data);
const task = `KMeans per Lloyd iteration, blobs ${N}x${D}, k=${K}`;

/** All run times (ms) after one warm-up run. */
function runTimes(fn: () => void, repeat: number): number[] {
  fn();
  const ts: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b);
}
const med = (ts: number[]): number => ts[Math.floor(ts.length / 2)]!;
const load = (): string => `load ${loadavg().map((v) => v.toFixed(1)).join(' ')}`;
const REPEAT = 7;
/** `runPython` on a script indented with the TypeScript around it (common leading spaces removed). */
function pyRun<T>(code: string): T | null {
  const lines = code.split('\n');
  const ind = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return runPython<T>(lines.map((l) => l.slice(ind)).join('\n'));
}
const sections = (process.env.DEEPMINE_BENCH_KMEANS ?? 'lloyd,fit,minibatch').split(',').map((s) => s.trim());
const section = (name: string): boolean => sections.includes(name);

const cores = linalgThreads();
const configs = [
  ['deepmine, 1 thread', 'lloyd', 'auto', 1], ['deepmine, 2 threads', 'lloyd', 'auto', 2],
  ['deepmine (TypeScript kernel)', 'lloyd', 'ts', 1], ['deepmine elkan, 1 thread', 'elkan', 'auto', 1], ['deepmine elkan, 2 threads', 'elkan', 'auto', 2],
] as const;
if (section('lloyd')) {
  for (const [label, algorithm, backend, threads] of configs) {
    setLinalgBackend(backend);
    setLinalgThreads(threads);
    let nIter = 0;
    const ts = runTimes(() => { nIter = new KMeans({ nClusters: K, init, maxIter: ITERS, tol: 0, algorithm }).fit(X).nIter; }, algorithm === 'lloyd' && backend === 'auto' ? REPEAT : 3);
    const th = Math.min(threads, cores);
    rows.push({ task, impl: label, ms: ts[0]! / nIter, note: `best of ${ts.length}, median ${(med(ts) / nIter).toFixed(1)}; ${nIter} iterations, whole fit / nIter, setLinalgThreads(${threads}) = ${th} thread${th > 1 ? 's' : ''}${backend === 'ts' ? ", setLinalgBackend('ts')" : ', WebAssembly SIMD'}; ${load()}` });
  }
  setLinalgBackend('auto');
  setLinalgThreads(null);

  const arr = X.toArray();
  const initArr = init.toArray();
  let mlIters = 0;
  const mlTs = runTimes(() => { mlIters = mlKmeans(arr, K, { initialization: initArr, maxIterations: 5, tolerance: -1 }).iterations; }, 2);
  rows.push({ task, impl: 'ml-kmeans 7.0.1', ms: mlTs[0]! / mlIters, note: `best of ${mlTs.length}; ${mlIters} iterations` });

  for (const [threads, algorithm] of [[1, 'lloyd'], [2, 'lloyd'], [1, 'elkan']] as const) {
    const py = pyRun<{ best: number; med: number; nIter: number; load: number[] }>(`
  import json, os, time, numpy as np
  from sklearn.cluster import KMeans
  from threadpoolctl import threadpool_limits
  X = np.fromfile(${JSON.stringify(fileX)}, dtype=np.float64).reshape(${N}, ${D})
  init = X[${JSON.stringify(initIdx)}]
  with threadpool_limits(${threads}):
      KMeans(${K}, init=init, n_init=1, max_iter=${ITERS}, tol=0, algorithm='${algorithm}').fit(X)
      ts = []
      for _ in range(${algorithm === 'lloyd' ? REPEAT : 3}):
          t = time.perf_counter(); km = KMeans(${K}, init=init, n_init=1, max_iter=${ITERS}, tol=0, algorithm='${algorithm}').fit(X); ts.append((time.perf_counter() - t) * 1000)
  ts.sort()
  print(json.dumps({'best': ts[0] / km.n_iter_, 'med': ts[len(ts) // 2] / km.n_iter_, 'nIter': int(km.n_iter_), 'load': list(os.getloadavg())}))`);
    rows.push({
      task, impl: `scikit-learn 1.2.1${algorithm === 'elkan' ? ' elkan' : ''}, ${threads} thread${threads > 1 ? 's' : ''}`, ms: py?.best ?? null,
      note: py ? `best of ${algorithm === 'lloyd' ? REPEAT : 3}, median ${py.med.toFixed(1)}; ${py.nIter} iterations, whole fit / nIter, OpenMP threadpool_limits(${threads}); load ${py.load.map((v) => v.toFixed(1)).join(' ')}` : 'python3-sklearn not available',
    });
  }
}

if (section('fit')) {
  // default parameters: k-means++ seeding (greedy, 2 + log k local trials), nInit 1
  const ftask = `KMeans fit, init k-means++ (randomState 0), blobs ${N}x${D}, k=${K}`;
  let fIter = 0;
  for (const threads of [1, 2]) {
    setLinalgThreads(threads);
    const fts = runTimes(() => { fIter = new KMeans({ nClusters: K, randomState: 0, nInit: 1 }).fit(X).nIter; }, 5);
    rows.push({ task: ftask, impl: `deepmine, ${threads} thread${threads > 1 ? 's' : ''}`, ms: fts[0]!, note: `best of 5, median ${med(fts).toFixed(1)}; whole fit, ${fIter} iterations, setLinalgThreads(${threads})${threads > 1 ? " (k-means++ candidate distances threaded, the rest of the seeding in one thread)" : ""}; ${load()}` });
  }
  setLinalgThreads(null);
  for (const threads of [1, 2]) {
    const py = pyRun<{ best: number; med: number; nIter: number; load: number[] }>(`
  import json, os, time, numpy as np
  from sklearn.cluster import KMeans
  from threadpoolctl import threadpool_limits
  X = np.fromfile(${JSON.stringify(fileX)}, dtype=np.float64).reshape(${N}, ${D})
  with threadpool_limits(${threads}):
      KMeans(${K}, random_state=0, n_init=1).fit(X)
      ts = []
      for _ in range(5):
          t = time.perf_counter(); km = KMeans(${K}, random_state=0, n_init=1).fit(X); ts.append((time.perf_counter() - t) * 1000)
  ts.sort()
  print(json.dumps({'best': ts[0], 'med': ts[len(ts) // 2], 'nIter': int(km.n_iter_), 'load': list(os.getloadavg())}))`);
    rows.push({
      task: ftask, impl: `scikit-learn 1.2.1, ${threads} thread${threads > 1 ? 's' : ''}`, ms: py?.best ?? null,
      note: py ? `best of 5, median ${py.med.toFixed(1)}; whole fit, ${py.nIter} iterations; load ${py.load.map((v) => v.toFixed(1)).join(' ')}` : 'python3-sklearn not available',
    });
  }
}

if (section('minibatch')) {
  // MiniBatchKMeans: default parameters (batchSize 1024, k-means++ on init subsets) with nInit 3
  // (scikit-learn 1.2.1's default), computeLabels on (final labels and inertia over all rows)
  const mtask = `MiniBatchKMeans fit (batchSize 1024, nInit 3, randomState 0), blobs ${N}x${D}, k=${K}`;
  let mSteps = 0;
  // deepmine and scikit-learn alternate (1 thread each, then 2 threads each), so the load drifts less between them
  for (const threads of [1, 2]) {
    setLinalgThreads(threads);
    const mts = runTimes(() => { mSteps = new MiniBatchKMeans({ nClusters: K, randomState: 0, nInit: 3 }).fit(X).nSteps; }, 5);
    rows.push({ task: mtask, impl: `deepmine, ${threads} thread${threads > 1 ? 's' : ''}`, ms: mts[0]!, note: `best of 5, median ${med(mts).toFixed(1)}; ${mSteps} mini-batch steps, setLinalgThreads(${threads}); ${load()}` });
    setLinalgThreads(null);
    const py = pyRun<{ best: number; med: number; nSteps: number; load: number[] }>(`
  import json, os, time, numpy as np
  from sklearn.cluster import MiniBatchKMeans
  from threadpoolctl import threadpool_limits
  X = np.fromfile(${JSON.stringify(fileX)}, dtype=np.float64).reshape(${N}, ${D})
  with threadpool_limits(${threads}):
      MiniBatchKMeans(${K}, random_state=0, n_init=3, batch_size=1024).fit(X)
      ts = []
      for _ in range(5):
          t = time.perf_counter(); mb = MiniBatchKMeans(${K}, random_state=0, n_init=3, batch_size=1024).fit(X); ts.append((time.perf_counter() - t) * 1000)
  ts.sort()
  print(json.dumps({'best': ts[0], 'med': ts[len(ts) // 2], 'nSteps': int(mb.n_steps_), 'load': list(os.getloadavg())}))`);
    rows.push({
      task: mtask, impl: `scikit-learn 1.2.1, ${threads} thread${threads > 1 ? 's' : ''}`, ms: py?.best ?? null,
      note: py ? `best of 5, median ${py.med.toFixed(1)}; ${py.nSteps} mini-batch steps; load ${py.load.map((v) => v.toFixed(1)).join(' ')}` : 'python3-sklearn not available',
    });
  }
}

if (!process.env.DEEPMINE_BENCH_SKIP_SILHOUETTE) {
  const S = 20_000;
  const small = makeBlobs(S, 8, 8, 3.0, 0);
  const fileS = join(dir, 'S.f64');
  writeFileSync(fileS, small.X.data);
  writeFileSync(join(dir, 'y.i32'), small.y);
  const stask = `silhouetteScore ${S}x8, 8 labels`;
  rows.push({ task: stask, impl: 'deepmine', ms: await timeit(() => silhouetteScore(small.X, small.y), { repeat: 1 }), note: 'each pair once, 1 thread' });
  const spy = pyRun<{ ms: number }>(`
  import json, time, numpy as np
  from sklearn.metrics import silhouette_score
  X = np.fromfile(${JSON.stringify(fileS)}, dtype=np.float64).reshape(${S}, 8)
  y = np.fromfile(${JSON.stringify(join(dir, 'y.i32'))}, dtype=np.int32)
  t = time.perf_counter(); silhouette_score(X, y); ms = (time.perf_counter() - t) * 1000
  print(json.dumps({'ms': ms}))`);
  rows.push({ task: stask, impl: 'scikit-learn 1.2.1', ms: spy?.ms ?? null, note: spy ? '' : 'python3-sklearn not available' });
}

printTable('Clustering: KMeans (Lloyd iteration, Elkan, k-means++ fit) and silhouette', rows);
rmSync(dir, { recursive: true, force: true });
