import { InvalidParameterError } from '../core/errors.js';
import { checkRandomState, type RandomState } from '../core/random.js';
import { checkArray, checkLabels, type LabelsLike, type MatrixLike } from '../core/validation.js';
import { pairwiseSum } from '../preprocessing/_base.js';
import { digamma } from './special.js';

export interface MutualInfoOptions {
  /** 'auto' (= false for dense input), true/false for all features, or the indices / boolean mask of the discrete ones. */
  discreteFeatures?: 'auto' | boolean | number[] | boolean[];
  /** k of the KSG estimator (default 3). */
  nNeighbors?: number;
  randomState?: number | RandomState | null;
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
  const k = opts.nNeighbors ?? 3;
  if (!Number.isInteger(k) || k < 1) throw new InvalidParameterError('nNeighbors', 'an integer >= 1', k, owner);
  const df = opts.discreteFeatures ?? 'auto';
  const discrete = new Array<boolean>(d).fill(false);
  if (df === true) discrete.fill(true);
  else if (Array.isArray(df)) {
    if (df.length && typeof df[0] === 'boolean') {
      if (df.length !== d) throw new InvalidParameterError('discreteFeatures', `a boolean mask of length ${d}`, `length ${df.length}`, owner);
      (df as boolean[]).forEach((b, j) => (discrete[j] = b));
    } else for (const j of df as number[]) {
      if (!Number.isInteger(j) || j < 0 || j >= d) throw new InvalidParameterError('discreteFeatures', `feature indices in [0, ${d - 1}]`, j, owner);
      discrete[j] = true;
    }
  } else if (df !== 'auto' && df !== false) throw new InvalidParameterError('discreteFeatures', "'auto', a boolean, indices or a boolean mask", df, owner);
  const cont = discrete.flatMap((b, j) => (b ? [] : [j]));
  const rng = checkRandomState(opts.randomState ?? null, 'randomState', owner);
  const x = m.data;
  if (cont.length) {
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
      if (sd < 10 * 2.220446049250313e-16) sd = 1;
      for (let i = 0; i < n; i++) scaled[i * nc + c] = x[i * d + j]! / sd;
    }
    const means = new Float64Array(nc);
    for (let i = 0; i < n; i++) for (let c = 0; c < nc; c++) means[c]! += Math.abs(scaled[i * nc + c]!);
    for (let c = 0; c < nc; c++) means[c] = Math.max(1, means[c]! / n);
    const noise = rng.standardNormal(n * nc);
    for (let i = 0; i < n; i++) for (let c = 0; c < nc; c++) x[i * d + cont[c]!] = scaled[i * nc + c]! + 1e-10 * means[c]! * noise[i * nc + c]!;
  }
  const out = new Float64Array(d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = x[i * d + j]!;
    out[j] = discrete[j] ? miDiscrete(col, encoded) : miContinuousDiscrete(col, encoded, k);
  }
  return out;
}

/** scikit-learn `_compute_mi_cd` in one dimension (KSG-style estimator of Ross 2014). */
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
