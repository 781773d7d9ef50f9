import { Estimator, registerEstimator, type Capabilities } from '../core/estimator.js';
import { Matrix } from '../core/matrix.js';
import { p, type ParamsOf } from '../core/params.js';
import { checkRandomState, RandomState } from '../core/random.js';
import { checkArray, type MatrixLike } from '../core/validation.js';
import { assignNearest, KMeansKernel } from './kmeansKernel.js';
import { euclideanDistancesCore, rowNormsSq } from './pairwise.js';
import {
  checkInitMatrix, checkNClusters, checkSampleWeight, inertiaOf, initCentroids, initSpec, predictLabels, resolveNInit, tolerance,
  type KMeansInit, type SampleWeightOption,
} from './kmeans.js';

const schema = {
  nClusters: p.int(8, { min: 1, doc: 'Number of clusters (and centers).' }),
  init: initSpec,
  maxIter: p.int(100, { min: 1, doc: 'Passes over the data (fit runs maxIter * n / batchSize mini-batch steps at most).' }),
  batchSize: p.int(1024, { min: 1, doc: 'Rows per mini-batch.' }),
  computeLabels: p.bool(true, 'Compute labels and inertia on the full data after fit / on the batch after partialFit.'),
  randomState: p.randomState(),
  tol: p.num(0, { min: 0, doc: 'Early stop when the squared center change <= tol * mean variance (0 disables).' }),
  maxNoImprovement: p.nullable(p.int(10, { min: 0 }), 10),
  initSize: p.nullable(p.int(1, { min: 1 })),
  nInit: p.custom<'auto' | number>('auto', "'auto' or an integer >= 1", (v) => v === 'auto' || (typeof v === 'number' && Number.isInteger(v) && v >= 1),
    "Initialisations tried (best inertia on a validation subset). 'auto': 1 for k-means++, 3 for 'random'."),
  reassignmentRatio: p.num(0.01, { min: 0, doc: 'Centers whose count is below this fraction of the largest count are moved to random batch points.' }),
};
export type MiniBatchKMeansParams = ParamsOf<typeof schema>;

export interface MiniBatchKMeansState {
  clusterCenters: Matrix;
  /** Labels of the data of the last fit / partialFit call (empty when computeLabels is false). */
  labels: Int32Array;
  inertia: number;
  nSteps: number;
  nIter: number;
  /** Accumulated weight per center (scikit-learn's `_counts`). */
  counts: Float64Array;
  nFeatures: number;
  /** Streaming state for partialFit. */
  rng: RandomState;
  batchSize: number;
  nSinceLastReassign: number;
}

/**
 * Mini-batch k-means, a port of scikit-learn's `MiniBatchKMeans`: per-center learning rates from
 * accumulated counts, random reassignment of starving centers (`reassignmentRatio`), early
 * stopping on an exponentially weighted batch inertia, and `partialFit` for streams. With the same
 * `randomState` it draws the same batches as scikit-learn and reaches the same centers.
 *
 * @example
 * const mb = new MiniBatchKMeans({ nClusters: 2, batchSize: 6, randomState: 0 }).fit(X);
 * const stream = new MiniBatchKMeans({ nClusters: 2, randomState: 0 });
 * for (const batch of batches) stream.partialFit(batch);
 * stream.predict([[0, 0]]);
 */
export class MiniBatchKMeans extends Estimator<typeof schema, MiniBatchKMeansState> {
  static override readonly kind = 'MiniBatchKMeans';
  static override readonly schema = schema;
  static override readonly capabilities: Capabilities = { type: 'clusterer', supervised: false, stochastic: true, allowNaN: false };

  constructor(params: Partial<MiniBatchKMeansParams> = {}) {
    super(params);
  }

  private sizes(n: number): { batchSize: number; initSize: number } {
    const k = this.params.nClusters;
    const batchSize = Math.min(this.params.batchSize, n);
    let initSize = this.params.initSize ?? 3 * batchSize;
    if (initSize < k) initSize = 3 * k;
    return { batchSize, initSize: Math.min(initSize, n) };
  }

  private initCenters(X: Float64Array, n: number, d: number, xNorms: Float64Array | null, rng: RandomState, initSize: number): Float64Array {
    const { init, nClusters: k } = this.params;
    if (typeof init === 'string') return initCentroids(X, n, d, k, xNorms, init, rng, initSize);
    if (initSize < n) rng.randint(0, n, initSize); // scikit-learn draws the subset before looking at init
    return checkInitMatrix(init, k, d, this.kind);
  }

  /**
   * Fit on the whole data set by mini-batch steps.
   *
   * With the WebAssembly kernel, X is copied once into the kernel's memory (and checked for
   * non-finite values there); every step then gathers its rows from that resident copy, labels
   * them, sums the batch inertia and moves the centers in one call (`KMeansKernel.miniBatchStep`),
   * and the final labels and inertia run on the same copy (threaded for large data). Elsewhere
   * (TypeScript backend, data past the WebAssembly cap) the batches are gathered in JavaScript.
   * Both give the same results bit for bit.
   */
  fit(X: MatrixLike, opts: SampleWeightOption = {}): this {
    // a Matrix is checked for non-finite values on the kernel's copy; other inputs by checkArray
    let resident = X instanceof Matrix ? this.residentKernel(X, false) : null;
    try {
      let m: Matrix;
      if (resident) m = X as Matrix;
      else {
        m = checkArray(X, { owner: this.kind, minRows: 2 });
        if (!(X instanceof Matrix)) resident = this.residentKernel(m, true);
      }
      return this.fitWith(m, resident, opts);
    } finally {
      resident?.release();
    }
  }

  /**
   * The resident kernel for a Matrix X whose rows fit in the WebAssembly memory, X copied in and
   * (unless `checked`, for X from `checkArray`) found finite; null otherwise (then `checkArray`
   * validates X). A non-finite value makes `checkArray` throw its usual DataError (row, column and
   * value).
   */
  private residentKernel(X: Matrix, checked: boolean): KMeansKernel | null {
    if (X.rows < 2 || X.cols < 1) return null;
    const n = X.rows;
    const d = X.cols;
    const k = this.params.nClusters;
    const { batchSize, initSize } = this.sizes(n);
    const batchRows = Math.max(batchSize, initSize);
    if (!KMeansKernel.residentFits(n, d, k, batchRows)) return null;
    const kern = new KMeansKernel(n, d, k, null, false, 0, batchRows);
    if (!kern.wasm) {
      kern.release();
      return null;
    }
    kern.X.set(X.data.subarray(0, n * d));
    if (!checked && !kern.allFinite()) {
      kern.release();
      checkArray(X, { owner: this.kind, minRows: 2 }); // throws the DataError naming the value
      return null;
    }
    return kern;
  }

  private fitWith(m: Matrix, kern: KMeansKernel | null, opts: SampleWeightOption): this {
    const owner = this.kind;
    const { nClusters: k, maxIter, reassignmentRatio, maxNoImprovement } = this.params;
    checkNClusters(k, m.rows, owner);
    const n = m.rows;
    const d = m.cols;
    const Xd = m.data;
    const { batchSize, initSize } = this.sizes(n);
    const tol = tolerance(Xd, n, d, this.params.tol);
    const nInit = resolveNInit(this.params.nInit, this.params.init as KMeansInit, 3);
    const rng = checkRandomState(this.params.randomState, 'randomState', owner);
    const w = checkSampleWeight(opts.sampleWeight, n, owner);
    if (typeof this.params.init !== 'string') checkInitMatrix(this.params.init, k, d, owner);
    kern?.setWeights(w);
    // squared row norms only for the rows k-means++ looks at (the init subsets)
    const xNorms = initSize < n ? null : rowNormsSq(Xd, n, d);
    const validIdx = rng.randint(0, n, initSize);
    let validInertia: (c: Float64Array) => number;
    if (kern) validInertia = (c) => kern.batchInertia(validIdx, c);
    else {
      const Xv = gather(Xd, d, validIdx);
      const wv = Float64Array.from(validIdx, (i) => w[i]!);
      validInertia = (c) => inertiaOf(Xv, initSize, d, wv, c, labelsOf(Xv, initSize, d, c, k));
    }
    let centers: Float64Array | null = null;
    let bestInertia = Infinity;
    for (let r = 0; r < nInit; r++) {
      const c = this.initCenters(Xd, n, d, xNorms, rng, initSize);
      const inertia = validInertia(c);
      if (centers === null || inertia < bestInertia) { centers = c; bestInertia = inertia; }
    }
    let cur = centers!;
    let next: Float64Array = new Float64Array(k * d);
    const counts = new Float64Array(k);
    const st = { nSince: 0 };
    let ewa: number | null = null;
    let ewaMin: number | null = null;
    let noImprovement = 0;
    const nSteps = Math.floor((maxIter * n) / batchSize);
    // without the resident kernel, the batches are gathered into a batch kernel's memory
    const batchKernel = kern ? null : new KMeansKernel(batchSize, d, k, null);
    const Xb = kern ? kern.batchX : batchKernel!.X;
    const wb = new Float64Array(batchSize);
    const lab = new Int32Array(batchSize);
    let i = 0;
    // on the resident kernel the batch indices are drawn there (the MT19937 state moves in and
    // back out around the loop and around the rare reassignment draws)
    kern?.rngLoad(rng);
    for (; i < nSteps; i++) {
      let inertia0: number;
      let updated: boolean;
      let reassign: boolean;
      if (kern) {
        reassign = randomReassign(counts, st, batchSize, k);
        inertia0 = kern.miniBatchStepDrawn(batchSize, cur, next, counts);
        updated = true;
      } else {
        const idx = rng.randint(0, n, batchSize);
        reassign = randomReassign(counts, st, batchSize, k);
        const bk = batchKernel!;
        gatherInto(Xd, d, idx, Xb);
        for (let t = 0; t < batchSize; t++) wb[t] = w[idx[t]!]!;
        bk.setWeights(wb);
        bk.assign(cur, rowNormsSq(cur, k, d), lab);
        inertia0 = bk.inertia(cur, lab);
        updated = bk.miniBatchUpdate(cur, next, counts);
      }
      const draws = kern !== null && reassign && reassignWanted(counts, k, reassignmentRatio);
      if (draws) kern.rngStore(rng);
      let batchInertia = miniBatchStep(Xb, batchSize, d, wb, cur, next, counts, k, rng, reassign, reassignmentRatio, lab, inertia0, updated);
      if (draws) kern.rngLoad(rng);
      let diff = 0;
      if (tol > 0) for (let t = 0; t < k * d; t++) { const v = next[t]! - cur[t]!; diff += v * v; }
      const tmp = cur; cur = next; next = tmp;
      // _mini_batch_convergence
      batchInertia /= batchSize;
      const step = i + 1;
      if (step === 1) continue;
      if (ewa === null) ewa = batchInertia;
      else {
        const alpha = Math.min((batchSize * 2.0) / (n + 1), 1);
        ewa = ewa * (1 - alpha) + batchInertia * alpha;
      }
      if (tol > 0 && diff <= tol) break;
      if (ewaMin === null || ewa < ewaMin) { noImprovement = 0; ewaMin = ewa; }
      else noImprovement++;
      if (maxNoImprovement !== null && noImprovement >= maxNoImprovement) break;
    }
    kern?.rngStore(rng);
    batchKernel?.release();
    const stepsDone = Math.min(i + 1, nSteps);
    let labels: Int32Array = new Int32Array(0);
    let inertia: number;
    if (this.params.computeLabels) {
      // one pass over all rows on the (threaded) kernel: labels, then the inertia in row order
      labels = new Int32Array(n);
      if (kern) inertia = kern.labelsInertia(cur, rowNormsSq(cur, k, d), labels);
      else {
        const full = new KMeansKernel(n, d, k, w);
        full.X.set(Xd.subarray(0, n * d));
        full.assign(cur, rowNormsSq(cur, k, d), labels);
        inertia = full.inertia(cur, labels);
        full.release();
      }
    } else inertia = (ewa ?? NaN) * n;
    this._state = {
      clusterCenters: new Matrix(cur, k, d), labels, inertia, nSteps: stepsDone, nIter: Math.ceil((stepsDone * batchSize) / n),
      counts, nFeatures: d, rng: typeof this.params.randomState === 'number' ? new RandomState(this.params.randomState) : rng, batchSize, nSinceLastReassign: st.nSince,
    };
    return this;
  }

  /**
   * Update the centers with one mini-batch (streaming). The first call initialises the centers
   * from this batch, so it needs at least `nClusters` rows.
   */
  partialFit(X: MatrixLike, opts: SampleWeightOption = {}): this {
    const owner = this.kind;
    const { nClusters: k, reassignmentRatio } = this.params;
    const s0 = this._state;
    const m = checkArray(X, { owner, ...(s0 ? { nFeatures: s0.nFeatures } : {}) });
    const n = m.rows;
    const d = m.cols;
    const w = checkSampleWeight(opts.sampleWeight, n, owner);
    let s: MiniBatchKMeansState;
    if (!s0) {
      checkNClusters(k, n, owner);
      const { batchSize, initSize } = this.sizes(n);
      const rng = this.params.randomState instanceof RandomState ? this.params.randomState : checkRandomState(this.params.randomState, 'randomState', owner);
      const centers = this.initCenters(m.data, n, d, initSize < n ? null : rowNormsSq(m.data, n, d), rng, initSize);
      s = {
        clusterCenters: new Matrix(centers, k, d), labels: new Int32Array(0), inertia: NaN, nSteps: 0, nIter: 0,
        counts: new Float64Array(k), nFeatures: d, rng, batchSize, nSinceLastReassign: 0,
      };
    } else s = s0;
    const c = s.clusterCenters.data;
    const st = { nSince: s.nSinceLastReassign };
    const reassign = randomReassign(s.counts, st, s.batchSize, k);
    miniBatchStep(m.data, n, d, w, c, c, s.counts, k, s.rng, reassign, reassignmentRatio);
    s.nSinceLastReassign = st.nSince;
    if (this.params.computeLabels) {
      s.labels = labelsOf(m.data, n, d, c, k);
      s.inertia = inertiaOf(m.data, n, d, w, c, s.labels);
    }
    s.nSteps += 1;
    this._state = s;
    return this;
  }

  /** Coordinates of the cluster centers (`nClusters x nFeatures`). */
  get clusterCenters(): Matrix {
    return this.fitted.clusterCenters;
  }

  /** Labels of the rows seen by the last fit (or of the last partialFit batch). */
  get labels(): Int32Array {
    return this.fitted.labels;
  }

  /** Weighted inertia of the data of the last fit (or batch). */
  get inertia(): number {
    return this.fitted.inertia;
  }

  /** Mini-batch steps run. */
  get nSteps(): number {
    return this.fitted.nSteps;
  }

  /** Passes over the data (`ceil(nSteps * batchSize / n)`). */
  get nIter(): number {
    return this.fitted.nIter;
  }

  /** Accumulated sample weight per center. */
  get counts(): Float64Array {
    return this.fitted.counts;
  }

  /** Index of the closest center for each row of X. */
  predict(X: MatrixLike): Int32Array {
    const s = this.fitted;
    return predictLabels(checkArray(X, { owner: this.kind, nFeatures: s.nFeatures }), s.clusterCenters);
  }

  /** Euclidean distance of each row to each center. */
  transform(X: MatrixLike): Matrix {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const c = s.clusterCenters;
    return new Matrix(euclideanDistancesCore(m.data, m.rows, c.data, c.rows, m.cols), m.rows, c.rows);
  }

  /** Opposite of the weighted inertia of X on the centers. */
  score(X: MatrixLike, opts: SampleWeightOption = {}): number {
    const s = this.fitted;
    const m = checkArray(X, { owner: this.kind, nFeatures: s.nFeatures });
    const w = checkSampleWeight(opts.sampleWeight, m.rows, this.kind);
    return -inertiaOf(m.data, m.rows, m.cols, w, s.clusterCenters.data, predictLabels(m, s.clusterCenters));
  }
}
registerEstimator(MiniBatchKMeans);

function gather(X: Float64Array, d: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * d);
  gatherInto(X, d, idx, out);
  return out;
}

/** Rows `idx` of X into `out` (a plain loop: a subarray per row costs more than the copy at small d). */
function gatherInto(X: Float64Array, d: number, idx: ArrayLike<number>, out: Float64Array): void {
  for (let t = 0, o = 0; t < idx.length; t++) {
    const s = idx[t]! * d;
    for (let f = 0; f < d; f++, o++) out[o] = X[s + f]!;
  }
}

function labelsOf(X: Float64Array, n: number, d: number, C: Float64Array, k: number): Int32Array {
  const labels = new Int32Array(n);
  const cn = rowNormsSq(C, k, d);
  // the kernel's copy of X pays off from a few thousand rows on (as predictLabels)
  if (n * k >= 1 << 15) {
    const a = new KMeansKernel(n, d, k, null);
    a.X.set(X.subarray(0, n * d));
    a.assign(C, cn, labels);
    a.release();
  } else assignNearest(X, d, 0, n, C, k, cn, labels);
  return labels;
}

/** `_random_reassign`: every 10 * k samples, or whenever a center has zero count. */
function randomReassign(counts: Float64Array, st: { nSince: number }, batchSize: number, k: number): boolean {
  st.nSince += batchSize;
  if (counts.some((c) => c === 0) || st.nSince >= 10 * k) { st.nSince = 0; return true; }
  return false;
}

/** True when `miniBatchStep` would draw new centers (some count below `ratio` times the largest). */
function reassignWanted(counts: Float64Array, k: number, ratio: number): boolean {
  if (!(ratio > 0)) return false;
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (counts[c]! > max) max = counts[c]!;
  for (let c = 0; c < k; c++) if (counts[c]! < ratio * max) return true;
  return false;
}

/**
 * `_mini_batch_step`: label the batch (or take `labels`), move centers with count-based rates,
 * reassign starving centers. Returns the batch inertia.
 *
 * The update is scikit-learn's `_minibatch_update_dense` (per center: `c * count`, plus each of
 * its rows times its weight in row order, times `1 / (count + wsum)`), done in one pass over the
 * rows instead of one per center: each center still receives its rows in row order, so the sums
 * are the same.
 */
function miniBatchStep(
  X: Float64Array, n: number, d: number, w: Float64Array, centers: Float64Array, centersNew: Float64Array, counts: Float64Array, k: number,
  rng: RandomState, reassign: boolean, ratio: number, labels: Int32Array = labelsOf(X, n, d, centers, k),
  inertia: number = inertiaOf(X, n, d, w, centers, labels), updated = false,
): number {
  if (!updated) updateCenters(X, n, d, w, centers, centersNew, counts, k, labels);
  if (reassign && ratio > 0) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) if (counts[c]! > max) max = counts[c]!;
    const to = new Array<boolean>(k);
    let nTo = 0;
    for (let c = 0; c < k; c++) { to[c] = counts[c]! < ratio * max; if (to[c]) nTo++; }
    if (nTo > 0.5 * n) {
      const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => counts[a]! - counts[b]! || a - b);
      for (const c of order.slice(Math.floor(0.5 * n))) to[c] = false;
      nTo = to.filter(Boolean).length;
    }
    if (nTo > 0) {
      const pick = rng.choice(n, nTo, { replace: false });
      let t = 0;
      for (let c = 0; c < k; c++) if (to[c]) { centersNew.set(X.subarray(pick[t]! * d, pick[t]! * d + d), c * d); t++; }
      let min = Infinity;
      for (let c = 0; c < k; c++) if (!to[c] && counts[c]! < min) min = counts[c]!;
      for (let c = 0; c < k; c++) if (to[c]) counts[c] = min;
    }
  }
  return inertia;
}

/**
 * `_minibatch_update_dense` in one pass over the rows (see `miniBatchStep`; the WebAssembly
 * kernel's `mbUpdate` performs the same operations in the same order).
 */
function updateCenters(X: Float64Array, n: number, d: number, w: Float64Array, centers: Float64Array, centersNew: Float64Array, counts: Float64Array, k: number, labels: Int32Array): void {
  const wsum = new Float64Array(k);
  for (let i = 0; i < n; i++) wsum[labels[i]!]! += w[i]!;
  for (let c = 0; c < k; c++) {
    const o = c * d;
    if (wsum[c]! > 0) for (let f = 0; f < d; f++) centersNew[o + f] = centers[o + f]! * counts[c]!;
    else if (centersNew !== centers) for (let f = 0; f < d; f++) centersNew[o + f] = centers[o + f]!;
  }
  for (let i = 0, xo = 0; i < n; i++, xo += d) {
    const c = labels[i]!;
    if (!(wsum[c]! > 0)) continue; // scikit-learn leaves a center with no weight untouched
    const o = c * d;
    const wi = w[i]!;
    for (let f = 0; f < d; f++) centersNew[o + f]! += X[xo + f]! * wi;
  }
  for (let c = 0; c < k; c++) {
    if (!(wsum[c]! > 0)) continue;
    counts[c]! += wsum[c]!;
    const alpha = 1 / counts[c]!;
    const o = c * d;
    for (let f = 0; f < d; f++) centersNew[o + f]! *= alpha;
  }
}
