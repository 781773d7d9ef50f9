import { DataError, InvalidParameterError, ShapeError } from '../core/errors.js';
import { checkMemory } from '../core/resources.js';
import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState, RandomState } from '../core/random.js';
import { checkSampleWeightOrOnes } from '../core/sampleWeight.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { pairwiseSum } from '../core/numeric.js';
import { assignNearest, KMeansKernel, sumChunkRows } from './kmeansKernel.js';
import { distRowsSk, euclideanDistancesCore, rowNormsSq, sqDistRows } from './pairwise.js';

/** Initial centers: a strategy name or an explicit `nClusters x nFeatures` matrix. */
export type KMeansInit = 'k-means++' | 'random' | Matrix | readonly (readonly number[])[];

const isInitMatrix = (v: unknown): boolean =>
  v instanceof Matrix || (Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.every((x) => typeof x === 'number' && Number.isFinite(x))));

export const initSpec = p.custom<KMeansInit>('k-means++', "'k-means++', 'random' or an nClusters x nFeatures matrix of initial centers",
  (v) => v === 'k-means++' || v === 'random' || isInitMatrix(v), 'How the initial centers are chosen.');

const kmeansSchema = {
  nClusters: p.int(8, { min: 1, doc: 'Number of clusters (and centers).' }),
  init: initSpec,
  nInit: p.custom<'auto' | number>('auto', "'auto' or an integer >= 1", (v) => v === 'auto' || (typeof v === 'number' && Number.isInteger(v) && v >= 1),
    "Runs with different seeds; the lowest inertia wins. 'auto': 1 for k-means++ or an explicit init, 10 for 'random' (scikit-learn >= 1.4)."),
  maxIter: p.int(300, { min: 1, doc: 'Maximum Lloyd/Elkan iterations per run.' }),
  tol: p.num(1e-4, { min: 0, doc: 'Convergence when the squared center shift is <= tol * mean feature variance.' }),
  algorithm: p.oneOf(['lloyd', 'elkan'] as const, 'lloyd', "'lloyd' (blocked distance kernel) or 'elkan' (triangle-inequality bounds)."),
  randomState: p.randomState(),
};
export type KMeansParams = ParamsOf<typeof kmeansSchema>;

export interface KMeansState {
  clusterCenters: Matrix;
  labels: Int32Array;
  inertia: number;
  nIter: number;
  nFeatures: number;
}

/** Options of `fit`, `predict` and `score`. */
export interface SampleWeightOption {
  /** Non-negative weight per sample (default: all 1). */
  sampleWeight?: ArrayLike<number> | null;
}

/**
 * K-means clustering, a port of scikit-learn's `KMeans` (1.2 algorithms, 1.4 `nInit: 'auto'`):
 * greedy k-means++ seeding with `2 + log(k)` local trials drawn from the same numpy-identical
 * RandomState stream, Lloyd iterations on mean-centred data with scikit-learn's convergence rules
 * (strict label convergence or squared center shift <= tol x mean variance), empty clusters
 * relocated to the farthest points, and Elkan's triangle-inequality variant. The passes over the
 * data run in the WebAssembly SIMD kernels of `asm/kmeans.ts` (`KMeansKernel`, kmeansKernel.ts), bit-identical to the
 * TypeScript fallback used under `setLinalgBackend('ts')`. From `n * d * k` of about 2M on, the
 * row passes run on `linalgThreads()` worker threads (`setLinalgThreads(1)` keeps one), with
 * bit-identical results for any thread count.
 *
 * @example
 * const km = new KMeans({ nClusters: 2, randomState: 0 }).fit([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]]);
 * km.labels;                      // Int32Array [1, 1, 1, 0, 0, 0]
 * km.predict([[0, 0], [12, 3]]);  // Int32Array [1, 0]
 * km.clusterCenters.toArray();    // [[10, 2], [1, 2]]
 */
export class KMeans extends Estimator<typeof kmeansSchema, KMeansState> {
  static override readonly kind = 'KMeans';
  static override readonly schema = kmeansSchema;
  static override readonly capabilities: Capabilities = { type: 'clusterer', supervised: false, stochastic: true, allowNaN: false };

  constructor(params: Partial<KMeansParams> = {}) {
    super(params);
  }

  /** Compute the clustering. */
  fit(X: MatrixLike, opts: SampleWeightOption = {}): this {
    const owner = this.kind;
    const m = checkArray(X, { owner, minRows: 2 });
    const { nClusters: k, maxIter, algorithm } = this.params;
    checkNClusters(k, m.rows, owner);
    const n = m.rows;
    const d = m.cols;
    // per-block partial sums (up to 64 blocks of k x d), elkan's n x k and k x k bounds: k near n makes that O(n^2);
    // the kernel's copy of X (plus, past the WebAssembly cap, the windows' memory of at most 1 GiB)
    // and about ten doubles per row (weights, norms, labels, k-means++ candidates); X itself is the caller's
    const kernelBytes = 8 * n * d + (8 * n * d + 12 * n > 2 ** 30 ? 2 ** 30 : 0);
    const kmBytes = kernelBytes + 8 * (Math.ceil(n / sumChunkRows(n)) * (k * d + k) + (algorithm === 'elkan' ? n * k + 2 * k * k : 0) + 3 * k * d + 10 * n);
    checkMemory(`k-means with k=${k} on ${n} samples`, kmBytes, { owner, hint: "lower nClusters (k near the number of samples rarely makes sense; try MiniBatchKMeans or AgglomerativeClustering)" });
    const w = checkSampleWeight(opts.sampleWeight, n, owner);
    const rng = checkRandomState(this.params.randomState, 'randomState', owner);
    const init = this.params.init;
    const initArr = typeof init === 'string' ? null : checkInitMatrix(init, k, d, owner);
    const nInit = resolveNInit(this.params.nInit, init, 10);
    const elkan = algorithm === 'elkan' && k > 1;
    // Mean-centred copy of X (scikit-learn centres X in fit for accurate distances). The kernel
    // owns it and computes the means and the tolerance's variances itself.
    const kernel = new KMeansKernel(n, d, k, w, elkan, init === 'k-means++' ? 2 + Math.floor(Math.log(k)) : 0);
    kernel.X.set(m.data.subarray(0, n * d));
    const mean = kernel.columnMeans();
    const sq = kernel.center(mean);
    const Xc = kernel.X;
    const tol = toleranceOf(sq, n, d, this.params.tol);
    if (initArr) for (let j = 0; j < k; j++) for (let f = 0; f < d; f++) initArr[j * d + f]! -= mean[f]!;
    const xNorms = initArr ? null : rowNormsSq(Xc, n, d); // only k-means++ / random seeding reads them

    let best: KMeansRun | null = null;
    for (let r = 0; r < nInit; r++) {
      const centers0 = initArr ? initArr.slice() : initCentroids(Xc, n, d, k, xNorms!, init as 'k-means++' | 'random', rng, undefined, kernel);
      const run = elkan ? kmeansSingleElkan(Xc, n, d, w, centers0, k, maxIter, tol, kernel) : kmeansSingleLloyd(Xc, n, d, w, centers0, k, maxIter, tol, kernel);
      if (best === null || (run.inertia < best.inertia && !isSameClustering(run.labels, best.labels, k))) best = run;
    }
    kernel.release();
    const centers = best!.centers;
    for (let j = 0; j < k; j++) for (let f = 0; f < d; f++) centers[j * d + f]! += mean[f]!;
    this._state = { clusterCenters: new Matrix(centers, k, d), labels: best!.labels, inertia: best!.inertia, nIter: best!.nIter, nFeatures: d };
    return this;
  }

  /** `fit(X).labels`. */
  fitPredict(X: MatrixLike, opts: SampleWeightOption = {}): Int32Array {
    return this.fit(X, opts).labels;
  }

  /** `fit(X).transform(X)`. */
  fitTransform(X: MatrixLike, opts: SampleWeightOption = {}): Matrix {
    return this.fit(X, opts).transform(X);
  }

  /** Coordinates of the cluster centers (`nClusters x nFeatures`). */
  get clusterCenters(): Matrix {
    return this.fitted.clusterCenters;
  }

  /** Cluster index of each training sample. */
  get labels(): Int32Array {
    return this.fitted.labels;
  }

  /** Sum of (weighted) squared distances of the training samples to their closest center. */
  get inertia(): number {
    return this.fitted.inertia;
  }

  /** Iterations of the best run. */
  get nIter(): number {
    return this.fitted.nIter;
  }

  /** Index of the closest center for each row of X. */
  predict(X: MatrixLike): Int32Array {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    return predictLabels(m, s.clusterCenters);
  }

  /** Euclidean distance of each row of X to each center (`n x nClusters`). */
  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const c = s.clusterCenters;
    return new Matrix(euclideanDistancesCore(m.data, m.rows, c.data, c.rows, m.cols), m.rows, c.rows);
  }

  /** Opposite of the (weighted) inertia of X on the fitted centers: higher is better. */
  score(X: MatrixLike, opts: SampleWeightOption = {}): number {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const w = checkSampleWeight(opts.sampleWeight, m.rows, this.kind);
    const labels = predictLabels(m, s.clusterCenters);
    return -inertiaOf(m.data, m.rows, m.cols, w, s.clusterCenters.data, labels);
  }
}
registerEstimator(KMeans);

// ---------------------------------------------------------------------------------------------
// Shared pieces (also used by MiniBatchKMeans and GaussianMixture)

export interface KMeansRun {
  labels: Int32Array;
  inertia: number;
  centers: Float64Array;
  nIter: number;
}

/** @internal typed error when k exceeds the number of samples. */
export function checkNClusters(k: number, n: number, owner: string, param = 'nClusters'): void {
  if (k > n) throw new InvalidParameterError(param, `<= the number of samples (${n})`, k, owner);
}

/** @internal sample weights: null -> all ones; the shared core check. */
export function checkSampleWeight(w: ArrayLike<number> | null | undefined, n: number, owner: string): Float64Array {
  return checkSampleWeightOrOnes(w, n, owner);
}

/** @internal explicit init matrix -> Float64Array copy of shape k x d. */
export function checkInitMatrix(init: Matrix | readonly (readonly number[])[], k: number, d: number, owner: string): Float64Array {
  const m = checkArray(init as MatrixLike, { owner, name: 'init', copy: true });
  if (m.rows !== k || m.cols !== d) {
    throw new ShapeError('init', `an initial-center matrix of shape [${k}, ${d}] (nClusters x nFeatures)`, `shape [${m.rows}, ${m.cols}]`, owner);
  }
  return m.data;
}

/** @internal scikit-learn's nInit resolution ('auto': 1 for k-means++, `defaultNInit` otherwise; 1 for an explicit init). */
export function resolveNInit(nInit: 'auto' | number, init: KMeansInit, defaultNInit: number): number {
  if (typeof init !== 'string') return 1;
  if (nInit === 'auto') return init === 'k-means++' ? 1 : defaultNInit;
  return nInit;
}

/** scikit-learn's `_tolerance`: `tol` times the mean of the per-feature variances of X. */
export function tolerance(X: Float64Array, n: number, d: number, tol: number): number {
  if (tol === 0) return 0;
  const mean = columnMeans(X, n, d);
  const v = new Float64Array(d);
  for (let i = 0, o = 0; i < n; i++, o += d) for (let f = 0; f < d; f++) { const t = X[o + f]! - mean[f]!; v[f]! += t * t; }
  let s = 0;
  for (let f = 0; f < d; f++) s += v[f]! / n;
  return (s / d) * tol;
}

/** `tolerance` from the per-column sums of squared deviations. */
function toleranceOf(sq: Float64Array, n: number, d: number, tol: number): number {
  if (tol === 0) return 0;
  let s = 0;
  for (let f = 0; f < d; f++) s += sq[f]! / n;
  return (s / d) * tol;
}

/** @internal column means, summed row by row as numpy's `mean(axis=0)`. */
export function columnMeans(X: Float64Array, n: number, d: number): Float64Array {
  const s = new Float64Array(d);
  for (let i = 0, o = 0; i < n; i++, o += d) for (let f = 0; f < d; f++) s[f]! += X[o + f]!;
  for (let f = 0; f < d; f++) s[f]! /= n;
  return s;
}

/**
 * Greedy k-means++ exactly as scikit-learn's `_kmeans_plusplus`: the first center is
 * `randint(n)`, then for each next center `2 + floor(log(k))` candidates are drawn with
 * `uniform(size=trials) * potential` and `searchsorted(cumsum(closestDistSq))`, and the
 * candidate that lowers the potential most is kept. Returns the centers and their row indices.
 *
 * @example
 * const { indices } = kmeansPlusPlus(X.data, X.rows, X.cols, 3, new RandomState(0));
 */
export function kmeansPlusPlus(
  X: Float64Array, n: number, d: number, k: number, rng: RandomState,
  opts: { xNorms?: Float64Array; nLocalTrials?: number; kernel?: KMeansKernel } = {},
): { centers: Float64Array; indices: Int32Array } {
  const xNorms = opts.xNorms ?? rowNormsSq(X, n, d);
  const trials = opts.nLocalTrials ?? 2 + Math.floor(Math.log(k));
  const centers = new Float64Array(k * d);
  const indices = new Int32Array(k).fill(-1);
  const first = rng.randint(n);
  centers.set(X.subarray(first * d, first * d + d), 0);
  indices[0] = first;
  const candIds = new Int32Array(trials);
  // the WebAssembly kernel when it holds this X: candidate distances, minimum and sums in one
  // threaded pass (same values as the TypeScript loop below)
  const kernel = opts.kernel?.wasm && opts.kernel.X === X && trials <= opts.kernel.rowDistMax && opts.kernel.seedInit(xNorms) ? opts.kernel : null;
  if (kernel) {
    let pot = kernel.seedTrial([first])[0]!;
    kernel.seedCommit(0);
    for (let c = 1; c < k; c++) {
      const r = rng.uniform(0, 1, trials);
      searchCumsum(kernel.seedClosest(), n, r, pot, candIds);
      const pots = kernel.seedTrial(candIds);
      let best = 0;
      for (let t = 1; t < trials; t++) if (pots[t]! < pots[best]!) best = t;
      pot = pots[best]!;
      kernel.seedCommit(best);
      const bestId = candIds[best]!;
      centers.set(X.subarray(bestId * d, bestId * d + d), c * d);
      indices[c] = bestId;
    }
    return { centers, indices };
  }
  const wasmRows = opts.kernel?.wasm && opts.kernel.X === X ? opts.kernel : null;
  const distToRows = (rows: ArrayLike<number>): Float64Array[] => (wasmRows ? wasmRows.rowDistances(rows, xNorms) : distToRowsTs(X, n, d, xNorms, rows));
  let closest = distToRows([first])[0]!;
  let pot = pairwiseSum(closest);
  for (let c = 1; c < k; c++) {
    const r = rng.uniform(0, 1, trials);
    searchCumsum(closest, n, r, pot, candIds);
    let bestPot = Infinity;
    let bestDist: Float64Array | null = null;
    let bestId = -1;
    const dists = distToRows(candIds);
    for (let t = 0; t < trials; t++) {
      const dist = dists[t]!;
      for (let i = 0; i < n; i++) if (closest[i]! < dist[i]!) dist[i] = closest[i]!;
      const cp = pairwiseSum(dist);
      if (cp < bestPot || bestDist === null) { bestPot = cp; bestDist = dist; bestId = candIds[t]!; }
    }
    pot = bestPot;
    closest = bestDist!;
    centers.set(X.subarray(bestId * d, bestId * d + d), c * d);
    indices[c] = bestId;
  }
  return { centers, indices };
}

/**
 * `np.searchsorted(np.cumsum(closest), r * pot)` clipped to n - 1, into `out`: the running sum is
 * formed in row order as numpy's cumsum (so it never decreases), and the first row where it
 * reaches each target is found in the same single pass (what a binary search of the stored
 * cumulative sums returns), without storing them.
 */
function searchCumsum(closest: Float64Array, n: number, r: Float64Array, pot: number, out: Int32Array): void {
  const T = out.length;
  const target = Float64Array.from({ length: T }, (_, t) => r[t]! * pot);
  const order = Array.from({ length: T }, (_, t) => t).sort((a, b) => target[a]! - target[b]!);
  out.fill(n - 1);
  let j = 0;
  let acc = 0;
  for (let i = 0; i < n && j < T; i++) {
    acc += closest[i]!;
    while (j < T && acc >= target[order[j]!]!) out[order[j++]!] = i;
  }
}

/**
 * Squared distances of every row of X to each of the rows `rows` (dot-product expansion, clipped
 * at 0), as `_euclidean_distances(X[rows], X)`. X is read once (in L2-sized row blocks shared by
 * all the rows `rows`), four rows at a time so that four independent dot products are in flight;
 * each is summed in feature order, so the values are those of a one-pair loop.
 */
function distToRowsTs(X: Float64Array, n: number, d: number, xNorms: Float64Array, rows: ArrayLike<number>): Float64Array[] {
  const out = Array.from(rows, () => new Float64Array(n));
  const BLOCK = 512;
  for (let b = 0; b < n; b += BLOCK) {
    const e = Math.min(n, b + BLOCK);
    for (let t = 0; t < rows.length; t++) distBlock(X, d, xNorms, rows[t]! * d, xNorms[rows[t]!]!, b, e, out[t]!);
  }
  return out;
}

/** `out[i]` for i in [b, e): the squared distance of row i to the row at offset `ro` (norm `cn`). */
function distBlock(X: Float64Array, d: number, xNorms: Float64Array, ro: number, cn: number, b: number, e: number, out: Float64Array): void {
  let i = b;
  for (; i + 3 < e; i += 4) {
    const o0 = i * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let f = 0; f < d; f++) {
      const c = X[ro + f]!;
      s0 += c * X[o0 + f]!; s1 += c * X[o1 + f]!; s2 += c * X[o2 + f]!; s3 += c * X[o3 + f]!;
    }
    const v0 = -2 * s0 + cn + xNorms[i]!, v1 = -2 * s1 + cn + xNorms[i + 1]!;
    const v2 = -2 * s2 + cn + xNorms[i + 2]!, v3 = -2 * s3 + cn + xNorms[i + 3]!;
    out[i] = v0 > 0 ? v0 : 0; out[i + 1] = v1 > 0 ? v1 : 0; out[i + 2] = v2 > 0 ? v2 : 0; out[i + 3] = v3 > 0 ? v3 : 0;
  }
  for (; i < e; i++) {
    const o = i * d;
    let s = 0;
    for (let f = 0; f < d; f++) s += X[ro + f]! * X[o + f]!;
    const v = -2 * s + cn + xNorms[i]!;
    out[i] = v > 0 ? v : 0;
  }
}

/** @internal `_init_centroids` for the string strategies (optionally on a random subset of `initSize` rows). */
export function initCentroids(
  X: Float64Array, n: number, d: number, k: number, xNorms: Float64Array | null, init: 'k-means++' | 'random', rng: RandomState, initSize?: number,
  kernel?: KMeansKernel,
): Float64Array {
  let Xs = X;
  let ns = n;
  let norms = xNorms;
  let own: KMeansKernel | null = null;
  if (initSize !== undefined && initSize < n) {
    const idx = rng.randint(0, n, initSize);
    if (init === 'k-means++' && !kernel && initSize * k >= 1 << 13) {
      // the subset goes straight into a kernel's memory: k-means++ steps in WebAssembly SIMD
      own = new KMeansKernel(initSize, d, k, null, false, 2 + Math.floor(Math.log(k)));
      if (!own.wasm) { own.release(); own = null; }
    }
    Xs = own ? own.X : new Float64Array(initSize * d);
    for (let t = 0, o = 0; t < initSize; t++) {
      const s = idx[t]! * d;
      for (let f = 0; f < d; f++, o++) Xs[o] = X[s + f]!;
    }
    // a row's squared norm is the same computed here or over all of X
    norms = xNorms ? Float64Array.from(idx, (i) => xNorms[i]!) : null;
    ns = initSize;
  }
  if (init === 'k-means++') {
    try {
      return kmeansPlusPlus(Xs, ns, d, k, rng, { xNorms: norms ?? rowNormsSq(Xs, ns, d), kernel: own ?? kernel }).centers;
    } finally {
      own?.release();
    }
  }
  own?.release();
  const seeds = rng.permutation(ns);
  const out = new Float64Array(k * d);
  for (let j = 0; j < k; j++) out.set(Xs.subarray(seeds[j]! * d, seeds[j]! * d + d), j * d);
  return out;
}

/** @internal weighted sum of squared distances of each row to its labelled center (direct differences). */
export function inertiaOf(X: Float64Array, n: number, d: number, w: Float64Array, C: Float64Array, labels: Int32Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += sqDistRows(X, i, C, labels[i]!, d) * w[i]!;
  return s;
}

/** @internal nearest-center labels (Lloyd E-step, no update). */
export function predictLabels(m: Matrix, centers: Matrix): Int32Array {
  const labels = new Int32Array(m.rows);
  const cn = rowNormsSq(centers.data, centers.rows, centers.cols);
  // the kernel's copy of X pays off from a few thousand rows on
  if (m.rows * centers.rows >= 1 << 15) {
    const a = new KMeansKernel(m.rows, m.cols, centers.rows, null);
    a.X.set(m.data.subarray(0, m.rows * m.cols));
    a.assign(centers.data, cn, labels);
    a.release();
  }
  else assignNearest(m.data, m.cols, 0, m.rows, centers.data, centers.rows, cn, labels);
  return labels;
}

function isSameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const map = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    if (map[a[i]!] === -1) map[a[i]!] = b[i]!;
    else if (map[a[i]!] !== b[i]!) return false;
  }
  return true;
}

/**
 * scikit-learn's `_relocate_empty_clusters_dense`: each empty cluster takes the point farthest
 * from its (old) center, removed from its previous cluster's running sum.
 */
function relocateEmptyClusters(
  X: Float64Array, n: number, d: number, w: Float64Array, centersOld: Float64Array, sums: Float64Array, wsum: Float64Array, labels: Int32Array, k: number,
): void {
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (wsum[j] === 0) empty.push(j);
  if (empty.length === 0) return;
  const dist = new Float64Array(n);
  let max = 0;
  for (let i = 0; i < n; i++) { dist[i] = sqDistRows(X, i, centersOld, labels[i]!, d); if (dist[i]! > max) max = dist[i]!; }
  if (max === 0) return;
  let far: number[];
  if (empty.length === 1) {
    let b = 0;
    for (let i = 1; i < n; i++) if (dist[i]! > dist[b]!) b = i;
    far = [b];
  } else {
    far = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist[b]! - dist[a]! || a - b).slice(0, empty.length);
  }
  for (let t = 0; t < empty.length; t++) {
    const nc = empty[t]!;
    const fi = far[t]!;
    const wt = w[fi]!;
    const oc = labels[fi]!;
    for (let f = 0; f < d; f++) {
      sums[oc * d + f]! -= X[fi * d + f]! * wt;
      sums[nc * d + f] = X[fi * d + f]! * wt;
    }
    wsum[nc] = wt;
    wsum[oc]! -= wt;
  }
}

/** `_average_centers` then `_center_shift` (returns the squared total shift). */
function averageAndShift(sums: Float64Array, wsum: Float64Array, centersOld: Float64Array, k: number, d: number, shift: Float64Array): number {
  let am = 0;
  for (let j = 1; j < k; j++) if (wsum[j]! > wsum[am]!) am = j;
  for (let j = 0; j < k; j++) {
    if (wsum[j]! > 0) {
      const a = 1 / wsum[j]!;
      for (let f = 0; f < d; f++) sums[j * d + f]! *= a;
    } else {
      for (let f = 0; f < d; f++) sums[j * d + f] = sums[am * d + f]!;
    }
  }
  let tot = 0;
  for (let j = 0; j < k; j++) {
    const s = Math.sqrt(sqDistRows(sums, j, centersOld, j, d));
    shift[j] = s;
    tot += s * s;
  }
  return tot;
}

function lloydIter(
  X: Float64Array, n: number, d: number, w: Float64Array, centers: Float64Array, centersNew: Float64Array, wsum: Float64Array, labels: Int32Array, k: number, shift: Float64Array,
  assigner: KMeansKernel,
): number {
  centersNew.fill(0);
  wsum.fill(0);
  assigner.assign(centers, rowNormsSq(centers, k, d), labels, centersNew, wsum);
  relocateEmptyClusters(X, n, d, w, centers, centersNew, wsum, labels, k);
  return averageAndShift(centersNew, wsum, centers, k, d, shift);
}

function equalLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One Lloyd run (`_kmeans_single_lloyd`). X must already be mean-centred like `centersInit`.
 * `assigner` (a `KMeansKernel` over the same X and w) lets several runs share one kernel copy of X.
 */
export function kmeansSingleLloyd(
  X: Float64Array, n: number, d: number, w: Float64Array, centersInit: Float64Array, k: number, maxIter: number, tol: number,
  assigner?: KMeansKernel,
): KMeansRun {
  const own = !assigner;
  if (!assigner) {
    assigner = new KMeansKernel(n, d, k, w);
    assigner.X.set(X.subarray(0, n * d));
  }
  let centers = centersInit;
  let centersNew: Float64Array = new Float64Array(k * d);
  const labels = new Int32Array(n).fill(-1);
  const labelsOld = new Int32Array(n).fill(-1);
  const wsum = new Float64Array(k);
  const shift = new Float64Array(k);
  let strict = false;
  let i = 0;
  for (; i < maxIter; i++) {
    const shiftTot = lloydIter(X, n, d, w, centers, centersNew, wsum, labels, k, shift, assigner);
    const t = centers; centers = centersNew; centersNew = t;
    if (equalLabels(labels, labelsOld)) { strict = true; break; }
    if (shiftTot <= tol) break;
    labelsOld.set(labels);
  }
  if (!strict) assigner.assign(centers, rowNormsSq(centers, k, d), labels);
  const inertia = assigner.inertia(centers, labels);
  if (own) assigner.release();
  return { labels, inertia, centers, nIter: Math.min(i + 1, maxIter) };
}

/** Half the pairwise center distances and, per center, the half distance to its nearest other center. */
function centerHalfDistances(C: Float64Array, k: number, d: number): { half: Float64Array; next: Float64Array } {
  const half = euclideanDistancesCore(C, k, C, k, d);
  for (let j = 0; j < k; j++) half[j * k + j] = 0;
  for (let t = 0; t < half.length; t++) half[t]! /= 2;
  const next = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    // np.partition(half, kth=1, axis=0)[1]: second smallest of column j
    let a = Infinity, b = Infinity;
    for (let i = 0; i < k; i++) {
      const v = half[i * k + j]!;
      if (v < a) { b = a; a = v; } else if (v < b) b = v;
    }
    next[j] = b;
  }
  return { half, next };
}

/**
 * Elkan E-step for row i (the per-sample body of scikit-learn's `_update_chunk_dense`): tightens
 * the bounds only where the triangle inequality cannot rule a center out. Returns the label.
 * Kept apart from the loops so that V8 optimises it as a small hot function.
 */
function elkanRow(
  X: Float64Array, i: number, d: number, centers: Float64Array, k: number, half: Float64Array, next: Float64Array,
  upper: Float64Array, lower: Float64Array, labels: Int32Array,
): number {
  let ub = upper[i]!;
  let label = labels[i]!;
  if (next[label]! >= ub) return label;
  let tight = false;
  const lo = i * k;
  for (let j = 0; j < k; j++) {
    if (j !== label && ub > lower[lo + j]! && ub > half[label * k + j]!) {
      if (!tight) {
        ub = distRowsSk(X, i, centers, label, d);
        lower[lo + label] = ub;
        tight = true;
      }
      if (ub > lower[lo + j]! || ub > half[label * k + j]!) {
        const dist = distRowsSk(X, i, centers, j, d);
        lower[lo + j] = dist;
        if (dist < ub) { label = j; ub = dist; }
      }
    }
  }
  labels[i] = label;
  upper[i] = ub;
  return label;
}

/** After the centers moved by `shift`: upper bounds grow by their center's shift, lower bounds shrink (clipped at 0). */
function elkanShiftBounds(n: number, k: number, shift: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  for (let i = 0, lo = 0; i < n; i++, lo += k) {
    upper[i]! += shift[labels[i]!]!;
    for (let j = 0; j < k; j++) {
      const v = lower[lo + j]! - shift[j]!;
      lower[lo + j] = v < 0 ? 0 : v;
    }
  }
}

/** `kmeansSingleElkan` on the WebAssembly kernel (bounds and labels live in the kernel). */
function elkanWasm(X: Float64Array, n: number, d: number, w: Float64Array, centersInit: Float64Array, k: number, maxIter: number, tol: number, kernel: KMeansKernel): KMeansRun {
  let centers = centersInit;
  let centersNew: Float64Array = new Float64Array(k * d);
  const wsum = new Float64Array(k);
  const labels = new Int32Array(n);
  const labelsOld = new Int32Array(n).fill(-1);
  const shift = new Float64Array(k);
  let { half, next } = centerHalfDistances(centers, k, d);
  kernel.elkanInit(centers, half, labels);
  let strict = false;
  let i = 0;
  for (; i < maxIter; i++) {
    centersNew.fill(0);
    wsum.fill(0);
    kernel.elkanStep(centers, half, next, labels, centersNew, wsum);
    relocateEmptyClusters(X, n, d, w, centers, centersNew, wsum, labels, k);
    const shiftTot = averageAndShift(centersNew, wsum, centers, k, d, shift);
    kernel.elkanShiftBounds(shift);
    ({ half, next } = centerHalfDistances(centersNew, k, d));
    const t = centers; centers = centersNew; centersNew = t;
    if (equalLabels(labels, labelsOld)) { strict = true; break; }
    if (shiftTot <= tol) break;
    labelsOld.set(labels);
  }
  if (!strict) kernel.elkanStep(centers, half, next, labels);
  return { labels, inertia: kernel.inertia(centers, labels), centers, nIter: Math.min(i + 1, maxIter) };
}

function elkanIter(
  X: Float64Array, n: number, d: number, w: Float64Array, centers: Float64Array, centersNew: Float64Array, wsum: Float64Array,
  half: Float64Array, next: Float64Array, upper: Float64Array, lower: Float64Array, labels: Int32Array, k: number, shift: Float64Array, update: boolean,
): number {
  if (!update) {
    for (let i = 0; i < n; i++) elkanRow(X, i, d, centers, k, half, next, upper, lower, labels);
    return 0;
  }
  centersNew.fill(0);
  wsum.fill(0);
  // per-block sums added in block order, as the WebAssembly kernel (`sumChunkRows`)
  const chunk = sumChunkRows(n);
  const part = new Float64Array(k * d), wpart = new Float64Array(k);
  for (let r0 = 0; r0 < n; r0 += chunk) {
    part.fill(0);
    wpart.fill(0);
    for (let i = r0, r1 = Math.min(n, r0 + chunk); i < r1; i++) {
      const label = elkanRow(X, i, d, centers, k, half, next, upper, lower, labels);
      const wi = w[i]!;
      wpart[label]! += wi;
      for (let f = 0, so = label * d, xo = i * d; f < d; f++) part[so + f]! += X[xo + f]! * wi;
    }
    for (let t = 0; t < k * d; t++) centersNew[t]! += part[t]!;
    for (let j = 0; j < k; j++) wsum[j]! += wpart[j]!;
  }
  relocateEmptyClusters(X, n, d, w, centers, centersNew, wsum, labels, k);
  const tot = averageAndShift(centersNew, wsum, centers, k, d, shift);
  elkanShiftBounds(n, k, shift, labels, upper, lower);
  return tot;
}

/**
 * One Elkan run (`_kmeans_single_elkan`); same results as Lloyd, fewer distance computations on
 * well-separated data. With a WebAssembly `kernel` (built with `elkan` over the same X and w) the
 * passes run there, with the same operations in the same order.
 */
export function kmeansSingleElkan(
  X: Float64Array, n: number, d: number, w: Float64Array, centersInit: Float64Array, k: number, maxIter: number, tol: number,
  kernel: KMeansKernel | null = null,
): KMeansRun {
  if (kernel?.wasm) return elkanWasm(X, n, d, w, centersInit, k, maxIter, tol, kernel);
  let centers = centersInit;
  let centersNew: Float64Array = new Float64Array(k * d);
  const wsum = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const labelsOld = new Int32Array(n).fill(-1);
  let { half, next } = centerHalfDistances(centers, k, d);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const shift = new Float64Array(k);
  // init_bounds_dense
  for (let i = 0; i < n; i++) {
    let best = 0;
    let minD = distRowsSk(X, i, centers, 0, d);
    lower[i * k] = minD;
    for (let j = 1; j < k; j++) {
      if (minD > half[best * k + j]!) {
        const dist = distRowsSk(X, i, centers, j, d);
        lower[i * k + j] = dist;
        if (dist < minD) { minD = dist; best = j; }
      }
    }
    labels[i] = best;
    upper[i] = minD;
  }
  let strict = false;
  let i = 0;
  for (; i < maxIter; i++) {
    const shiftTot = elkanIter(X, n, d, w, centers, centersNew, wsum, half, next, upper, lower, labels, k, shift, true);
    ({ half, next } = centerHalfDistances(centersNew, k, d));
    const t = centers; centers = centersNew; centersNew = t;
    if (equalLabels(labels, labelsOld)) { strict = true; break; }
    if (shiftTot <= tol) break;
    labelsOld.set(labels);
  }
  if (!strict) elkanIter(X, n, d, w, centers, centers, wsum, half, next, upper, lower, labels, k, shift, false);
  return { labels, inertia: inertiaOf(X, n, d, w, centers, labels), centers, nIter: Math.min(i + 1, maxIter) };
}
