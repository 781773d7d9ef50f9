import { InvalidParameterError } from '../core/errors.js';
import { checkRandomState, type RandomState } from '../core/random.js';
import { checkArray, checkLabels, checkTarget, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { pairwiseSum } from '../preprocessing/_base.js';
import { digamma } from './special.js';

export interface MutualInfoOptions {
  /** 'auto' (= false for dense input), true/false for all features, or the indices / boolean mask of the discrete ones. */
  discreteFeatures?: 'auto' | boolean | number[] | boolean[];
  /** k of the KSG estimator (default 3). */
  nNeighbors?: number;
  randomState?: number | RandomState | null;
}

export interface MutualInfoRegressionOptions extends MutualInfoOptions {
  /** scikit-learn parity only: the input is never modified (default true). */
  copy?: boolean;
}

/**
 * Mutual information between each feature and a discrete target (scikit-learn's
 * `mutual_info_classif`), reproducing its numbers: continuous features are scaled by their
 * standard deviation and jittered with `1e-10 * max(1, mean|x|) * N(0, 1)` drawn from the same
 * numpy-identical RandomState stream, then scored with the Ross (2014) k-nearest-neighbour
 * estimator (`_compute_mi_cd`); discrete features use the contingency-table MI
 * (`mutual_info_score`). Exact in one dimension: sorted neighbour search instead of a KD-tree.
 *
 * @example
 * const mi = mutualInfoClassif(X, y, { randomState: 0 }); // Float64Array, one value per feature
 */
export function mutualInfoClassif(X: MatrixLike, y: LabelsLike, opts: MutualInfoOptions = {}): Float64Array {
  const owner = 'mutualInfoClassif';
  const m = checkArray(X, { owner, copy: true });
  const { encoded } = checkLabels(y, m.rows, { owner });
  const n = m.rows, d = m.cols;
  const k = checkNeighbors(opts.nNeighbors, owner);
  const discrete = discreteMask(opts.discreteFeatures, d, owner);
  const rng = checkRandomState(opts.randomState ?? null, 'randomState', owner);
  const x = m.data;
  jitterContinuous(x, n, d, discrete, rng);
  const out = new Float64Array(d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = x[i * d + j]!;
    out[j] = discrete[j] ? miDiscrete(col, encoded) : miContinuousDiscrete(col, encoded, k);
  }
  return out;
}

/**
 * Mutual information between each feature and a continuous target (scikit-learn's
 * `mutual_info_regression`), reproducing its numbers to ~1e-12: continuous features and the
 * target are scaled by their standard deviation and jittered with
 * `1e-10 * max(1, mean|x|) * N(0, 1)` (features first, then y, from one numpy-identical
 * RandomState stream). Continuous features are scored with the Kraskov-Stögbauer-Grassberger
 * estimator (`_compute_mi_cc`: Chebyshev k-th neighbour radius in the (x, y) plane, then
 * neighbour counts along each axis); discrete features with the Ross (2014) estimator
 * (`_compute_mi_cd`, with y as the continuous variable).
 *
 * Exact, no tree: the 2-D k-NN search scans outwards from each point in x-sorted order and stops
 * once |dx| reaches the current k-th distance; the 1-D radius counts are two binary searches.
 * The input is never modified (`copy` is accepted for scikit-learn parity only).
 *
 * @example
 * const { X, y } = loadDataset('diabetes');
 * const mi = mutualInfoRegression(X, y, { randomState: 0 }); // Float64Array, one value per feature
 * const withSex = mutualInfoRegression(X, y, { discreteFeatures: [1], nNeighbors: 5, randomState: 3 });
 */
export function mutualInfoRegression(X: MatrixLike, y: ArrayLike<number>, opts: MutualInfoRegressionOptions = {}): Float64Array {
  const owner = 'mutualInfoRegression';
  const m = checkArray(X, { owner, copy: true });
  const t = checkTarget(y, m.rows, { owner });
  const n = m.rows, d = m.cols;
  const k = checkNeighbors(opts.nNeighbors, owner);
  if (opts.copy !== undefined && typeof opts.copy !== 'boolean') throw new InvalidParameterError('copy', 'a boolean', opts.copy, owner);
  const discrete = discreteMask(opts.discreteFeatures, d, owner);
  if (discrete.some((b) => !b) && k > n - 1) throw new InvalidParameterError('nNeighbors', `an integer <= n_samples - 1 = ${n - 1}`, k, owner);
  const rng = checkRandomState(opts.randomState ?? null, 'randomState', owner);
  const x = m.data;
  jitterContinuous(x, n, d, discrete, rng);
  // y = scale(y, with_mean=False); y += 1e-10 * max(1, mean|y|) * randn(n)   (1-D: pairwise sums)
  let sd = Math.sqrt(pairwiseSum(sqDev(t)) / n);
  if (sd < 10 * EPS) sd = 1;
  for (let i = 0; i < n; i++) t[i] = t[i]! / sd;
  const my = Math.max(1, pairwiseSum(t.map(Math.abs)) / n);
  const noise = rng.standardNormal(n);
  for (let i = 0; i < n; i++) t[i] = t[i]! + 1e-10 * my * noise[i]!;
  const out = new Float64Array(d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = x[i * d + j]!;
    out[j] = discrete[j] ? miContinuousDiscrete(t, encodeValues(col), k) : miContinuousContinuous(col, t, k);
  }
  return out;
}

/**
 * scikit-learn `_compute_mi_cc` (KSG estimator 1): radius = nextafter(k-th Chebyshev neighbour
 * distance in the (x, y) plane, 0); nx / ny = points within that radius along each axis, minus the
 * point itself; MI = psi(n) + psi(k) - <psi(nx + 1)> - <psi(ny + 1)>, clipped at 0.
 */
export function miContinuousContinuous(x: Float64Array, y: Float64Array, nNeighbors: number): number {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
  const xs = Float64Array.from(order, (i) => x[i]!), ys = Float64Array.from(order, (i) => y[i]!);
  const k = nNeighbors;
  const best = new Float64Array(k); // ascending k smallest distances
  const radius = new Float64Array(n); // in sorted order
  for (let p = 0; p < n; p++) {
    const xv = xs[p]!, yv = ys[p]!;
    let filled = 0;
    const push = (dist: number) => {
      if (filled < k) {
        let q = filled++;
        while (q > 0 && best[q - 1]! > dist) { best[q] = best[q - 1]!; q--; }
        best[q] = dist;
      } else if (dist < best[k - 1]!) {
        let q = k - 1;
        while (q > 0 && best[q - 1]! > dist) { best[q] = best[q - 1]!; q--; }
        best[q] = dist;
      }
    };
    let lo = p - 1, hi = p + 1;
    while (lo >= 0 || hi < n) {
      const dl = lo >= 0 ? xv - xs[lo]! : Infinity;
      const dh = hi < n ? xs[hi]! - xv : Infinity;
      const useLo = dl <= dh;
      const dx = useLo ? dl : dh;
      if (filled === k && dx >= best[k - 1]!) break; // every remaining point is at least dx away
      const j = useLo ? lo-- : hi++;
      push(Math.max(Math.abs(xv - xs[j]!), Math.abs(yv - ys[j]!)));
    }
    radius[p] = nextDown(best[k - 1]!);
  }
  const ysorted = ys.slice().sort();
  const nx = new Float64Array(n), ny = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    nx[p] = countWithin(xs, xs[p]!, radius[p]!);
    ny[p] = countWithin(ysorted, ys[p]!, radius[p]!);
  }
  const mi = digamma(n) + digamma(k) - pairwiseSum(nx.map(digamma)) / n - pairwiseSum(ny.map(digamma)) / n;
  return Math.max(0, mi);
}

/** Number of w in ascending `sorted` with |fl(v - w)| <= r (including v itself): two binary searches. */
function countWithin(sorted: Float64Array, v: number, r: number): number {
  const n = sorted.length;
  let a = 0, b = n;
  while (a < b) { const h = (a + b) >> 1; if (v - sorted[h]! > r) a = h + 1; else b = h; }
  const first = a;
  b = n;
  while (a < b) { const h = (a + b) >> 1; if (sorted[h]! - v <= r) a = h + 1; else b = h; }
  return a - first;
}

const EPS = 2.220446049250313e-16;

function sqDev(v: Float64Array): Float64Array {
  const mu = pairwiseSum(v) / v.length;
  return v.map((a) => (a - mu) * (a - mu));
}

/** Integer codes of the distinct values of a discrete column (ascending). */
function encodeValues(col: Float64Array): Int32Array {
  const u = [...new Set(col)].sort((a, b) => a - b);
  const idx = new Map(u.map((v, i) => [v, i]));
  return Int32Array.from(col, (v) => idx.get(v)!);
}

function checkNeighbors(k: number | undefined, owner: string): number {
  const v = k ?? 3;
  if (!Number.isInteger(v) || v < 1) throw new InvalidParameterError('nNeighbors', 'an integer >= 1', v, owner);
  return v;
}

/** `discrete_features` -> boolean mask of length d. */
function discreteMask(df: MutualInfoOptions['discreteFeatures'], d: number, owner: string): boolean[] {
  const v = df ?? 'auto';
  const discrete = new Array<boolean>(d).fill(false);
  if (v === true) discrete.fill(true);
  else if (Array.isArray(v)) {
    if (v.length && typeof v[0] === 'boolean') {
      if (v.length !== d) throw new InvalidParameterError('discreteFeatures', `a boolean mask of length ${d}`, `length ${v.length}`, owner);
      (v as boolean[]).forEach((b, j) => (discrete[j] = b));
    } else for (const j of v as number[]) {
      if (!Number.isInteger(j) || j < 0 || j >= d) throw new InvalidParameterError('discreteFeatures', `feature indices in [0, ${d - 1}]`, j, owner);
      discrete[j] = true;
    }
  } else if (v !== 'auto' && v !== false) throw new InvalidParameterError('discreteFeatures', "'auto', a boolean, indices or a boolean mask", v, owner);
  return discrete;
}

/**
 * In place on row-major x (n x d): the continuous columns become
 * `scale(x, with_mean=False) + 1e-10 * max(1, mean|x|) * rng.standard_normal((n, n_continuous))`.
 */
function jitterContinuous(x: Float64Array, n: number, d: number, discrete: boolean[], rng: RandomState): void {
  const cont = discrete.flatMap((b, j) => (b ? [] : [j]));
  if (!cont.length) return;
  const nc = cont.length;
  // scale(with_mean=False): divide by np.nanstd (sequential column sums), zeros -> 1
  const scaled = new Float64Array(n * nc);
  for (let c = 0; c < nc; c++) {
    const j = cont[c]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * d + j]!;
    const mu = s / n;
    let q = 0;
    for (let i = 0; i < n; i++) { const t = x[i * d + j]! - mu; q += t * t; }
    let sd = Math.sqrt(q / n);
    if (sd < 10 * EPS) sd = 1;
    for (let i = 0; i < n; i++) scaled[i * nc + c] = x[i * d + j]! / sd;
  }
  const means = new Float64Array(nc);
  for (let i = 0; i < n; i++) for (let c = 0; c < nc; c++) means[c]! += Math.abs(scaled[i * nc + c]!);
  for (let c = 0; c < nc; c++) means[c] = Math.max(1, means[c]! / n);
  const noise = rng.standardNormal(n * nc);
  for (let i = 0; i < n; i++) for (let c = 0; c < nc; c++) x[i * d + cont[c]!] = scaled[i * nc + c]! + 1e-10 * means[c]! * noise[i * nc + c]!;
}

/**
 * scikit-learn `_compute_mi_cd` in one dimension (KSG-style estimator of Ross 2014). Per label, the
 * k-th neighbour distance is exact |dx| (sorted merge, as its KD-tree), except for labels with
 * `k >= count // 2`, where scikit-learn's NearestNeighbors switches to brute force and the
 * GEMM-expanded euclidean distance, which is reproduced bit for bit.
 */
export function miContinuousDiscrete(c: Float64Array, labels: Int32Array, nNeighbors: number): number {
  const n = c.length;
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < n; i++) { const l = labels[i]!; let a = byLabel.get(l); if (!a) byLabel.set(l, (a = [])); a.push(i); }
  const radius = new Float64Array(n), labelCounts = new Float64Array(n), kAll = new Float64Array(n);
  for (const idx of byLabel.values()) {
    const count = idx.length;
    for (const i of idx) labelCounts[i] = count;
    if (count <= 1) continue;
    const k = Math.min(nNeighbors, count - 1);
    const vals = Float64Array.from(idx, (i) => c[i]!);
    if (k >= count >> 1) {
      // NearestNeighbors(algorithm='auto') goes brute-force here: scikit-learn's ArgKmin ranks by
      // ||a||^2 - 2ab + ||b||^2 and returns sqrt(max(0, .)) of the (k+1)-th smallest (self included)
      const s = new Float64Array(count);
      for (let p = 0; p < count; p++) {
        const a = vals[p]!;
        for (let q = 0; q < count; q++) { const b = vals[q]!; s[q] = a * a + -2 * (a * b) + b * b; }
        s.sort();
        const i = idx[p]!;
        radius[i] = nextDown(Math.sqrt(Math.max(s[k]!, 0)));
        kAll[i] = k;
      }
      continue;
    }
    const order = Array.from(vals.keys()).sort((a, b) => vals[a]! - vals[b]! || a - b);
    const sorted = Float64Array.from(order, (o) => vals[o]!);
    for (let p = 0; p < count; p++) {
      // k-th nearest neighbour distance excluding the point itself: merge outwards
      let lo = p - 1, hi = p + 1, dk = 0;
      const v = sorted[p]!;
      for (let t = 0; t < k; t++) {
        const dl = lo >= 0 ? Math.abs(v - sorted[lo]!) : Infinity;
        const dh = hi < count ? Math.abs(sorted[hi]! - v) : Infinity;
        if (dl <= dh) { dk = dl; lo--; } else { dk = dh; hi++; }
      }
      const i = idx[order[p]!]!;
      radius[i] = nextDown(dk);
      kAll[i] = k;
    }
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (labelCounts[i]! > 1) keep.push(i);
  const nk = keep.length;
  const all = Float64Array.from(keep, (i) => c[i]!).sort();
  const mAll = new Float64Array(nk);
  keep.forEach((i, t) => {
    const v = c[i]!, r = radius[i]!;
    // count of points with |fl(v - w)| <= r (monotone in w): two binary searches
    let a = 0, b = nk;
    while (a < b) { const h = (a + b) >> 1; if (v - all[h]! > r) a = h + 1; else b = h; }
    const first = a;
    a = first; b = nk;
    while (a < b) { const h = (a + b) >> 1; if (all[h]! - v <= r) a = h + 1; else b = h; }
    mAll[t] = a - first;
  });
  const dg = (arr: ArrayLike<number>) => pairwiseSum(Float64Array.from(arr, digamma)) / arr.length;
  const mi = digamma(nk) + dg(Float64Array.from(keep, (i) => kAll[i]!)) - dg(Float64Array.from(keep, (i) => labelCounts[i]!)) - dg(mAll);
  return Math.max(0, mi);
}

/** scikit-learn's `mutual_info_score` of two discrete variables (natural log). */
export function miDiscrete(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const ua = [...new Set(Array.from(a))].sort((x, y) => x - y);
  const ub = [...new Set(Array.from(b))].sort((x, y) => x - y);
  if (ua.length === 1 || ub.length === 1) return 0;
  const ia = new Map(ua.map((v, k) => [v, k])), ib = new Map(ub.map((v, k) => [v, k]));
  const C = new Float64Array(ua.length * ub.length);
  for (let i = 0; i < n; i++) C[ia.get(a[i]!)! * ub.length + ib.get(b[i]!)!]!++;
  const pi = new Float64Array(ua.length), pj = new Float64Array(ub.length);
  for (let r = 0; r < ua.length; r++) for (let s = 0; s < ub.length; s++) { pi[r]! += C[r * ub.length + s]!; pj[s]! += C[r * ub.length + s]!; }
  const terms: number[] = [];
  const logSum = Math.log(n);
  for (let r = 0; r < ua.length; r++) {
    for (let s = 0; s < ub.length; s++) {
      const v = C[r * ub.length + s]!;
      if (!v) continue;
      const cnm = v / n;
      const logOuter = -Math.log(pi[r]! * pj[s]!) + Math.log(n) + Math.log(n);
      let t = cnm * (Math.log(v) - logSum) + cnm * logOuter;
      if (Math.abs(t) < 2.220446049250313e-16) t = 0;
      terms.push(t);
    }
  }
  return Math.max(0, pairwiseSum(terms));
}

function nextDown(x: number): number {
  if (x === 0) return 0; // np.nextafter(0, 0) == 0
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] = bits[0]! + (x > 0 ? -1n : 1n);
  return buf[0]!;
}
